"""The import kinds of this app: merit_beneficiaries, allowance_payments, merit_dossiers
(contract.md, "Import"). Each applies the rules of `services.py` to a chunk of rows at once
(`beneficiary_problems`, `dossier_problems`): one query per lookup, bulk writes with their
history rows and the undo log of the engine, never a query per row."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from welfare.core.text import fold
from welfare.households.models import Person, PersonStatus, Sex
from welfare.households.imports import name_mismatch
from welfare.households.services import person_id_problems
from welfare.imports import registry as r
from welfare.imports.engine import Batch, Row, assign, bulk_add, bulk_change

from . import services
from .models import (
    Beneficiary,
    Dossier,
    DossierKind,
    DossierStatus,
    MeritCategory,
    Payment,
    PaymentKind,
    PaymentRun,
    PaymentStatus,
    Programme,
    Relation,
    RunStatus,
    SubCase,
    month_start,
)

# The columns `beneficiary_problems` may name that the file has; its other fields (sub-case,
# rate) follow from the category, so their problems are reported on that column.
_BENEFICIARY_COLUMNS = {"category", "relation"}


# --- merit_beneficiaries ----------------------------------------------------------------------


def default_sub_case(category: str, relation: str) -> str:
    """The sub-case a new row gets: the file has no sub-case or rate column (contract.md), so a
    martyr's relative starts as the relative of one martyr and everyone else at the category's
    amount; the officer completes the sub-case and rate on the beneficiary's page."""
    if category == MeritCategory.C and relation != Relation.SELF:
        return SubCase.MARTYRS_1
    return SubCase.STANDARD


class _Target:
    """What a valid merit_beneficiaries row resolved to."""

    __slots__ = ("beneficiary", "person", "person_fill", "sub_case", "rate_percent")

    def __init__(self, beneficiary, person, person_fill, sub_case, rate_percent):
        self.beneficiary = beneficiary
        self.person = person  # a recorded Person, or an unsaved one to create
        self.person_fill = person_fill  # fields of a recorded person the row fills in
        self.sub_case = sub_case
        self.rate_percent = rate_percent


def _person_fill(batch: Batch, row: Row, person: Person) -> dict | None:
    """What the row adds to a recorded person: the birth date and sex where none is recorded.
    A value that differs from the recorded one is refused (it is corrected on the person's page,
    not by a list of beneficiaries). None after marking the row."""
    fill = {}
    for column, field in (("birth_date", "birth_date"), ("sex", "sex")):
        if not row.has(column):
            continue
        recorded = getattr(person, field)
        if recorded in (None, ""):
            fill[field] = row[column]
        elif recorded != row[column]:
            if not batch.scope.commune_ok(person.commune_id):
                # The record is another commune's: its data is not shown (Decree 356/2025/NĐ-CP).
                batch.error(row, column, _("This differs from the recorded person's: the commune "
                                           "that keeps the person's record can check it."))
                return None
            shown = recorded.strftime("%d/%m/%Y") if isinstance(recorded, dt.date) else person.get_sex_display()
            batch.error(
                row,
                column,
                _("%(name)s is recorded with %(value)s: correct it on the person's page.")
                % {"name": person.full_name, "value": shown},
            )
            return None
    if "birth_date" in fill:
        fill["birth_year"] = fill["birth_date"].year
    return fill


