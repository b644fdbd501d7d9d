"""The import kinds of this app: loans, job_placements (contract.md, "Import"). Each applies the
rules of `services.py` to a chunk of rows at once (`loan_problems`, `placement_problems`): one
query per lookup, bulk writes with their history rows and the undo log of the engine, never a
query per row.

- `loans` are keyed by `loan_code`. A row is checked against the caps (`LoanLimit`) in force on
  its disbursement date for its borrower type; the reference rows are read once per chunk and
  the one in force picked per row. A row updating a stored loan is checked with the stored
  values its blank cells leave. The file has no collateral column: the loan's page asks for it.
  A new loan takes the lending rate in force on its disbursement. A loan stays in its commune.
- `job_placements` always add. A worker with a citizen ID is linked to the person with that ID
  (the names agreeing) or becomes a new person of the row's commune (contract.md, "People"),
  as `insurance_cards` does; undoing the import removes the placements and those people.
"""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welfare.core.text import fold
from welfare.households.imports import IdClaims, NewPeople, id_check, name_mismatch, people_by_id
from welfare.households.models import Person
from welfare.imports import registry as r
from welfare.imports.engine import Batch, assign, bulk_add, bulk_change

from . import services
from .models import BorrowerType, Channel, LendingRate, Loan, LoanLimit, Placement

# The largest number of jobs the column holds (a positive integer).
MAX_JOBS = 2_147_483_647


def _in_force(rows, day: dt.date):
    """Of reference rows read once, the one in force on `day` (the latest to start), or None."""
    found = None
    for row in rows:
        if row.valid_from <= day and (row.valid_to is None or row.valid_to >= day):
            if found is None or row.valid_from > found.valid_from:
                found = row
    return found


# --- loans --------------------------------------------------------------------------------------

# The fields `loan_problems` may name that the file has no column for: the stored repayment
# date conflicts with the row's disbursement; the stored citizen ID is the borrower's.
_LOAN_COLUMNS = {"repaid_on": "disbursed_on", "borrower_id_number": "borrower_name"}


def loans_validate(batch: Batch) -> None:
    for row in batch.rows:
        if row.has("commune_code"):  # also on rows with other problems: report every problem
            batch.commune_check(row)
    for row in batch.valid():
        if row["jobs"] > MAX_JOBS:
            batch.error(row, "jobs", _("The jobs cannot be more than %(max)s.") % {"max": MAX_JOBS})
    rows = batch.valid()
    if not rows:
        return
    # The stored loans the rows update (locked: a form saved meanwhile is then stale).
    existing = {
        loan.code: loan
        for loan in Loan.objects.select_for_update().filter(code__in=batch.values("loan_code", rows))
    }
    # The caps of every borrower type and period, and the lending rates: a few reference rows.
    limits: dict[str, list[LoanLimit]] = {}
    for limit in LoanLimit.objects.all():
        limits.setdefault(limit.borrower_type, []).append(limit)
    rates = list(LendingRate.objects.all()) if len(existing) < len(rows) else []
    columns = batch.ctx.kind.by_column
    for row in rows:
        loan = existing.get(row["loan_code"])
        if loan is not None:
            # The commune first: another commune's record says nothing more about itself.
            if not batch.existing_commune_check(row, "loan_code", loan.commune_id):
                continue
            if loan.commune_id != row["commune_code"]:
                batch.error(
                    row,
                    "commune_code",
                    _("Loan %(code)s is recorded in commune %(its)s: a loan does not move to another "
                      "commune.") % {"code": loan.code, "its": loan.commune_id},
                )
                continue
            if loan.borrower_id_number and loan.borrower_folded != fold(row["borrower_name"]):
                batch.error(
                    row,
                    "borrower_name",
                    _("Loan %(code)s is recorded for %(name)s with a citizen ID: the borrower is "
                      "changed on the loan's page.") % {"code": loan.code, "name": loan.borrower_name},
                )
                continue
        # A blank optional cell leaves the stored value: the loan is checked as it will be.
        values = {name: getattr(loan, name) for name in services.LOAN_FIELDS} if loan else {}
        values.update(
            commune_id=row["commune_code"],
            borrower_type=row["borrower_type"],
            borrower_name=row["borrower_name"],
            amount_vnd=row["amount_vnd"],
            disbursed_on=row["disbursed_on"],
            jobs=row["jobs"],
        )
        if row.has("term_months") or loan is None:
            values["term_months"] = row["term_months"]
        limit = _in_force(limits.get(row["borrower_type"], ()), row["disbursed_on"])
        problems = services.loan_problems(values, limit=limit, require_collateral=False, today=batch.today)
        for field, message in problems.items():
            batch.error(row, field if field in columns else _LOAN_COLUMNS.get(field, "loan_code"), message)
        if problems:
            continue
        rate = None if loan is not None else _in_force(rates, row["disbursed_on"])
        row.target = (loan, rate.monthly_rate_percent if rate is not None else None)


