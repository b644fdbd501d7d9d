"""The menu entries of this app: one dropdown with the half-year summary and the plans."""

from django.utils.translation import gettext_lazy as _

from welfare.core.navigation import NavGroup, NavItem, nav_register

GROUP = NavGroup("reports", _("Reports"), "bi-file-earmark-bar-graph")

nav_register(
    NavItem(
        "summary",
        _("Half-year summary"),
        "summary_start",
        "welfare.view_reports",
        60,
        "bi-file-earmark-bar-graph",
        group=GROUP,
    )
)
nav_register(NavItem("plans", _("Plans"), "plan_list", "welfare.view_plans", 70, "bi-bullseye", group=GROUP))
