"""The menu entries of this app: one dropdown with the dashboard, the half-year reports, the
half-year summary and the plans.

The dashboard is open to everyone with `welfare.view_reports`: heads (`welfare.view_dashboard`)
see their province's and drill down to its communes; officers see their own communes' only.
"""

from django.utils.translation import gettext_lazy as _

from welfare.core.navigation import NavGroup, NavItem, nav_register

GROUP = NavGroup("reports", _("Reports"), "bi-file-earmark-bar-graph")

nav_register(
    NavItem("dashboard", _("Dashboard"), "dashboard", "welfare.view_reports", 56, "bi-speedometer2", group=GROUP)
)
nav_register(
    NavItem("reports", _("Half-year reports"), "report_list", "welfare.view_reports", 58, "bi-journal-text", group=GROUP)
)
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
