"""Writes on beneficiaries, payment runs, payments and dossiers.

The officer's forms, the admin and the job call these. Imports apply the same checks to many
rows at once (`beneficiaries/imports.py`) through `beneficiary_problems` and
`DOSSIER_TRANSITIONS`.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from welfare.accounts.permissions import require
from welfare.accounts.scoping import scope
from welfare.areas.models import Commune, Province
from welfare.core.services import job_start, versioned_update
from welfare.households.models import Person, PersonStatus

from .models import (
    Beneficiary,
    Dossier,
    DossierKind,
    DossierStatus,
    DossierTimeLimit,
    EndReason,
    MeritCategory,
    OneOffReason,
    Payment,
    PaymentKind,
    PaymentRun,
    PaymentStatus,
    Programme,
    Relation,
    RunStatus,
    SocialCategory,
    SubCase,
    month_end,
    month_start,
)
from .rules import BANDED, MARTYR_RELATIVES, NoRule, Schedule, monthly_amount


# --- Beneficiaries ----------------------------------------------------------------------------


def beneficiary_problems(values: dict) -> dict[str, str]:
    """What is wrong with a beneficiary's case, field by field (empty when nothing): the rules
    the form, the import and the admin share."""
    problems: dict[str, str] = {}
    programme = values.get("programme")
    if programme == Programme.MERIT:
        category = values.get("category") or ""
        sub_case = values.get("sub_case") or SubCase.STANDARD
        relation = values.get("relation") or Relation.SELF
        if category not in MeritCategory.values:
            problems["category"] = _("Choose the category (Ordinance 02/2020, Art. 3).")
        elif category == MeritCategory.C and relation == Relation.SELF:
            # A martyr is paid through their relatives.
            problems["relation"] = _("A martyr's allowance goes to a relative: choose the relation.")
        elif category == MeritCategory.C and relation != Relation.SELF and sub_case not in MARTYR_RELATIVES:
            problems["sub_case"] = _("Choose how many martyrs the relative is entitled through.")
        if sub_case in BANDED and not values.get("rate_percent"):
            problems["rate_percent"] = _("Enter the injury or illness rate for this sub-case.")
        if values.get("social_categories"):
            problems["social_categories"] = _("Social-protection categories belong to the social-protection programme.")
    elif programme == Programme.SOCIAL:
        categories = values.get("social_categories") or []
        unknown = [c for c in categories if c not in SocialCategory.values]
        if not categories:
            problems["social_categories"] = _("Choose at least one category (Decree 20/2021, Art. 5).")
        elif unknown:
            problems["social_categories"] = _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}
        elif SocialCategory.SINGLE_PARENT in categories and not values.get("children_count"):
            problems["children_count"] = _("Enter how many children the single parent raises.")
        if values.get("category"):
            problems["category"] = _("A social-protection beneficiary has no meritorious category.")
    else:
        problems["programme"] = _("Choose the programme.")
    start, end = values.get("start_on"), values.get("end_on")
    if start and end and end < start:
        problems["end_on"] = _("The entitlement cannot end before it starts.")
    if end and not values.get("end_reason"):
        problems["end_reason"] = _("Say why the entitlement ended.")
    return problems


def _check(values: dict) -> None:
    problems = beneficiary_problems(values)
    if problems:
        raise ValidationError(problems)


BENEFICIARY_FIELDS = (
    "programme",
    "code",
    "commune",
    "legacy_district",
    "category",
    "relation",
    "sub_case",
    "rate_percent",
    "lives_alone",
    "service_years",
    "relative_of",
    "social_categories",
    "children_count",
    "decision_number",
    "start_on",
    "end_on",
    "end_reason",
    "note",
)


@transaction.atomic
def beneficiary_enrol(*, user, person: Person, values: dict) -> Beneficiary:
    """Enrol a person in a programme. The beneficiary is kept by the commune given, which must
    be one of the user's."""
    values = {k: v for k, v in values.items() if k in BENEFICIARY_FIELDS}
    _check(values)
    if person.status != "active" and not values.get("end_on"):
        raise ValidationError(_("This person is recorded as died or moved away: they cannot be enrolled."))
    beneficiary = Beneficiary(person=person, **values)
    require(user, "welfare.edit_cases", beneficiary)
    beneficiary.full_clean()
    beneficiary.save()
    return beneficiary


