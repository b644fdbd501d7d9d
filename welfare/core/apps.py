from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "welfare.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from . import data_version, lookups  # noqa: F401 (lookups registers `any_of`)
        from .navigation import NavItem, nav_register

        data_version.connect()

        nav_register(NavItem("home", _("Home"), "home", None, 0, "bi-house", compact=True))
        nav_register(
            NavItem("admin", _("Administration"), "admin:index", None, 900, "bi-gear", staff_only=True, compact=True)
        )