def beneficiaries_validate(batch: Batch) -> None:
    for row in batch.rows:
        if row.has("commune_code"):  # also on rows with other problems: report every problem
            batch.commune_check(row)
    for row in batch.valid():
        if row.has("birth_date") and row["birth_date"] > batch.today:
            batch.error(row, "birth_date", _("The date cannot be in the future."))
    rows = batch.valid()
    if not rows:
        return
    existing = {
        b.code: b
        for b in Beneficiary.objects.select_for_update().filter(code__in=batch.values("beneficiary_code", rows))
    }
    ids = batch.values("id_number", rows)
    # The people the rows name by ID, and those of the beneficiaries they update: locked, as
    # the rows may fill in their ID, birth date or sex.
    people = list(
        Person.objects.select_for_update().filter(
            Q(id_number__in=ids) | Q(pk__in={b.person_id for b in existing.values()})
        )
    ) if ids or existing else []
    by_pk = {p.pk: p for p in people}
    by_id = {p.id_number: p for p in people if p.id_number}
    # IDs given by earlier rows of this chunk (not saved yet): ID -> (row, person, folded name),
    # person an unsaved Person for a new one; and the recorded people given an ID that way.
    claimed: dict[str, tuple[int, Person, str]] = {}
    given_to: dict[int, str] = {}
    start_on = month_start(batch.today)
    for row in rows:
        code = row["beneficiary_code"]
        beneficiary = existing.get(code)
        if beneficiary is not None:
            # The commune first: another commune's record says nothing more about itself.
            if not batch.existing_commune_check(row, "beneficiary_code", beneficiary.commune_id):
                continue
            if beneficiary.programme != Programme.MERIT:
                batch.error(
                    row,
                    "beneficiary_code",
                    _("Beneficiary %(code)s is enrolled in social protection, not as a meritorious "
                      "person.") % {"code": code},
                )
                continue
        id_number = row["id_number"]
        folded = fold(row["full_name"])
        fill: dict = {}
        if beneficiary is not None:
            person = by_pk[beneficiary.person_id]
            if person.name_folded != folded:
                batch.error(
                    row,
                    "full_name",
                    _("Beneficiary %(code)s is %(name)s: the person of a beneficiary is not changed "
                      "by import.") % {"code": code, "name": person.full_name},
                )
                continue
            person_id = person.id_number or given_to.get(person.pk)
            if id_number and person_id and person_id != id_number:
                batch.error(row, "id_number", _("%(name)s already has another citizen ID.")
                            % {"name": person.full_name})
                continue
            if id_number and not person_id:
                holder = by_id.get(id_number)
                if holder is not None:
                    batch.error(row, "id_number", _("Another person already has this citizen ID."))
                    continue
                first = claimed.get(id_number)
                if first is not None and first[1] is not person:
                    batch.error(row, "id_number", _("This citizen ID is already given to another "
                                                    "person in row %(row)s.") % {"row": first[0]})
                    continue
                fill["id_number"] = id_number
        elif id_number:
            person = by_id.get(id_number)
            if person is None and id_number in claimed:
                first = claimed[id_number]
                if first[2] != folded:
                    batch.error(row, "id_number", name_mismatch(batch, first[1], row["full_name"])
                                if first[1].pk else _("This citizen ID is already given to another "
                                                      "person in row %(row)s.") % {"row": first[0]})
                    continue
                person = first[1]
            elif person is not None and person.name_folded != folded:
                batch.error(row, "id_number", name_mismatch(batch, person, row["full_name"]))
                continue
        else:
            person = None
        if person is not None and person.pk is not None:
            if beneficiary is None and person.status != PersonStatus.ACTIVE:
                batch.error(row, "id_number", _("This person is recorded as died or moved away: "
                                                "they cannot be enrolled.")
                            if batch.scope.commune_ok(person.commune_id)
                            else _("The person with this citizen ID cannot be enrolled: the commune "
                                   "that keeps their record can say why."))
                continue
            more = _person_fill(batch, row, person)
            if more is None:
                continue
            fill.update(more)
        sex = row["sex"] or (person.sex if person is not None else "")
        birth_date = row["birth_date"] or (person.birth_date if person is not None else None)
        birth_year = None if birth_date else (person.birth_year if person is not None else None)
        problems = person_id_problems(
            id_number=id_number or (person.id_number if person is not None else None),
            sex=sex,
            birth_date=birth_date,
            birth_year=birth_year,
        )
        if problems:
            for message in problems:
                batch.error(row, "id_number", message)
            continue
        # The rules of the form and the admin (Ordinance 02/2020, Art. 3): a martyr is paid
        # through a relative; the sub-case follows the category.
        category, relation = row["category"], row["relation"]
        if beneficiary is not None and beneficiary.category == category:
            sub_case, rate_percent = beneficiary.sub_case, beneficiary.rate_percent
        else:
            sub_case, rate_percent = default_sub_case(category, relation), None
        values = {
            "programme": Programme.MERIT,
            "category": category,
            "relation": relation,
            "sub_case": sub_case,
            "rate_percent": rate_percent,
            "start_on": beneficiary.start_on if beneficiary else start_on,
            "end_on": beneficiary.end_on if beneficiary else None,
            "end_reason": beneficiary.end_reason if beneficiary else "",
        }
        problems = services.beneficiary_problems(values)
        if problems:
            for field, message in problems.items():
                batch.error(row, field if field in _BENEFICIARY_COLUMNS else "category", message)
            continue
        if person is None:
            person = Person(
                full_name=row["full_name"],
                name_folded=folded,
                id_number=id_number or None,
                sex=row["sex"] or "",
                birth_date=row["birth_date"],
                birth_year=row["birth_date"].year if row["birth_date"] else None,
                commune_id=row["commune_code"],
            )
        if id_number and id_number not in claimed and not (person.pk and person.id_number):
            claimed[id_number] = (row.number, person, folded)
            if person.pk:
                given_to[person.pk] = id_number
        row.target = _Target(beneficiary, person, fill, sub_case, rate_percent)


