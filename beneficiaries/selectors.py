"""Reads on beneficiaries, scoped to the user's areas (welfare.accounts.scoping).

Searches are accent-insensitive: the query is folded like the stored names (`core.text.fold`)
and compared with `Person.name_folded` using `contains` (both sides already lower case, as in
`welfare.households.selectors`).
"""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from welfare.accounts.scoping import get_scoped_or_404, scope
from welfare.core.text import fold
from welfare.households.models import Person
from welfare.households.selectors import HistoryEntry, history_entries

from .models import Beneficiary, Dossier, Payment, Programme, SocialCategory

STATUS_ENTITLED = "entitled"
STATUS_ENDED = "ended"


def entitled_on_q(day: dt.date) -> Q:
    return Q(start_on__lte=day) & (Q(end_on__isnull=True) | Q(end_on__gte=day))


def social_category_q(key: str) -> Q:
    """Beneficiaries whose list of social-protection categories holds `key`.

    Compared on the JSON text (`["elderly_80", …]`) with the key in its quotes, which works
    alike on SQLite and PostgreSQL (jsonb `@>`, `social_categories__contains=[key]`, exists on
    PostgreSQL only). The keys are fixed identifiers, so the quotes make the match exact."""
    return Q(social_categories__icontains=f'"{key}"')


def beneficiary_list(
    *, user, filters: dict | None = None, today: dt.date | None = None
) -> QuerySet[Beneficiary]:
    """The user's beneficiaries, filtered.

    `filters` (all optional): `programme` (merit, social_protection), `q` (code, citizen ID or
    name, accents ignored), `commune` (code), `category` (an Art. 3 letter), `social_category`
    (an Art. 5 key), `status` ("entitled": entitled today; "ended": the entitlement ended
    before today).
    """
    filters = filters or {}
    today = today or timezone.localdate()
    rows = scope(Beneficiary.objects.select_related("person", "commune"), user)
    if filters.get("programme"):
        rows = rows.filter(programme=filters["programme"])
    text = (filters.get("q") or "").strip()
    if text:
        folded = fold(text)
        rows = rows.filter(
            Q(code__icontains=text)
            | Q(person__id_number=text)
            | Q(person__name_folded__contains=folded)
        )
    if filters.get("commune"):
        rows = rows.filter(commune_id=filters["commune"])
    if filters.get("category"):
        rows = rows.filter(category=filters["category"])
    if filters.get("social_category"):
        rows = rows.filter(social_category_q(filters["social_category"]))
    status = filters.get("status")
    if status == STATUS_ENTITLED:
        rows = rows.filter(entitled_on_q(today))
    elif status == STATUS_ENDED:
        rows = rows.filter(end_on__lt=today)
    return rows.order_by("commune__name", "code")


def beneficiary_get(*, user, pk: int) -> Beneficiary:
    """One of the user's beneficiaries (404 alike for a missing one and another area's)."""
    return get_scoped_or_404(
        Beneficiary.objects.select_related(
            "person", "person__commune", "commune", "commune__province", "relative_of"
        ),
        user,
        pk=pk,
    )


def beneficiary_payments(*, beneficiary: Beneficiary) -> QuerySet[Payment]:
    """Every payment of the beneficiary, newest month first (monthly and one-off)."""
    return beneficiary.payments.select_related("run", "recorded_by").order_by("-month", "-pk")


def beneficiary_relatives(*, user, beneficiary: Beneficiary) -> QuerySet[Beneficiary]:
    """The relatives entitled through this beneficiary's person (a martyr's or an invalid's
    relatives), as far as the user's areas reach."""
    return (
        scope(Beneficiary.objects.filter(relative_of_id=beneficiary.person_id), user)
        .exclude(pk=beneficiary.pk)
        .select_related("person", "commune")
        .order_by("code")
    )


def beneficiary_dossiers(*, user, beneficiary: Beneficiary) -> QuerySet[Dossier]:
    """The dossiers about this beneficiary or their person."""
    return (
        scope(
            Dossier.objects.filter(Q(beneficiary=beneficiary) | Q(person_id=beneficiary.person_id)),
            user,
        )
        .distinct()
        .select_related("handled_by")
        .order_by("-received_on", "code")
    )


def person_by_id_number(*, user, id_number: str) -> Person | None:
    """The person of the user's areas holding this citizen ID, if any."""
    if not id_number:
        return None
    return scope(Person.objects.select_related("commune"), user).filter(id_number=id_number).first()


def person_id_elsewhere(*, user, id_number: str) -> bool:
    """Whether this citizen ID is recorded for a person outside the user's areas."""
    if not id_number:
        return False
    return (
        Person.objects.filter(id_number=id_number).exists()
        and person_by_id_number(user=user, id_number=id_number) is None
    )


def person_get(*, user, pk: int) -> Person | None:
    """One of the user's people, or None (for a form opened from a person's page)."""
    return scope(Person.objects.all(), user).filter(pk=pk).first()


def beneficiary_history(*, beneficiary: Beneficiary, limit: int = 60) -> list[HistoryEntry]:
    """The changes of the beneficiary's record; social-protection categories by their names."""
    records = beneficiary.history.select_related("history_user").order_by("-history_date")[:200]
    entries = history_entries(records, subject=lambda r: r.code, limit=limit)
    label = str(Beneficiary._meta.get_field("social_categories").verbose_name)
    label = label[:1].upper() + label[1:]
    names = dict(SocialCategory.choices)

    def named(value: str) -> str:
        if value == "—":
            return value
        return "; ".join(str(names.get(key.strip(), key.strip())) for key in value.split(","))

    for entry in entries:
        entry.changes = [
            (field, named(old), named(new)) if field == label else (field, old, new)
            for field, old, new in entry.changes
        ]
    return entries


def programme_of(value: str | None) -> str:
    """A programme key from the query string; the meritorious programme by default."""
    return value if value in Programme.values else Programme.MERIT
