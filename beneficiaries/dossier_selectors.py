"""Reads on dossiers, already scoped to the user's areas: the board by status, the overdue
list (Decree 131/2021/NĐ-CP sets a time limit per procedure) and one dossier's history."""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from welfare.accounts.scoping import get_scoped_or_404, scope
from welfare.core.text import fold
from welfare.households.selectors import HistoryEntry, history_entries

from .models import Dossier, DossierStatus

OPEN = (DossierStatus.RECEIVED, DossierStatus.IN_REVIEW)
DECIDED = (DossierStatus.APPROVED, DossierStatus.REJECTED)


def overdue_q(today: dt.date) -> Q:
    """Open dossiers (received or in review) past their due date."""
    return Q(status__in=OPEN, due_on__lt=today)


def dossier_list(
    *,
    user,
    today: dt.date,
    q: str = "",
    kind: str = "",
    commune: int | None = None,
    status: str = "",
    overdue: bool = False,
) -> QuerySet[Dossier]:
    """The user's dossiers, filtered. `q` finds a code or an applicant's name, accents ignored
    (the folded name is compared, as households' search does)."""
    dossiers = scope(Dossier.objects.select_related("commune", "handled_by"), user)
    text = q.strip()
    if text:
        folded = fold(text)
        dossiers = dossiers.filter(Q(code__icontains=text) | Q(applicant_folded__contains=folded))
    if kind:
        dossiers = dossiers.filter(kind=kind)
    if commune:
        dossiers = dossiers.filter(commune_id=commune)
    if status:
        dossiers = dossiers.filter(status=status)
    if overdue:
        dossiers = dossiers.filter(overdue_q(today)).order_by("due_on", "code")
    return dossiers


def with_overdue_days(dossiers, today: dt.date) -> list[Dossier]:
    """Each dossier with `overdue_days`: the days past its due date while open, else 0."""
    rows = list(dossiers)
    for dossier in rows:
        late = dossier.overdue_on(today)
        dossier.overdue_days = (today - dossier.due_on).days if late else 0
        dossier.due_in_days = (dossier.due_on - today).days if dossier.open and dossier.due_on and not late else None
    return rows


def overdue_count(dossiers: QuerySet[Dossier], today: dt.date) -> int:
    return dossiers.filter(overdue_q(today)).count()


def status_counts(dossiers: QuerySet[Dossier]) -> dict[str, int]:
    rows = dossiers.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def dossier_detail(*, user, pk: int) -> Dossier:
    """One of the user's dossiers (404 for another commune's, as for a missing one)."""
    return get_scoped_or_404(
        Dossier.objects.select_related(
            "commune", "commune__province", "handled_by", "person", "beneficiary"
        ),
        user,
        pk=pk,
    )


def dossier_history(*, dossier: Dossier, limit: int = 60) -> list[HistoryEntry]:
    records = dossier.history.select_related("history_user").order_by("-history_date")[:200]
    return history_entries(records, subject=lambda r: r.code, limit=limit)


def time_limits(*, on: dt.date) -> dict[str, int]:
    """The days each kind of dossier may take, as in force on a day (for the default due
    date the form shows)."""
    from .models import DossierTimeLimit

    limits: dict[str, int] = {}
    for row in DossierTimeLimit.objects.valid_on(on).order_by("kind", "valid_from"):
        limits[row.kind] = row.days
    return limits


def beneficiary_by_code(*, user, code: str):
    """The user's beneficiary with this code, or None."""
    from .models import Beneficiary

    return scope(Beneficiary.objects.select_related("person"), user).filter(code=code.strip()).first()
