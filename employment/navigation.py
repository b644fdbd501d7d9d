"""The menu entries of this app: one dropdown with the overview (progress against the year's
plan), employment-fund loans, job placements and border-labour passes."""

from django.utils.translation import gettext_lazy as _

from welfare.core.navigation import NavGroup, NavItem, nav_register

GROUP = NavGroup("employment", _("Employment"), "bi-briefcase")

nav_register(
    NavItem(
        "employment",
        _("Overview"),
        "employment_overview",
        "welfare.view_cases",
        55,
        "bi-graph-up-arrow",
        group=GROUP,
    )
)
nav_register(
    NavItem(
        "loans",
        _("Employment-fund loans"),
        "loan_list",
        "welfare.view_cases",
        56,
        "bi-cash-coin",
        group=GROUP,
    )
)
nav_register(
    NavItem(
        "placements",
        _("Job placements"),
        "placement_list",
        "welfare.view_cases",
        57,
        "bi-person-check",
        group=GROUP,
    )
)
nav_register(
    NavItem(
        "border_passes",
        _("Border-labour passes"),
        "border_pass_list",
        "welfare.view_cases",
        58,
        "bi-passport",
        group=GROUP,
    )
)