@transaction.atomic
def beneficiary_update(*, user, beneficiary: Beneficiary, expected_version: int, changes: dict) -> Beneficiary:
    require(user, "welfare.edit_cases", beneficiary)
    changes = {k: v for k, v in changes.items() if k in BENEFICIARY_FIELDS and k != "programme"}
    merged = {f: getattr(beneficiary, f) for f in BENEFICIARY_FIELDS} | changes
    _check(merged)
    if "commune" in changes:
        require(user, "welfare.edit_cases", Beneficiary(commune=changes["commune"]))
    moved = "commune" in changes and changes["commune"].pk != beneficiary.commune_id
    updated = versioned_update(beneficiary, expected_version=expected_version, changes=changes)
    if moved:
        # The old commune's draft lists no longer pay a case it does not keep.
        _drop_drafts_after(updated, dt.date.min, in_runs_only=True)
    if updated.end_on:
        _drop_drafts_after(updated, updated.end_on)
    return updated


@transaction.atomic
def beneficiary_end(*, user, beneficiary: Beneficiary, on: dt.date, reason: str, expected_version: int) -> Beneficiary:
    """End an entitlement on a date; draft payments of later months are withdrawn."""
    require(user, "welfare.edit_cases", beneficiary)
    if on < beneficiary.start_on:
        raise ValidationError({"end_on": _("The entitlement cannot end before it starts.")})
    if reason not in EndReason.values:
        raise ValidationError({"end_reason": _("Say why the entitlement ended.")})
    updated = versioned_update(
        beneficiary, expected_version=expected_version, changes={"end_on": on, "end_reason": reason}
    )
    _drop_drafts_after(updated, on)
    return updated


def _drop_drafts_after(beneficiary: Beneficiary, on: dt.date, *, in_runs_only: bool = False) -> None:
    """Withdraw monthly payments not yet approved for months after the entitlement ended."""
    later = Payment.objects.filter(
        beneficiary=beneficiary,
        kind=PaymentKind.MONTHLY,
        status=PaymentStatus.PROPOSED,
        month__gt=month_start(on),
    )
    if in_runs_only:
        later = later.exclude(run=None)
    runs = set(later.exclude(run=None).values_list("run_id", flat=True))
    later.delete()
    run_totals_refresh(run_ids=runs)


def entitlements_end_for_person(*, person: Person, on: dt.date, reason: str, user=None) -> int:
    """A death or a move recorded once ends every open entitlement of the person on that date
    (design.md, "Person"). Returns how many ended."""
    open_ = list(
        Beneficiary.objects.select_for_update()
        .filter(person=person)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=on))
        .order_by("pk")
    )
    for beneficiary in open_:
        # An entitlement that had not started yet ends on its first day (an end cannot come
        # before a start); runs leave out people who died or moved before the month anyway.
        beneficiary.end_on = max(on, beneficiary.start_on)
        beneficiary.end_reason = reason
        beneficiary.version += 1
        beneficiary._history_user = user
        beneficiary.save()
        _drop_drafts_after(beneficiary, on)
    return len(open_)


# --- Payment runs -----------------------------------------------------------------------------


def run_scope_q(*, programme: str, province: Province, commune: Commune | None) -> Q:
    q = Q(programme=programme)
    return q & (Q(commune=commune) if commune is not None else Q(commune__province=province))


def entitled_in_month_q(month: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_on__lte": month_end(month)}) & (
        Q(**{f"{prefix}end_on__isnull": True}) | Q(**{f"{prefix}end_on__gte": month_start(month)})
    )


