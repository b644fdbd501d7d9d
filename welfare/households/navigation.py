from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from welfare.core.navigation import NavItem, nav_register

nav_register(
    NavItem("households", _("Households"), "household_list", "welfare.view_cases", 20, "bi-houses")
)
nav_register(
    NavItem(
        "reviews",
        pgettext_lazy("menu", "Poverty reviews"),
        "review_list",
        "welfare.view_cases",
        25,
        "bi-clipboard-check",
    )
)
nav_register(
    NavItem(
        "cards",
        _("Health-insurance cards"),
        "card_list",
        "welfare.view_cases",
        30,
        "bi-postcard-heart",
    )
)