def beneficiaries_apply(batch: Batch) -> None:
    new_people: dict[int, Person] = {}
    changed_people: dict[int, list] = {}
    for row in batch.valid():
        target = row.target
        person = target.person
        if person.pk is None:
            new_people[id(person)] = person
        elif target.person_fill:
            entry = changed_people.setdefault(person.pk, [person, {}])
            for name, old in assign(person, target.person_fill).items():
                entry[1].setdefault(name, old)
    bulk_add(batch, Person, list(new_people.values()))
    bulk_change(batch, Person, [tuple(entry) for entry in changed_people.values()])
    added, changed = [], []
    start_on = month_start(batch.today)
    for row in batch.valid():
        target = row.target
        values = {
            "commune_id": row["commune_code"],
            "category": row["category"],
            "relation": row["relation"],
            "sub_case": target.sub_case,
            "rate_percent": target.rate_percent,
        }
        beneficiary = target.beneficiary
        if beneficiary is None:
            # The file has no start date: entitlement from the month of the import, which the
            # officer corrects on the beneficiary's page (payment runs read it).
            added.append(Beneficiary(
                programme=Programme.MERIT, code=row["beneficiary_code"],
                person_id=target.person.pk, start_on=start_on, **values,
            ))
            row.action = "added"
            continue
        before = assign(beneficiary, values)
        changed.append((beneficiary, before))
        row.action = "updated" if before or target.person_fill else "unchanged"
    bulk_add(batch, Beneficiary, added)
    bulk_change(batch, Beneficiary, changed)


r.register(
    r.ImportKind(
        key="merit_beneficiaries",
        label=gettext_lazy("Meritorious people and relatives"),
        order=50,
        columns=(
            r.Column("beneficiary_code", gettext_lazy("Beneficiary code"), r.CODE, required=True,
                     max_length=30),
            r.Column("full_name", gettext_lazy("Full name"), r.TEXT, required=True, max_length=150),
            r.Column("commune_code", gettext_lazy("Commune code"), r.INT, required=True),
            r.Column("category", gettext_lazy("Category (a–m of Art. 3, đ written dd)"), r.ENUM,
                     required=True, choices=tuple(MeritCategory.values)),
            r.Column("relation", gettext_lazy("Relation (self, parent, spouse, child, carer)"), r.ENUM,
                     required=True, choices=tuple(Relation.values)),
            r.Column("birth_date", gettext_lazy("Date of birth"), r.DATE),
            r.Column("sex", gettext_lazy("Sex (male, female)"), r.ENUM, choices=tuple(Sex.values)),
            r.Column("id_number", gettext_lazy("Citizen ID"), r.CITIZEN_ID, max_length=12),
        ),
        row_key=lambda row: row["beneficiary_code"],
        key_columns=("beneficiary_code",),
        validate=beneficiaries_validate,
        apply=beneficiaries_apply,
        help=gettext_lazy("Adds or updates meritorious beneficiaries by code. A new one is entitled from "
                          "the month of the import, at the category's amount (a martyr's relative: "
                          "of one martyr): complete the start date, sub-case and rate on their page."),
    )
)


# --- allowance_payments -----------------------------------------------------------------------


def _payment_key(row):
    # Monthly payments are keyed by beneficiary and month; one-off rows always add.
    if row["kind"] != PaymentKind.MONTHLY:
        return None
    return (row["beneficiary_code"], row["month"])


def _locked_message(month: dt.date) -> str:
    return _("The payment run of %(month)s is approved: it is locked.") % {"month": f"{month:%m/%Y}"}


