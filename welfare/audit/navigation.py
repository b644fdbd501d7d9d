"""The access log's menu entry, for those who may read it (heads and admins)."""

from django.utils.translation import gettext_lazy as _

from welfare.core.navigation import NavItem, nav_register

nav_register(
    NavItem(
        "access_log",
        _("Access log"),
        "access_log",
        "welfare.read_access_log",
        880,
        "bi-shield-lock",
        compact=True,
    )
)
