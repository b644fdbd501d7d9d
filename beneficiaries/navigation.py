"""The menu entries of this app: one dropdown with the two programmes, the payment runs and
the dossiers."""

from django.utils.translation import gettext_lazy as _

from welfare.core.navigation import NavGroup, NavItem, nav_register

from .models import Programme

GROUP = NavGroup("beneficiaries", _("Meritorious & social protection"), "bi-award")

nav_register(
    NavItem(
        "beneficiaries_merit",
        _("Meritorious people"),
        "beneficiary_list",
        "welfare.view_cases",
        40,
        "bi-award",
        group=GROUP,
        query=f"programme={Programme.MERIT.value}",
    )
)
nav_register(
    NavItem(
        "beneficiaries_social",
        _("Social protection"),
        "beneficiary_list",
        "welfare.view_cases",
        41,
        "bi-heart-pulse",
        group=GROUP,
        query=f"programme={Programme.SOCIAL.value}",
    )
)
nav_register(
    NavItem(
        "payment_runs",
        _("Payment runs"),
        "payment_run_list",
        "welfare.view_cases",
        42,
        "bi-cash-stack",
        group=GROUP,
    )
)
nav_register(
    NavItem(
        "dossiers",
        _("Dossiers"),
        "dossier_board",
        "welfare.view_cases",
        43,
        "bi-folder2-open",
        group=GROUP,
    )
)