def payments_validate(batch: Batch) -> None:
    rows = batch.valid()
    beneficiaries = {
        b.code: b
        for b in Beneficiary.objects.select_related("commune").filter(
            code__in=batch.values("beneficiary_code", rows)
        )
    } if rows else {}
    for row in rows:
        code = row["beneficiary_code"]
        beneficiary = beneficiaries.get(code)
        if beneficiary is None:
            batch.error(row, "beneficiary_code", _("No beneficiary has the code %(code)s.") % {"code": code})
            continue
        if not batch.existing_commune_check(row, "beneficiary_code", beneficiary.commune_id):
            continue
        if row["amount_vnd"] <= 0:
            batch.error(row, "amount_vnd", _("Enter an amount above zero."))
            continue
        row.target = (beneficiary, None)
    monthly = [row for row in batch.valid() if row["kind"] == PaymentKind.MONTHLY]
    if not monthly:
        return
    months = batch.values("month", monthly)
    bens = [row.target[0] for row in monthly]
    # The approved runs that cover these beneficiaries' communes or provinces in those months.
    # Every run of those months is locked first (a head approving one waits for this import,
    # or this import sees it approved), then its status is read.
    runs = (
        PaymentRun.objects.select_for_update(of=("self",))
        .filter(month__in=months)
        .filter(
            Q(commune_id__in={b.commune_id for b in bens})
            | Q(commune__isnull=True, province_id__in={b.commune.province_id for b in bens})
        )
        .order_by("pk")
        .values_list("programme", "province_id", "commune_id", "month", "status")
    )
    locked = {run[:4] for run in runs if run[4] == RunStatus.APPROVED}
    stored = {
        (p.beneficiary_id, p.month): p
        for p in Payment.objects.select_for_update(of=("self",))
        .select_related("run")
        .filter(kind=PaymentKind.MONTHLY, beneficiary_id__in={b.pk for b in bens}, month__in=months)
    }
    approver = batch.user is None or batch.user.has_perm("welfare.approve_payments")
    for row in monthly:
        beneficiary = row.target[0]
        month = row["month"]
        province = beneficiary.commune.province_id
        if (beneficiary.programme, province, beneficiary.commune_id, month) in locked or (
            beneficiary.programme, province, None, month
        ) in locked:
            batch.error(row, "month", _locked_message(month))
            continue
        payment = stored.get((beneficiary.pk, month))
        if payment is not None:
            if payment.run is not None and payment.run.locked:
                batch.error(row, "month", _locked_message(month))
                continue
            if payment.status == PaymentStatus.APPROVED and not approver:
                batch.error(row, "month", _("The payment of %(month)s is approved: only a department "
                                            "head can change it.") % {"month": f"{month:%m/%Y}"})
                continue
        row.target = (beneficiary, payment)


def payments_apply(batch: Batch) -> None:
    """A head's or the command's rows are approved, an officer's proposed for a head to approve
    (contract.md); the amount is taken as paid, never checked against the schedule. A monthly
    row for a payment of a draft run takes it out of that run, whose totals are recounted."""
    user = batch.user
    approver = user is None or user.has_perm("welfare.approve_payments")
    status = PaymentStatus.APPROVED if approver else PaymentStatus.PROPOSED
    user_id = user.pk if user is not None else None
    added, changed, runs = [], [], set()
    for row in batch.valid():
        beneficiary, payment = row.target
        values = {"amount_vnd": row["amount_vnd"], "status": status, "recorded_by_id": user_id}
        if row.has("paid_on"):
            values["paid_on"] = row["paid_on"]
        if payment is None:
            added.append(Payment(
                beneficiary_id=beneficiary.pk, kind=row["kind"], month=row["month"], **values
            ))
            row.action = "added"
            continue
        if payment.run_id is not None:
            runs.add(payment.run_id)
            values.update(run_id=None, basis="")
        elif payment.amount_vnd != row["amount_vnd"]:
            values["basis"] = ""
        before = assign(payment, values)
        changed.append((payment, before))
        row.action = "updated" if before else "unchanged"
    bulk_add(batch, Payment, added)
    bulk_change(batch, Payment, changed)
    if runs:
        services.run_totals_refresh(run_ids=runs)


def payments_after_undo(touched: dict[str, set[int]]) -> None:
    """An undone import put payments back in their draft runs: recount those runs. A run
    approved since is locked: the undo is refused (and rolled back) rather than change it."""
    from welfare.imports.services import UndoRefused

    pks = touched.get(Payment._meta.label, set())
    runs = PaymentRun.objects.filter(pk__in=Payment.objects.filter(pk__in=pks).values("run_id"))
    locked = runs.filter(status=RunStatus.APPROVED).first()
    if locked is not None:
        raise UndoRefused(
            _("This import cannot be undone: the payment run %(run)s was approved after it. "
              "Correct the payments by a new import.") % {"run": locked}
        )
    services.run_totals_refresh(run_ids=runs.values_list("pk", flat=True))


r.register(
    r.ImportKind(
        key="allowance_payments",
        label=gettext_lazy("Allowance payments"),
        order=55,
        columns=(
            r.Column("beneficiary_code", gettext_lazy("Beneficiary code"), r.CODE, required=True,
                     max_length=30),
            r.Column("month", gettext_lazy("Month paid (YYYY-MM)"), r.MONTH, required=True),
            r.Column("amount_vnd", gettext_lazy("Amount (VND)"), r.MONEY, required=True),
            r.Column("kind", gettext_lazy("Kind (monthly, one_off)"), r.ENUM, required=True,
                     choices=tuple(PaymentKind.values)),
            r.Column("paid_on", gettext_lazy("Paid on"), r.DATE, event_date=True),
        ),
        row_key=_payment_key,
        key_columns=("beneficiary_code", "month"),
        validate=payments_validate,
        apply=payments_apply,
        after_undo=payments_after_undo,
        help=gettext_lazy("Payments as paid: a head's are approved, an officer's proposed for a head to "
                          "approve. A monthly payment is found by beneficiary and month; a month "
                          "whose payment run is approved is locked."),
    )
)


