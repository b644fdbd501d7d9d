"""Reads on payment runs and payments outside runs, already scoped to the user's areas.

A commune's run is seen by the officers of that commune and by the heads of its province; a
province's run (no commune) only by the province's heads (`PaymentRun.province_path`).
"""

import datetime as dt

from django.db.models import QuerySet

from welfare.accounts.scoping import get_scoped_or_404, scope
from welfare.core.formatting import group_int
from welfare.households.selectors import HistoryEntry, history_entries

from .models import Payment, PaymentRun, PaymentStatus


def payment_run_list(
    *,
    user,
    programme: str = "",
    month: dt.date | None = None,
    status: str = "",
    commune: int | None = None,
) -> QuerySet[PaymentRun]:
    """The user's runs, newest month first, filtered."""
    runs = scope(
        PaymentRun.objects.select_related("province", "commune", "approved_by", "built_by"), user
    )
    if programme:
        runs = runs.filter(programme=programme)
    if month:
        runs = runs.filter(month=month.replace(day=1))
    if status:
        runs = runs.filter(status=status)
    if commune:
        runs = runs.filter(commune_id=commune)
    return runs.order_by("-month", "programme", "commune__name", "pk")


def payment_run_detail(*, user, pk: int) -> PaymentRun:
    """One of the user's runs (404 for another area's, as for a missing one)."""
    return get_scoped_or_404(
        PaymentRun.objects.select_related("province", "commune", "built_by", "approved_by"),
        user,
        pk=pk,
    )


def run_payments(*, run: PaymentRun) -> QuerySet[Payment]:
    """The payments of a run, by commune then beneficiary code (the order of the paper list)."""
    return run.payments.select_related("beneficiary__person", "beneficiary__commune").order_by(
        "beneficiary__commune__name", "beneficiary__code", "pk"
    )


# Fields of a run whose change a reader follows on the page itself (the figures, the list of
# beneficiaries not paid): the history says when it was built and approved, not their dumps.
HISTORY_HIDDEN = ("problems", "built_at", "skipped_count")


def run_history(*, run: PaymentRun, limit: int = 30) -> list[HistoryEntry]:
    """When the run was built, rebuilt and approved, and by whom (amounts grouped)."""
    records = run.history.select_related("history_user").order_by("-history_date")[:100]
    entries = history_entries(records, subject=lambda r: str(run), limit=limit)
    hidden = {_label(name) for name in HISTORY_HIDDEN}
    money = {_label(name) for name in ("total_vnd", "payments_count")}
    for entry in entries:
        entry.changes = [
            (label, _grouped(old), _grouped(new)) if label in money else (label, old, new)
            for label, old, new in entry.changes
            if label not in hidden
        ]
    return entries


def _label(name: str) -> str:
    label = str(PaymentRun._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _grouped(value: str) -> str:
    return group_int(int(value)) if value.isdigit() else value


def pending_payments(*, user, commune: int | None = None) -> QuerySet[Payment]:
    """Proposed payments outside any run (one-off payments, imported payments) a head still
    has to approve: only approved payments count in reports."""
    payments = scope(
        Payment.objects.filter(run__isnull=True, status=PaymentStatus.PROPOSED), user
    ).select_related("beneficiary__person", "beneficiary__commune", "recorded_by")
    if commune:
        payments = payments.filter(beneficiary__commune_id=commune)
    return payments.order_by("beneficiary__commune__name", "-month", "beneficiary__code", "pk")