@transaction.atomic
def payment_run_request(*, user, programme: str, province: Province, commune: Commune | None, month: dt.date):
    """Ask for a month's run to be built (or rebuilt) by a background job; returns the job.

    Officers build the runs of their own communes; heads those of their province or of one of
    its communes. An approved run is locked and refused here, before any job starts.
    """
    month = month_start(month)
    if programme not in Programme.values:
        raise ValidationError({"programme": _("Choose the programme.")})
    if commune is not None and commune.province_id != province.pk:
        raise ValidationError({"commune": _("This commune does not lie in the province.")})
    if month > month_start(timezone.localdate()) + dt.timedelta(days=31):
        raise ValidationError({"month": _("A run can be built at most one month ahead.")})
    probe = PaymentRun(programme=programme, province=province, commune=commune, month=month)
    if not user.has_perm("welfare.run_jobs") or not user.has_perm("welfare.view_cases", probe):
        raise PermissionDenied
    if commune is None and not user.has_perm("welfare.approve_payments", probe):
        raise PermissionDenied
    run, _created = PaymentRun.objects.get_or_create(
        programme=programme, province=province, commune=commune, month=month
    )
    if run.locked:
        raise ValidationError(_("The run of %(month)s is approved: it is locked.") % {"month": f"{month:%m/%Y}"})
    from .tasks import payment_run_build_task

    return job_start(
        user=user,
        task=payment_run_build_task,
        kind="payment_run",
        label=_("Payment run: %(run)s") % {"run": run},
        kwargs={"run_id": run.pk, "user_id": user.pk},
        result_url=reverse("payment_run_detail", args=[run.pk]),
    )


@transaction.atomic
def payment_run_build(*, run_id: int, user=None, progress=None) -> PaymentRun:
    """Build a run: one payment per beneficiary entitled in the month, its amount from the
    rule in force that month (the amount schedule or level × coefficient). A beneficiary whose
    case has no rule is listed as not paid, never paid zero. Rebuilding a draft replaces it;
    an approved run is locked. A beneficiary already paid for the month in another list (a
    commune's run, an imported payment) is skipped and counted."""
    run = PaymentRun.objects.select_for_update(of=("self",)).select_related("province", "commune").get(pk=run_id)
    if run.locked:
        raise ValidationError(_("The run of %(month)s is approved: it is locked.") % {"month": f"{run.month:%m/%Y}"})
    run.payments.all().delete()
    scope_q = run_scope_q(programme=run.programme, province=run.province, commune=run.commune)
    beneficiaries = list(
        Beneficiary.objects.filter(scope_q, entitled_in_month_q(run.month))
        .exclude(person__status__in=(PersonStatus.DIED, PersonStatus.MOVED), person__status_date__lt=run.month)
        .select_related("person")
        .order_by("commune_id", "code")
    )
    taken = set(
        Payment.objects.filter(
            kind=PaymentKind.MONTHLY, month=run.month, beneficiary__in=[b.pk for b in beneficiaries]
        ).values_list("beneficiary_id", flat=True)
    )
    schedule = Schedule.for_month(run.month)
    payments, problems, skipped = [], [], 0
    total = len(beneficiaries)
    for index, beneficiary in enumerate(beneficiaries, 1):
        if beneficiary.pk in taken:
            skipped += 1
            continue
        try:
            amount = monthly_amount(beneficiary, run.month, schedule)
        except NoRule as exc:
            problems.append(
                {
                    "beneficiary_id": beneficiary.pk,
                    "code": beneficiary.code,
                    "name": beneficiary.person.full_name,
                    "message": str(exc),
                }
            )
            continue
        payments.append(
            Payment(
                beneficiary=beneficiary,
                run=run,
                kind=PaymentKind.MONTHLY,
                month=run.month,
                amount_vnd=amount.amount_vnd,
                basis=amount.basis[:255],
                status=PaymentStatus.PROPOSED,
                recorded_by=user,
            )
        )
        if progress and index % 500 == 0:
            progress(index, total)
    bulk_create_with_history(payments, Payment, batch_size=1000, default_user=user)
    run.payments_count = len(payments)
    run.total_vnd = sum(p.amount_vnd for p in payments)
    run.problems = problems
    run.skipped_count = skipped
    run.built_at = timezone.now()
    run.built_by = user
    run.version += 1
    run._history_user = user
    run.save()
    return run


def run_totals_refresh(*, run_ids: Iterable[int]) -> None:
    """Recount the payments and total of draft runs after payments left them."""
    for run in PaymentRun.objects.filter(pk__in=list(run_ids), status=RunStatus.DRAFT):
        figures = run.payments.aggregate(n=Count("pk"), total=Sum("amount_vnd"))
        run.payments_count = figures["n"]
        run.total_vnd = figures["total"] or 0
        # The list changed: a head who reviewed the old one must look again before approving.
        run.version += 1
        run.save(update_fields=["payments_count", "total_vnd", "version", "updated_at"])


