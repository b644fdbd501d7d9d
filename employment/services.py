"""Writes on employment-fund loans, job placements and border-labour passes.

The officer's pages, the admin and the imports share these rules:
- `loan_problems`: the caps of the `LoanLimit` row valid on the disbursement date for the
  borrower type (most per loan, per job, longest term, collateral from an amount);
- `placement_problems`, `pass_problems`: dates not in the future, a pass expiring after issue.

A worker or holder typed with a citizen ID is linked to the person with that ID (the names must
agree) or becomes a new person of the commune (contract.md, "People").
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from welfare.accounts.permissions import require
from welfare.areas.models import Commune
from welfare.core.formatting import format_date, format_vnd
from welfare.core.services import StaleEditError, versioned_update
from welfare.households.models import Person
from welfare.households.services import PersonData, person_for, person_id_problems

from .models import BorderPass, LendingRate, Loan, LoanLimit, Placement, RepaymentStatus

LOAN_FIELDS = (
    "code", "commune_id", "borrower_type", "borrower_name", "borrower_id_number", "purpose", "amount_vnd", "term_months",
    "disbursed_on", "jobs", "collateral", "monthly_rate_percent", "repayment_status", "repaid_on", "note",
)
PLACEMENT_FIELDS = ("commune_id", "worker_name", "worker_id_number", "channel", "employer", "placed_on", "note")
PASS_FIELDS = (
    "commune_id", "number", "holder_name", "holder_id_number", "issued_on", "expires_on", "border_gate",
    "workplace", "note",
)
EXPIRING_DAYS = 30


def _future(day: dt.date | None, today: dt.date) -> bool:
    return day is not None and day > today


def _future_message() -> str:
    return _("The date cannot be in the future.")


# --- Loans ------------------------------------------------------------------------------------


def limits_on(day: dt.date) -> dict[str, LoanLimit]:
    """The caps in force on `day`, by borrower type: one query."""
    # Should two rows of a type overlap, the latest to start is in force.
    return {row.borrower_type: row for row in LoanLimit.objects.valid_on(day).order_by("borrower_type", "valid_from")}


def rate_on(day: dt.date) -> LendingRate | None:
    return LendingRate.objects.valid_on(day).order_by("-valid_from").first()


def loan_problems(
    values: dict, *, limit: LoanLimit | None, require_collateral: bool = True, today: dt.date | None = None
) -> dict[str, str]:
    """What is wrong with a loan's values, by field: `limit` is the `LoanLimit` in force on its
    disbursement for its borrower type (None: none is). `require_collateral` is off for imports,
    whose files have no collateral column: the loan's page then asks for it."""
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    disbursed_on = values.get("disbursed_on")
    amount = values.get("amount_vnd") or 0
    jobs = values.get("jobs") or 0
    term = values.get("term_months")
    if _future(disbursed_on, today):
        problems["disbursed_on"] = _future_message()
    if amount <= 0:
        problems["amount_vnd"] = _("Enter an amount above zero.")
    if jobs < 1:
        problems["jobs"] = _("A loan creates, maintains or expands at least one job.")
    id_problems = person_id_problems(id_number=values.get("borrower_id_number") or None)
    if id_problems:
        problems["borrower_id_number"] = " ".join(str(p) for p in id_problems)
    if term is not None and term < 1:
        problems["term_months"] = _("The term is at least one month.")
    if disbursed_on is not None and limit is None and "disbursed_on" not in problems:
        problems["disbursed_on"] = _(
            "No loan limits for this borrower type are in force on %(date)s: ask an administrator "
            "to enter them."
        ) % {"date": format_date(disbursed_on)}
    if limit is not None:
        basis = limit.legal_basis
        if amount > limit.max_amount_vnd:
            problems["amount_vnd"] = _(
                "%(type)s may borrow at most %(max)s (%(basis)s)."
            ) % {"type": limit.get_borrower_type_display(), "max": format_vnd(limit.max_amount_vnd), "basis": basis}
        elif limit.max_per_job_vnd and jobs >= 1 and amount > limit.max_per_job_vnd * jobs:
            problems["amount_vnd"] = _(
                "At most %(per_job)s per job created, maintained or expanded: %(jobs)s jobs allow at "
                "most %(max)s (%(basis)s)."
            ) % {
                "per_job": format_vnd(limit.max_per_job_vnd),
                "jobs": jobs,
                "max": format_vnd(limit.max_per_job_vnd * jobs),
                "basis": basis,
            }
        if term is not None and term > limit.max_term_months:
            problems["term_months"] = _("The term may be at most %(months)s months (%(basis)s).") % {
                "months": limit.max_term_months,
                "basis": basis,
            }
        if (
            require_collateral
            and limit.collateral_from_vnd is not None
            and amount >= limit.collateral_from_vnd
            and not (values.get("collateral") or "").strip()
        ):
            problems["collateral"] = _(
                "A loan of %(from)s or more needs collateral: describe it (%(basis)s)."
            ) % {"from": format_vnd(limit.collateral_from_vnd), "basis": basis}
    status = values.get("repayment_status") or RepaymentStatus.CURRENT
    repaid_on = values.get("repaid_on")
    if status == RepaymentStatus.REPAID and repaid_on is None:
        problems["repaid_on"] = _("Enter the date the loan was repaid.")
    elif status != RepaymentStatus.REPAID and repaid_on is not None:
        problems["repaid_on"] = _("Only a repaid loan has a repayment date.")
    elif repaid_on is not None and _future(repaid_on, today):
        problems["repaid_on"] = _future_message()
    elif repaid_on is not None and disbursed_on is not None and repaid_on < disbursed_on:
        problems["repaid_on"] = _("A loan cannot be repaid before it is disbursed.")
    return problems


