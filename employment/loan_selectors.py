"""Reads on employment-fund loans, already scoped to the user's communes.

Searches are accent-insensitive on the borrower (`core.text.fold`) and find a loan code as typed.
The warnings a page shows beside a loan (past its term while still "being repaid"; collateral not
recorded although the amount needs it, as after an import, whose files have no collateral column)
are worked out here from the caps in force on each loan's disbursement.
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from welfare.accounts.scoping import get_scoped_or_404, scope
from welfare.core.text import fold
from welfare.households.selectors import HistoryEntry, history_entries, visible_person_ids

from .models import BorrowerType, Loan, LoanLimit


def loan_list(
    *,
    user,
    q: str = "",
    commune: int | None = None,
    borrower_type: str = "",
    repayment_status: str = "",
    year: int | None = None,
) -> QuerySet[Loan]:
    """The user's loans, newest disbursement first. `q` finds a borrower (accents ignored), a
    loan code or a borrower's citizen ID; `year` the year of disbursement."""
    loans = scope(Loan.objects.select_related("commune", "person"), user)
    text = q.strip()
    if text:
        loans = loans.filter(
            Q(borrower_folded__contains=fold(text)) | Q(code__icontains=text) | Q(borrower_id_number=text)
        )
    if commune:
        loans = loans.filter(commune_id=commune)
    if borrower_type:
        loans = loans.filter(borrower_type=borrower_type)
    if repayment_status:
        loans = loans.filter(repayment_status=repayment_status)
    if year:
        loans = loans.filter(disbursed_on__year=year)
    return loans.order_by("-disbursed_on", "-pk")


def loan_totals(loans: QuerySet[Loan]) -> dict:
    """The number of loans, the amount lent and the jobs of a (filtered) list."""
    return loans.order_by().aggregate(
        count=Count("pk"), amount=Coalesce(Sum("amount_vnd"), 0), jobs=Coalesce(Sum("jobs"), 0)
    )


def loan_years(*, user) -> list[int]:
    dates = scope(Loan.objects.all(), user).dates("disbursed_on", "year", order="DESC")
    return [d.year for d in dates]


def loan_detail(*, user, pk: int) -> Loan:
    """One of the user's loans (404 for another commune's)."""
    return get_scoped_or_404(Loan.objects.select_related("commune", "person"), user, pk=pk)


def loan_history(*, loan: Loan, limit: int = 60) -> list[HistoryEntry]:
    records = loan.history.select_related("history_user").order_by("-history_date")[:200]
    return history_entries(records, subject=lambda r: r.code, limit=limit)


def limit_applying(loan: Loan, limits: list[LoanLimit]) -> LoanLimit | None:
    """The cap of the loan's borrower type in force on its disbursement, among `limits`: the
    latest to start, as the services and the import take it."""
    day = loan.disbursed_on
    found = None
    for row in limits:
        if (
            row.borrower_type == loan.borrower_type
            and row.valid_from <= day
            and (row.valid_to is None or row.valid_to >= day)
            and (found is None or row.valid_from > found.valid_from)
        ):
            found = row
    return found


def needs_collateral(loan: Loan, limit: LoanLimit | None) -> bool:
    """The amount needs collateral under its cap, and none is recorded."""
    return (
        limit is not None
        and limit.collateral_from_vnd is not None
        and loan.amount_vnd >= limit.collateral_from_vnd
        and not loan.collateral.strip()
    )


def mark_warnings(loans) -> list[Loan]:
    """The loans of one page, each with `collateral_missing` set (one query for the caps)."""
    loans = list(loans)
    limits = list(LoanLimit.objects.all())
    for loan in loans:
        loan.collateral_missing = needs_collateral(loan, limit_applying(loan, limits))
    return loans


def limits_in_force(day: dt.date) -> list[LoanLimit]:
    """The caps in force on `day`, one row a borrower type, in the order of the choices."""
    order = {value: index for index, (value, _label) in enumerate(BorrowerType.choices)}
    rows = LoanLimit.objects.valid_on(day)
    return sorted(rows, key=lambda r: (order.get(r.borrower_type, len(order)), r.valid_from))


def person_visible(*, user, loan: Loan) -> bool:
    """Whether the user may open the borrower's person page."""
    return loan.person_id in visible_person_ids(user=user, ids=[loan.person_id])