@transaction.atomic
def payment_run_approve(*, user, run: PaymentRun, expected_version: int) -> PaymentRun:
    """A head approves a draft run: its payments are approved and count in reports; the run
    is locked. The version the head reviewed must still be the stored one, so a run rebuilt
    meanwhile is not approved unseen."""
    require(user, "welfare.approve_payments", run)
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if run.locked:
        raise ValidationError(_("This run is already approved."))
    if run.built_at is None:
        raise ValidationError(_("This run has not been built yet."))
    if run.version != expected_version:
        raise ValidationError(
            _("The run was rebuilt after you opened it. Review the new list, then approve it."),
            code="stale",
        )
    now = timezone.now()
    # One UPDATE for the whole list (a province's run holds thousands), then one history row
    # per payment, by the head; the run row's lock keeps the list from changing meanwhile.
    run.payments.update(status=PaymentStatus.APPROVED, version=F("version") + 1, updated_at=now)
    Payment.history.bulk_history_create(
        list(run.payments.order_by("pk")), batch_size=2000, default_user=user, default_date=now, update=True
    )
    run.status = RunStatus.APPROVED
    run.approved_at = now
    run.approved_by = user
    run.version += 1
    run._history_user = user
    run.save()
    return run


# --- One-off and single payments ---------------------------------------------------------------


@transaction.atomic
def one_off_record(
    *, user, beneficiary: Beneficiary, amount_vnd: int, reason: str, paid_on: dt.date | None, month: dt.date, note: str = ""
) -> Payment:
    """Record a one-off payment (a Tết gift, a funeral allowance), apart from the monthly run.
    A head's is approved at once; an officer's is proposed for a head to approve."""
    approver = user.has_perm("welfare.approve_payments", beneficiary)
    if not approver:
        require(user, "welfare.edit_cases", beneficiary)
    if reason not in OneOffReason.values:
        raise ValidationError({"one_off_reason": _("Choose the reason.")})
    if amount_vnd is None or amount_vnd <= 0:
        raise ValidationError({"amount_vnd": _("Enter an amount above zero.")})
    if paid_on and paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The date cannot be in the future.")})
    payment = Payment(
        beneficiary=beneficiary,
        kind=PaymentKind.ONE_OFF,
        one_off_reason=reason,
        month=month_start(month),
        amount_vnd=amount_vnd,
        paid_on=paid_on,
        note=note,
        status=PaymentStatus.APPROVED if approver else PaymentStatus.PROPOSED,
        recorded_by=user,
    )
    payment.full_clean()
    payment.save()
    return payment


@transaction.atomic
def payments_approve(*, user, payments: Iterable[Payment]) -> int:
    """A head approves proposed payments outside a run (one-off or imported by an officer)."""
    if not user.has_perm("welfare.approve_payments"):
        raise PermissionDenied
    pks = sorted({p.pk for p in payments})
    rows = list(scope(Payment.objects.filter(pk__in=pks), user).select_for_update().order_by("pk"))
    if len(rows) != len(pks):
        raise PermissionDenied
    pending = [p for p in rows if p.status == PaymentStatus.PROPOSED and p.run_id is None]
    now = timezone.now()
    for payment in pending:
        payment.status = PaymentStatus.APPROVED
        payment.version += 1
        payment.updated_at = now
    bulk_update_with_history(pending, Payment, ["status", "version", "updated_at"], default_user=user)
    return len(pending)


# --- Dossiers ---------------------------------------------------------------------------------

# Decree 131/2021/NĐ-CP: a dossier is received, reviewed, then approved, rejected or returned
# for completion; a returned dossier comes back into review once completed.
DOSSIER_TRANSITIONS: dict[str, frozenset[str]] = {
    DossierStatus.RECEIVED: frozenset({DossierStatus.IN_REVIEW, DossierStatus.RETURNED}),
    DossierStatus.IN_REVIEW: frozenset({DossierStatus.APPROVED, DossierStatus.REJECTED, DossierStatus.RETURNED}),
    DossierStatus.RETURNED: frozenset({DossierStatus.IN_REVIEW}),
    DossierStatus.APPROVED: frozenset(),
    DossierStatus.REJECTED: frozenset(),
}
DECIDED = frozenset({DossierStatus.APPROVED, DossierStatus.REJECTED})