def _rate_in_force(day: dt.date):
    rate = rate_on(day)
    return rate.monthly_rate_percent if rate else None


def loan_limit_for(values: dict) -> LoanLimit | None:
    if not values.get("disbursed_on") or not values.get("borrower_type"):
        return None
    return limits_on(values["disbursed_on"]).get(values["borrower_type"])


def _check_loan(values: dict, *, require_collateral: bool = True) -> None:
    found = loan_problems(values, limit=loan_limit_for(values), require_collateral=require_collateral)
    if found:
        raise ValidationError(found)


def _link_person(*, user, commune_id: int, name: str, id_number: str) -> Person | None:
    """The person a typed citizen ID names (or a new one of the commune); None without an ID."""
    if not id_number:
        return None
    return person_for(
        user=user, commune=Commune(pk=commune_id), data=PersonData(full_name=name, id_number=id_number)
    )


@transaction.atomic
def loan_record(*, user, values: dict) -> Loan:
    values = {k: v for k, v in values.items() if k in LOAN_FIELDS}
    loan = Loan(**values)
    require(user, "welfare.edit_cases", loan)
    _check_loan(values)
    if Loan.objects.filter(code=values["code"]).exists():
        raise ValidationError({"code": _("A loan with this code is already recorded.")})
    if loan.monthly_rate_percent is None:
        loan.monthly_rate_percent = _rate_in_force(loan.disbursed_on)
    loan.person = _link_person(
        user=user, commune_id=loan.commune_id, name=loan.borrower_name, id_number=loan.borrower_id_number
    )
    loan.full_clean()
    loan.save()
    return loan


@transaction.atomic
def loan_update(*, user, loan: Loan, expected_version: int, changes: dict) -> Loan:
    require(user, "welfare.edit_cases", loan)
    # A loan stays in its commune and keeps its code: the bank's contract names it.
    changes = {k: v for k, v in changes.items() if k in LOAN_FIELDS and k not in ("commune_id", "code")}
    merged = {**{f: getattr(loan, f) for f in LOAN_FIELDS}, **changes}
    _check_loan(merged)
    if merged["monthly_rate_percent"] is None:
        # As when recording: an emptied rate is the one in force on the disbursement.
        changes["monthly_rate_percent"] = _rate_in_force(merged["disbursed_on"])
    if merged["borrower_id_number"] != loan.borrower_id_number or merged["borrower_name"] != loan.borrower_name:
        changes["person"] = _link_person(
            user=user, commune_id=loan.commune_id, name=merged["borrower_name"], id_number=merged["borrower_id_number"]
        )
    return versioned_update(loan, expected_version=expected_version, changes=changes)


# --- Placements -------------------------------------------------------------------------------


def placement_problems(values: dict, *, today: dt.date | None = None) -> dict[str, str]:
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    if _future(values.get("placed_on"), today):
        problems["placed_on"] = _future_message()
    id_problems = person_id_problems(id_number=values.get("worker_id_number") or None)
    if id_problems:
        problems["worker_id_number"] = " ".join(str(p) for p in id_problems)
    return problems


