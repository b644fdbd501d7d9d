from django.utils.translation import gettext_lazy as _

from welfare.core.navigation import NavItem, nav_register

nav_register(
    NavItem("summary", _("Half-year summary"), "summary_start", "welfare.view_reports", 60, "bi-file-earmark-bar-graph")
)
nav_register(NavItem("plans", _("Plans"), "plan_list", "welfare.view_plans", 70, "bi-bullseye"))
