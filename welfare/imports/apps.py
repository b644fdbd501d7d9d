from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "welfare.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self):
        # Each app declares its kinds of file in its own imports.py (design.md, "Layout").
        autodiscover_modules("imports")
        from welfare.core.navigation import NavItem, nav_register

        nav_register(
            NavItem("imports", _("Import"), "import_start", "welfare.import_records", 80, "bi-upload")
        )