# --- merit_dossiers ---------------------------------------------------------------------------


def _due_on(batch: Batch, kind: str, received_on: dt.date) -> dt.date | None:
    """`services.dossier_due_on`, asked once per kind and day of receipt in an import."""
    cache = batch.state.setdefault("dossier_due_on", {})
    key = (kind, received_on)
    if key not in cache:
        cache[key] = services.dossier_due_on(kind=kind, received_on=received_on)
    return cache[key]


def dossiers_validate(batch: Batch) -> None:
    for row in batch.rows:
        if row.has("commune_code"):  # also on rows with other problems: report every problem
            batch.commune_check(row)
    rows = batch.valid()
    existing = {
        d.code: d
        for d in Dossier.objects.select_for_update().filter(code__in=batch.values("dossier_code", rows))
    } if rows else {}
    for row in rows:
        dossier = existing.get(row["dossier_code"])
        if dossier is not None:
            if not batch.existing_commune_check(row, "dossier_code", dossier.commune_id):
                continue
            if dossier.status in services.DECIDED and row["status"] != dossier.status:
                batch.error(
                    row,
                    "status",
                    _("Dossier %(code)s is already “%(status)s”: its handling is finished.")
                    % {"code": dossier.code, "status": str(dossier.get_status_display()).lower()},
                )
                continue
        decided_on = row["decided_on"] or (dossier.decided_on if dossier else None)
        problems = services.dossier_problems({
            "received_on": row["received_on"],
            "decided_on": decided_on,
            "status": row["status"],
            "kind": row["kind"],
        })
        if problems:
            for field, message in problems.items():
                batch.error(row, field if field in batch.ctx.kind.by_column else "status", message)
            continue
        row.target = (dossier, decided_on)


def dossiers_apply(batch: Batch) -> None:
    user_id = batch.user.pk if batch.user is not None else None
    added, changed = [], []
    for row in batch.valid():
        dossier, decided_on = row.target
        values = {
            "commune_id": row["commune_code"],
            "applicant_name": row["applicant_name"],
            "applicant_folded": fold(row["applicant_name"]),
            "kind": row["kind"],
            "received_on": row["received_on"],
            "status": row["status"],
            "decided_on": decided_on,
        }
        if dossier is None:
            added.append(Dossier(
                code=row["dossier_code"],
                due_on=_due_on(batch, row["kind"], row["received_on"]),
                status_changed_on=decided_on or row["received_on"],
                handled_by_id=user_id,
                **values,
            ))
            row.action = "added"
            continue
        if dossier.status != row["status"]:
            values["status_changed_on"] = decided_on or batch.today
        before = assign(dossier, values)
        changed.append((dossier, before))
        row.action = "updated" if before else "unchanged"
    bulk_add(batch, Dossier, added)
    bulk_change(batch, Dossier, changed)


r.register(
    r.ImportKind(
        key="merit_dossiers",
        label=gettext_lazy("Dossiers of meritorious people"),
        order=60,
        columns=(
            r.Column("dossier_code", gettext_lazy("Dossier code"), r.CODE, required=True, max_length=30),
            r.Column("commune_code", gettext_lazy("Commune code"), r.INT, required=True),
            r.Column("applicant_name", gettext_lazy("Applicant"), r.TEXT, required=True, max_length=150),
            r.Column("kind", gettext_lazy("Kind (recognition, allowance, other)"), r.ENUM, required=True,
                     choices=tuple(DossierKind.values)),
            r.Column("received_on", gettext_lazy("Received on"), r.DATE, required=True, event_date=True),
            r.Column("status", gettext_lazy("Status (received, in_review, approved, rejected, returned)"),
                     r.ENUM, required=True, choices=tuple(DossierStatus.values)),
            r.Column("decided_on", gettext_lazy("Decided on"), r.DATE, event_date=True),
        ),
        row_key=lambda row: row["dossier_code"],
        key_columns=("dossier_code",),
        validate=dossiers_validate,
        apply=dossiers_apply,
        help=gettext_lazy("Adds or updates dossiers by code; an approved or rejected dossier carries its "
                          "decision date. A new dossier's due date follows the time limit of its kind."),
    )
)