def dossier_due_on(*, kind: str, received_on: dt.date) -> dt.date | None:
    """The default due date: the time limit in force for the kind of dossier, in days."""
    limit = DossierTimeLimit.objects.valid_on(received_on).filter(kind=kind).order_by("-valid_from").first()
    return received_on + dt.timedelta(days=limit.days) if limit else None


def dossier_problems(values: dict) -> dict[str, str]:
    """Field problems of a dossier's dates and status, shared by the form and the import."""
    problems: dict[str, str] = {}
    today = timezone.localdate()
    received, decided, status = values.get("received_on"), values.get("decided_on"), values.get("status")
    if received and received > today:
        problems["received_on"] = _("The date cannot be in the future.")
    if decided:
        if decided > today:
            problems["decided_on"] = _("The date cannot be in the future.")
        elif received and decided < received:
            problems["decided_on"] = _("The decision cannot come before the dossier was received.")
        elif status not in DECIDED:
            problems["decided_on"] = _("Only an approved or rejected dossier has a decision date.")
    elif status in DECIDED:
        problems["decided_on"] = _("Enter the date of the decision.")
    if values.get("kind") not in DossierKind.values:
        problems["kind"] = _("Choose the kind of dossier.")
    return problems


@transaction.atomic
def dossier_receive(*, user, values: dict) -> Dossier:
    values = {**values, "status": DossierStatus.RECEIVED}
    problems = dossier_problems(values)
    if problems:
        raise ValidationError(problems)
    dossier = Dossier(**values)
    if dossier.due_on is None:
        dossier.due_on = dossier_due_on(kind=dossier.kind, received_on=dossier.received_on)
    dossier.status_changed_on = dossier.received_on
    if dossier.handled_by_id is None:
        dossier.handled_by = user
    require(user, "welfare.edit_cases", dossier)
    dossier.full_clean()
    dossier.save()
    return dossier


@transaction.atomic
def dossier_update(*, user, dossier: Dossier, expected_version: int, changes: dict) -> Dossier:
    """Change a dossier's details (not its status: that is `dossier_move`)."""
    require(user, "welfare.edit_cases", dossier)
    changes = {k: v for k, v in changes.items() if k not in ("status", "decided_on", "code")}
    merged = {
        "received_on": changes.get("received_on", dossier.received_on),
        "decided_on": dossier.decided_on,
        "status": dossier.status,
        "kind": changes.get("kind", dossier.kind),
    }
    problems = dossier_problems(merged)
    if problems:
        raise ValidationError(problems)
    if "commune" in changes:
        require(user, "welfare.edit_cases", Dossier(commune=changes["commune"]))
    return versioned_update(dossier, expected_version=expected_version, changes=changes)


@transaction.atomic
def dossier_move(
    *,
    user,
    dossier: Dossier,
    expected_version: int,
    to: str,
    on: dt.date,
    decision_number: str = "",
    note: str = "",
) -> Dossier:
    """Move a dossier to its next status. A move the procedure does not allow is refused with
    a message naming both statuses; a decision (approved, rejected) carries its date."""
    require(user, "welfare.edit_cases", dossier)
    if to not in DOSSIER_TRANSITIONS.get(dossier.status, frozenset()):
        allowed = DOSSIER_TRANSITIONS.get(dossier.status, frozenset())
        names = ", ".join(str(DossierStatus(s).label).lower() for s in DossierStatus.values if s in allowed)
        message = _("A dossier that is “%(current)s” cannot become “%(target)s”.") % {
            "current": str(dossier.get_status_display()).lower(),
            "target": str(DossierStatus(to).label).lower() if to in DossierStatus.values else to,
        }
        message += " " + (
            _("It can become: %(names)s.") % {"names": names} if names else _("Its handling is finished.")
        )
        raise ValidationError({"status": message})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date cannot be in the future.")})
    if on < dossier.received_on:
        raise ValidationError({"on": _("The date cannot come before the dossier was received.")})
    changes = {"status": to, "status_changed_on": on, "handled_by": dossier.handled_by or user}
    if to in DECIDED:
        changes["decided_on"] = on
        changes["decision_number"] = decision_number.strip()
    if note.strip():
        stamp = f"{on:%d/%m/%Y} – {DossierStatus(to).label}: {note.strip()}"
        changes["note"] = f"{dossier.note}\n{stamp}".strip()
    return versioned_update(dossier, expected_version=expected_version, changes=changes)