def loans_apply(batch: Batch) -> None:
    added, changed = [], []
    for row in batch.valid():
        loan, rate_percent = row.target
        values = {
            "borrower_type": row["borrower_type"],
            "borrower_name": row["borrower_name"],
            "borrower_folded": fold(row["borrower_name"]),
            "amount_vnd": row["amount_vnd"],
            "disbursed_on": row["disbursed_on"],
            "jobs": row["jobs"],
        }
        if row.has("term_months"):
            values["term_months"] = row["term_months"]
        if loan is None:
            # The rate in force on the disbursement, as the loan's form takes it; purpose,
            # collateral and repayment are completed on the loan's page.
            added.append(Loan(
                code=row["loan_code"], commune_id=row["commune_code"], monthly_rate_percent=rate_percent,
                **values,
            ))
            row.action = "added"
            continue
        # The stored rate stays: it may have been typed, and the loan's page keeps it too.
        before = assign(loan, values)
        changed.append((loan, before))
        row.action = "updated" if before else "unchanged"
    bulk_add(batch, Loan, added)
    bulk_change(batch, Loan, changed)


r.register(
    r.ImportKind(
        key="loans",
        label=gettext_lazy("Job-creation loans"),
        order=85,
        columns=(
            r.Column("loan_code", gettext_lazy("Loan code"), r.CODE, required=True, max_length=30),
            r.Column("commune_code", gettext_lazy("Commune code"), r.INT, required=True),
            r.Column("borrower_name", gettext_lazy("Borrower"), r.TEXT, required=True, max_length=200),
            r.Column("borrower_type", gettext_lazy("Borrower type (individual, household_business, business, "
                                                   "cooperative)"),
                     r.ENUM, required=True, choices=tuple(BorrowerType.values)),
            r.Column("amount_vnd", gettext_lazy("Amount (VND)"), r.MONEY, required=True),
            r.Column("disbursed_on", gettext_lazy("Disbursed on"), r.DATE, required=True, event_date=True),
            r.Column("jobs", gettext_lazy("Jobs created, maintained or expanded"), r.INT, required=True),
            r.Column("term_months", gettext_lazy("Term (months)"), r.INT),
        ),
        row_key=lambda row: row["loan_code"],
        key_columns=("loan_code",),
        validate=loans_validate,
        apply=loans_apply,
        help=gettext_lazy("Adds or updates employment-fund loans by code, checked against the caps in force "
                          "on the disbursement date for the borrower type. A new loan takes the lending rate "
                          "of that date; its purpose, collateral and repayment are completed on its page."),
    )
)


# --- job_placements -----------------------------------------------------------------------------


def placements_validate(batch: Batch) -> None:
    for row in batch.rows:
        if row.has("commune_code"):  # also on rows with other problems: report every problem
            batch.commune_check(row)
    rows = batch.valid()
    if not rows:
        return
    given_ids = batch.values("worker_id_number", rows)
    people = people_by_id(given_ids)
    claims = IdClaims(batch, given_ids)
    for row in rows:
        # The citizen ID is checked below, with the person it names.
        problems = services.placement_problems({"placed_on": row["placed_on"]}, today=batch.today)
        for field, message in problems.items():
            batch.error(row, field, message)
        if problems:
            continue
        person = None
        if row.has("worker_id_number"):
            id_number = row["worker_id_number"]
            if not id_check(batch, row, "worker_id_number"):
                continue
            person = people.get(id_number)
            if person is not None and person.name_folded != fold(row["worker_name"]):
                batch.error(row, "worker_id_number", name_mismatch(batch, person, row["worker_name"]))
                continue
            if person is None:
                # A new worker: every row of the file naming this ID must name them alike.
                ok, _same = claims.new(batch, row, "worker_id_number", id_number, row["worker_name"])
                if not ok:
                    continue
                claims.record(row, id_number, None, row["worker_name"])
        row.target = person


def placements_apply(batch: Batch) -> None:
    new_people = NewPeople()
    rows = batch.valid()
    for row in rows:
        if row.target is None and row.has("worker_id_number"):
            row.target = new_people.get(
                full_name=row["worker_name"], commune_id=row["commune_code"], id_number=row["worker_id_number"]
            )
    bulk_add(batch, Person, new_people.people)
    added = []
    for row in rows:
        person = row.target
        added.append(Placement(
            commune_id=row["commune_code"],
            worker_name=row["worker_name"],
            worker_folded=fold(row["worker_name"]),
            worker_id_number=row.get("worker_id_number", ""),
            person_id=person.pk if person is not None else None,
            channel=row["channel"],
            employer=row.get("employer", ""),
            placed_on=row["placed_on"],
        ))
        row.action = "added"
    bulk_add(batch, Placement, added)


r.register(
    r.ImportKind(
        key="job_placements",
        label=gettext_lazy("Job placements"),
        order=87,
        columns=(
            r.Column("commune_code", gettext_lazy("Commune code"), r.INT, required=True),
            r.Column("worker_name", gettext_lazy("Worker"), r.TEXT, required=True, max_length=150),
            r.Column("channel", gettext_lazy("Channel (employment_fund, socioeconomic_programme, "
                                             "industrial_zone_outside_province, labour_export, service_centre, "
                                             "other)"),
                     r.ENUM, required=True, choices=tuple(Channel.values)),
            r.Column("placed_on", gettext_lazy("Placed on"), r.DATE, required=True, event_date=True),
            r.Column("employer", gettext_lazy("Employer"), r.TEXT, max_length=200),
            r.Column("worker_id_number", gettext_lazy("Worker's citizen ID"), r.CITIZEN_ID, max_length=12),
        ),
        row_key=None,
        key_columns=(),
        validate=placements_validate,
        apply=placements_apply,
        help=gettext_lazy("Every row adds a worker placed in a new job. A worker with a citizen ID is linked "
                          "to the person with that ID, or recorded as a new person of the row's commune."),
    )
)
