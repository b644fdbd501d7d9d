"""What this app adds to the person page of `welfare.households`, and what it does when a
person dies, moves away or is merged with a duplicate (design.md, "The person page")."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from welfare.accounts.scoping import scope
from welfare.households.registry import person_exit_handler, person_merge_handler, person_section

from .models import Beneficiary, Dossier, EndReason, Payment
from .services import entitlements_end_for_person

PAYMENTS_SHOWN = 12


@person_section(order=40, title=_("Programmes, allowances and dossiers"))
def programmes(*, person, user) -> dict | None:
    """The person's enrolments (meritorious allowance, social assistance), their latest
    payments and the dossiers about them, as far as the user's areas reach."""
    enrolments = list(
        scope(Beneficiary.objects.filter(person=person), user).select_related("commune").order_by("-start_on")
    )
    dossiers = list(
        scope(Dossier.objects.filter(Q(person=person) | Q(beneficiary__person=person)), user)
        .distinct()
        .order_by("-received_on")
    )
    if not enrolments and not dossiers:
        return None
    payments = list(
        scope(Payment.objects.filter(beneficiary__person=person), user)
        .select_related("beneficiary", "run")
        .order_by("-month", "-pk")[:PAYMENTS_SHOWN]
    )
    today = timezone.localdate()
    return {
        "template": "beneficiaries/_person_section.html",
        "enrolments": [(b, b.entitled_on(today)) for b in enrolments],
        "payments": payments,
        "payments_shown": PAYMENTS_SHOWN,
        "dossiers": [(d, d.overdue_on(today)) for d in dossiers],
    }


@person_exit_handler
def end_entitlements(*, person, status, on, user) -> None:
    """A death or a move ends every entitlement of the person from that date; payments not
    yet approved for later months are withdrawn."""
    reason = EndReason.DIED if status == "died" else EndReason.MOVED
    entitlements_end_for_person(person=person, on=on, reason=reason, user=user)


@person_merge_handler
def move_enrolments(*, keep, duplicate, user) -> None:
    """The duplicate's enrolments and dossiers belong to the person kept."""
    for beneficiary in Beneficiary.objects.filter(person=duplicate):
        beneficiary.person = keep
        beneficiary.version += 1
        beneficiary._history_user = user
        beneficiary.save()
    for beneficiary in Beneficiary.objects.filter(relative_of=duplicate):
        beneficiary.relative_of = keep
        beneficiary.version += 1
        beneficiary._history_user = user
        beneficiary.save()
    for dossier in Dossier.objects.filter(person=duplicate):
        dossier.person = keep
        dossier.version += 1
        dossier._history_user = user
        dossier.save()
