"""The menu entries of this app: one dropdown with relief rounds, gift rounds and COVID-19
support."""

from django.utils.translation import gettext_lazy as _

from welfare.core.navigation import NavGroup, NavItem, nav_register

GROUP = NavGroup("relief", _("Relief, gifts & COVID"), "bi-box2-heart")

nav_register(
    NavItem(
        "relief_rounds",
        _("Relief rounds"),
        "relief_round_list",
        "welfare.view_cases",
        50,
        "bi-basket",
        group=GROUP,
    )
)
nav_register(
    NavItem(
        "gift_rounds",
        _("Gift rounds"),
        "gift_round_list",
        "welfare.view_cases",
        51,
        "bi-gift",
        group=GROUP,
    )
)
nav_register(
    NavItem(
        "covid_support",
        _("COVID-19 support"),
        "covid_support_list",
        "welfare.view_cases",
        52,
        "bi-shield-plus",
        group=GROUP,
    )
)
