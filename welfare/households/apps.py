from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "welfare.households"
    label = "households"
    verbose_name = _("Households and people")

    def ready(self):
        # Each app adds its section to the person page, and hears of a death or a move, in its
        # own people.py (design.md, "The person page").
        autodiscover_modules("people")
        from . import navigation  # noqa: F401
