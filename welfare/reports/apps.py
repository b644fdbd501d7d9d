from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "welfare.reports"
    label = "reports"
    verbose_name = _("Reports and plans")

    def ready(self):
        # Each app declares its report figures in its own indicators.py, found the way the
        # admin finds admin.py (design.md, "Layout").
        autodiscover_modules("indicators")
        from . import navigation  # noqa: F401