@transaction.atomic
def placement_record(*, user, values: dict) -> Placement:
    values = {k: v for k, v in values.items() if k in PLACEMENT_FIELDS}
    placement = Placement(**values)
    require(user, "welfare.edit_cases", placement)
    found = placement_problems(values)
    if found:
        raise ValidationError(found)
    placement.person = _link_person(
        user=user, commune_id=placement.commune_id, name=placement.worker_name, id_number=placement.worker_id_number
    )
    placement.full_clean()
    placement.save()
    return placement


@transaction.atomic
def placement_update(*, user, placement: Placement, expected_version: int, changes: dict) -> Placement:
    require(user, "welfare.edit_cases", placement)
    changes = {k: v for k, v in changes.items() if k in PLACEMENT_FIELDS and k != "commune_id"}
    merged = {**{f: getattr(placement, f) for f in PLACEMENT_FIELDS}, **changes}
    found = placement_problems(merged)
    if found:
        raise ValidationError(found)
    if merged["worker_id_number"] != placement.worker_id_number or merged["worker_name"] != placement.worker_name:
        changes["person"] = _link_person(
            user=user, commune_id=placement.commune_id, name=merged["worker_name"], id_number=merged["worker_id_number"]
        )
    return versioned_update(placement, expected_version=expected_version, changes=changes)


@transaction.atomic
def placement_delete(*, user, placement: Placement, expected_version: int | None = None) -> None:
    """A placement entered by mistake; its history keeps what it said and who removed it. With
    `expected_version` (the confirmation page's), a placement changed since is not deleted."""
    require(user, "welfare.edit_cases", placement)
    current = Placement.objects.select_for_update().get(pk=placement.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEditError(
            _("This placement was changed by someone else after you opened it: look at it again "
              "before deleting it."),
            code="stale",
        )
    placement._history_user = user
    placement.delete()


# --- Border-labour passes ---------------------------------------------------------------------


def pass_problems(values: dict, *, today: dt.date | None = None) -> dict[str, str]:
    today = today or timezone.localdate()
    problems: dict[str, str] = {}
    issued_on, expires_on = values.get("issued_on"), values.get("expires_on")
    if _future(issued_on, today):
        problems["issued_on"] = _future_message()
    if issued_on and expires_on and expires_on <= issued_on:
        problems["expires_on"] = _("A pass expires after the day it is issued.")
    id_problems = person_id_problems(id_number=values.get("holder_id_number") or None)
    if id_problems:
        problems["holder_id_number"] = " ".join(str(p) for p in id_problems)
    return problems


def _check_pass_number(number: str, *, exclude: int | None = None) -> None:
    taken = BorderPass.objects.filter(number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"number": _("A pass with this number is already recorded.")})


@transaction.atomic
def border_pass_record(*, user, values: dict) -> BorderPass:
    values = {k: v for k, v in values.items() if k in PASS_FIELDS}
    border_pass = BorderPass(**values)
    require(user, "welfare.edit_cases", border_pass)
    found = pass_problems(values)
    if found:
        raise ValidationError(found)
    _check_pass_number(border_pass.number)
    border_pass.person = _link_person(
        user=user,
        commune_id=border_pass.commune_id,
        name=border_pass.holder_name,
        id_number=border_pass.holder_id_number,
    )
    border_pass.full_clean()
    border_pass.save()
    return border_pass


@transaction.atomic
def border_pass_update(*, user, border_pass: BorderPass, expected_version: int, changes: dict) -> BorderPass:
    require(user, "welfare.edit_cases", border_pass)
    changes = {k: v for k, v in changes.items() if k in PASS_FIELDS and k != "commune_id"}
    merged = {**{f: getattr(border_pass, f) for f in PASS_FIELDS}, **changes}
    found = pass_problems(merged)
    if found:
        raise ValidationError(found)
    if "number" in changes:
        _check_pass_number(changes["number"], exclude=border_pass.pk)
    if merged["holder_id_number"] != border_pass.holder_id_number or merged["holder_name"] != border_pass.holder_name:
        changes["person"] = _link_person(
            user=user,
            commune_id=border_pass.commune_id,
            name=merged["holder_name"],
            id_number=merged["holder_id_number"],
        )
    return versioned_update(border_pass, expected_version=expected_version, changes=changes)
