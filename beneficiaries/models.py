"""People the state pays every month and the dossiers that recognise them.

- `Beneficiary`: one person's enrolment in a programme: the meritorious allowance (Ordinance
  02/2020/UBTVQH14) or monthly social assistance / the social pension (Decree 20/2021/NĐ-CP,
  Decree 176/2025/NĐ-CP), with its category, sub-case and entitlement dates.
- Reference data that law changes, as versioned rows editable in the admin: `StandardLevel`
  (mức chuẩn), `AllowanceRate` (each decree's amount schedule for meritorious people) and
  `SocialCoefficient` (Decree 20/2021, Art. 6).
- `PaymentRun` and `Payment`: the monthly list of a commune or a province, built by a job from
  the rule in force that month, approved by a head and then locked; one-off payments beside it.
- `Dossier`: a file received under Decree 131/2021/NĐ-CP and its handling.

Rules (amounts, transitions, runs) live in `rules.py` and `services.py`.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from welfare.areas.models import Commune, Province
from welfare.core.models import ReferenceRow, ValidityQuerySet, VersionedModel  # noqa: F401 (re-exported)
from welfare.core.text import fold
from welfare.households.models import Person


class Programme(models.TextChoices):
    MERIT = "merit", _("Meritorious people")
    SOCIAL = "social_protection", _("Social protection")


class MeritCategory(models.TextChoices):
    """Ordinance 02/2020/UBTVQH14, Art. 3 (đ is written dd, as in imports)."""

    A = "a", _("(a) Revolutionary before 1 January 1945")
    B = "b", _("(b) Revolutionary from 1 January 1945 to the August 1945 uprising")
    C = "c", _("(c) Martyr")
    D = "d", _("(d) Vietnamese Heroic Mother")
    DD = "dd", _("(đ) Hero of the People's Armed Forces")
    E = "e", _("(e) Labour Hero in the resistance")
    G = "g", _("(g) War invalid")
    H = "h", _("(h) Sick soldier")
    I = "i", _("(i) Resistance fighter exposed to toxic chemicals")  # noqa: E741
    K = "k", _("(k) Imprisoned or exiled by the enemy")
    L = "l", _("(l) Participant in the resistance, national defence or international duty")
    M = "m", _("(m) Helped the revolution")


class Relation(models.TextChoices):
    """Whether the beneficiary is the meritorious person or a relative (Ordinance 02/2020)."""

    SELF = "self", _("The person themselves")
    PARENT = "parent", _("Parent")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    CARER = "carer", _("Person who raised or cares for them")


class SubCase(models.TextChoices):
    """The row of a decree's appendix that applies to a meritorious beneficiary."""

    STANDARD = "standard", _("The category's amount")
    FULL_TIME = "full_time", _("Full-time (pre-1945 revolutionary)")
    NOT_FULL_TIME = "not_full_time", _("Not full-time (pre-1945 revolutionary)")
    MARTYRS_1 = "martyrs_1", _("Relative of one martyr")
    MARTYRS_2 = "martyrs_2", _("Relative of two martyrs")
    MARTYRS_3 = "martyrs_3", _("Relative of three or more martyrs")
    INVALID = "invalid", _("War invalid (by injury rate)")
    INVALID_B = "invalid_b", _("Type-B invalid (by injury rate)")
    SICK_SOLDIER = "sick_soldier", _("Sick soldier (by rate)")
    TOXIC = "toxic", _("Toxic chemicals (by rate)")
    CERTIFICATE = "certificate", _("“Tổ quốc ghi công” or “Có công với nước” before August 1945")
    RESISTANCE_ORDER = "resistance_order", _("Resistance Order")
    CARER = "carer", _("Carer of a Heroic Mother or of an invalid at 81 percent or more")


class RateKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly allowance")
    SUPPLEMENT = "supplement", _("Monthly supplement")
    ONE_OFF = "one_off", _("One-off allowance")


class Supplement(models.TextChoices):
    """Monthly supplements added to the allowance when the beneficiary's case has them."""

    LIVING_ALONE = "living_alone", _("Martyr's relative living alone")
    HEROIC_MOTHER = "heroic_mother", _("Heroic Mother's supplement")
    SERVICE_YEAR = "service_year", _("Per year of service before 1945 (full-time)")


class SocialCategory(models.TextChoices):
    """Decree 20/2021/NĐ-CP, Art. 5, and the social pension of Decree 176/2025/NĐ-CP, Art. 3."""

    CHILD_UNSUPPORTED = "child_unsupported", _("Child under 16 without support")
    STUDENT_16_22 = "student_16_22", _("Aged 16 to 22, still studying, without support")
    CHILD_HIV = "child_hiv", _("Child with HIV in a poor household")
    SINGLE_PARENT = "single_parent", _("Poor single parent raising children")
    ELDERLY_NO_CARER = "elderly_no_carer", _("Poor elderly person without a carer")
    ELDERLY_75_DIFFICULT = "elderly_75_difficult", _(
        "Aged 75 to 80 in a poor or near-poor household of an extremely difficult area"
    )
    ELDERLY_80 = "elderly_80", _("Aged 80 or more without a pension")
    ELDERLY_COMMUNITY_CARE = "elderly_community_care", _("Elderly person cared for in the community")
    DISABILITY_EXTREME = "disability_extreme", _("Extremely severe disability")
    DISABILITY_SEVERE = "disability_severe", _("Severe disability")
    CHILD_UNDER_3 = "child_under_3", _(
        "Child under 3 in a poor or near-poor household of an extremely difficult area"
    )
    HIV_POOR = "hiv_poor", _("Poor person with HIV without a stable income")
    SOCIAL_PENSION = "social_pension", _("Social pension")


class LevelKind(models.TextChoices):
    """Which standard level an amount is built from."""

    MERIT = "merit", _("Standard level for meritorious people")
    SOCIAL_ASSISTANCE = "social_assistance", _("Standard level of social assistance")
    SOCIAL_PENSION = "social_pension", _("Social pension")


class EndReason(models.TextChoices):
    DIED = "died", _("Died")
    MOVED = "moved", _("Moved away")
    NO_LONGER_ELIGIBLE = "no_longer_eligible", _("No longer eligible")
    OTHER = "other", _("Other")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


class StandardLevel(ReferenceRow):
    """A standard level (mức chuẩn) and the dates it applied: 1,624,000 VND from 15/09/2021
    (Decree 75/2021), 2,055,000 from 01/07/2023 (Decree 55/2023), 2,789,000 from 01/07/2024
    (Decree 77/2024) for meritorious people; 360,000 (Decree 20/2021) then 500,000 from
    01/07/2024 (Decree 76/2024) for social assistance; the social pension 500,000 from
    01/07/2025 (Decree 176/2025)."""

    kind = models.CharField(_("level"), max_length=20, choices=LevelKind.choices)
    amount_vnd = models.PositiveIntegerField(_("amount (VND a month)"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "valid_from"]
        verbose_name = _("standard level")
        verbose_name_plural = _("standard levels")
        constraints = [
            models.UniqueConstraint(fields=["kind", "valid_from"], name="beneficiaries_level_once"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="beneficiaries_level_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.amount_vnd:,} ({self.valid_from:%d/%m/%Y})"


class AllowanceRate(ReferenceRow):
    """One row of a decree's amount schedule for meritorious people: category, sub-case and,
    where it matters, the band of injury or illness rate (inclusive), the monthly amount, a
    monthly supplement, or a one-off payment as a multiple of the standard level (Phụ lục IV).
    """

    category = models.CharField(_("category"), max_length=2, choices=MeritCategory.choices)
    sub_case = models.CharField(_("sub-case"), max_length=20, choices=SubCase.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=RateKind.choices, default=RateKind.MONTHLY)
    supplement = models.CharField(
        _("supplement"), max_length=20, choices=Supplement.choices, blank=True
    )
    rate_min = models.PositiveSmallIntegerField(
        _("from rate (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    rate_max = models.PositiveSmallIntegerField(
        _("to rate (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    amount_vnd = models.PositiveIntegerField(_("amount (VND)"), null=True, blank=True)
    level_multiple = models.DecimalField(
        _("multiple of the standard level"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For one-off payments set as a multiple of the standard level."),
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "sub_case", "kind", "rate_min", "valid_from"]
        verbose_name = _("allowance rate")
        verbose_name_plural = _("allowance schedule")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_vnd__isnull=False) | Q(level_multiple__isnull=False),
                name="beneficiaries_rate_has_amount",
            ),
            models.CheckConstraint(
                condition=Q(rate_min__isnull=True, rate_max__isnull=True)
                | Q(rate_min__isnull=False, rate_max__isnull=False, rate_min__lte=models.F("rate_max")),
                name="beneficiaries_rate_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        band = f" {self.rate_min}–{self.rate_max} %" if self.rate_min is not None else ""
        return f"({self.category}) {self.get_sub_case_display()}{band}, {self.valid_from:%d/%m/%Y}"


class SocialCoefficient(ReferenceRow):
    """The coefficient of a social-protection category (Decree 20/2021/NĐ-CP, Art. 6) for an
    age band (inclusive lower bound, exclusive upper bound, in completed years); the monthly
    amount is the standard level × the coefficient."""

    category = models.CharField(_("category"), max_length=30, choices=SocialCategory.choices)
    age_min = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    age_below = models.PositiveSmallIntegerField(_("below age"), null=True, blank=True)
    coefficient = models.DecimalField(
        _("coefficient"), max_digits=4, decimal_places=2, validators=[MinValueValidator(0)]
    )
    level = models.CharField(
        _("level"), max_length=20, choices=LevelKind.choices, default=LevelKind.SOCIAL_ASSISTANCE
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "age_min", "valid_from"]
        verbose_name = _("social-assistance coefficient")
        verbose_name_plural = _("social-assistance coefficients")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.coefficient}"


class Beneficiary(VersionedModel):
    """One person's enrolment in a programme, from the start of the entitlement to its end.

    Meritorious people carry their Art. 3 category, their relation (self or a relative), the
    sub-case of the amount schedule and, for invalids and the like, the rate. Social-protection
    beneficiaries carry their Art. 5 categories (the highest coefficient applies).
    """

    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    code = models.CharField(
        _("beneficiary code"),
        max_length=30,
        unique=True,
        error_messages={"unique": _("Another beneficiary already has this code.")},
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("person")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="beneficiaries", verbose_name=_("commune")
    )
    legacy_district = models.CharField(_("former district"), max_length=100, blank=True)
    # Meritorious people (Ordinance 02/2020/UBTVQH14).
    category = models.CharField(
        _("category"), max_length=2, choices=MeritCategory.choices, blank=True
    )
    relation = models.CharField(
        _("relation"), max_length=10, choices=Relation.choices, default=Relation.SELF
    )
    sub_case = models.CharField(
        _("sub-case"), max_length=20, choices=SubCase.choices, default=SubCase.STANDARD
    )
    rate_percent = models.PositiveSmallIntegerField(
        _("injury or illness rate (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    lives_alone = models.BooleanField(_("lives alone"), default=False)
    service_years = models.PositiveSmallIntegerField(
        _("years of service before 1945"), null=True, blank=True
    )
    relative_of = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relatives_entitled",
        verbose_name=_("martyr or invalid they are a relative of"),
    )
    # Social protection (Decree 20/2021/NĐ-CP, Art. 5).
    social_categories = models.JSONField(_("categories"), default=list, blank=True)
    children_count = models.PositiveSmallIntegerField(
        _("children raised (single parent)"), null=True, blank=True
    )
    # Entitlement.
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    start_on = models.DateField(_("entitled from"))
    end_on = models.DateField(_("entitled until"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason the entitlement ended"), max_length=20, choices=EndReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        indexes = [models.Index(fields=["programme", "commune"], name="beneficiaries_prog_commune")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="beneficiaries_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(programme="merit") | ~Q(category=""),
                name="beneficiaries_merit_has_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.person.full_name}"

    def entitled_on(self, day: dt.date) -> bool:
        return self.start_on <= day and (self.end_on is None or self.end_on >= day)

    def entitled_in_month(self, month: dt.date) -> bool:
        """Paid for a month when the entitlement covers any day of it (the allowance of the
        month of death is paid; it stops from the following month)."""
        return self.start_on <= month_end(month) and (self.end_on is None or self.end_on >= month_start(month))


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, awaiting approval")
    APPROVED = "approved", _("Approved")


class PaymentRun(VersionedModel):
    """The monthly payment list (danh sách chi trả tháng) of a programme for one commune or a
    whole province. Built by a job; a draft can be rebuilt, which replaces it; a head approves
    it, after which it is locked and its payments count in reports."""

    programme = models.CharField(_("programme"), max_length=20, choices=Programme.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="payment_runs", verbose_name=_("province")
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_runs",
        verbose_name=_("commune"),
        help_text=_("Empty: the whole province."),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month paid."))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT
    )
    payments_count = models.PositiveIntegerField(_("payments"), default=0)
    total_vnd = models.PositiveBigIntegerField(_("total (VND)"), default=0)
    problems = models.JSONField(_("beneficiaries not paid"), default=list, blank=True)
    skipped_count = models.PositiveIntegerField(_("already paid in another list"), default=0)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("built by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )

    province_path = "province"

    class Meta:
        ordering = ["-month", "programme", "commune_id"]
        verbose_name = _("payment run")
        verbose_name_plural = _("payment runs")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "commune", "month"],
                condition=Q(commune__isnull=False),
                name="beneficiaries_run_commune_once",
            ),
            models.UniqueConstraint(
                fields=["programme", "province", "month"],
                condition=Q(commune__isnull=True),
                name="beneficiaries_run_province_once",
            ),
        ]

    def __str__(self) -> str:
        area = self.commune.name if self.commune_id else self.province.name
        return f"{self.get_programme_display()} – {area} – {self.month:%m/%Y}"

    @property
    def locked(self) -> bool:
        return self.status == RunStatus.APPROVED


class PaymentKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    ONE_OFF = "one_off", _("One-off")


class OneOffReason(models.TextChoices):
    TET_GIFT = "tet_gift", _("Tết gift")
    FUNERAL = "funeral", _("Funeral allowance")
    RECOGNITION = "recognition", _("On recognition")
    OTHER = "other", _("Other")


class PaymentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")


class Payment(VersionedModel):
    """One payment to a beneficiary: the monthly amount of a run, an imported payment, or a
    one-off payment. Only approved payments count in reports."""

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.PROTECT, related_name="payments", verbose_name=_("beneficiary")
    )
    run = models.ForeignKey(
        PaymentRun,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("payment run"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PaymentKind.choices)
    one_off_reason = models.CharField(
        _("reason"), max_length=20, choices=OneOffReason.choices, blank=True
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month paid."))
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PROPOSED
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    basis = models.CharField(_("how the amount was set"), max_length=255, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    commune_path = "beneficiary__commune"

    class Meta:
        ordering = ["-month", "beneficiary__code"]
        verbose_name = _("allowance payment")
        verbose_name_plural = _("allowance payments")
        indexes = [models.Index(fields=["month", "status"], name="beneficiaries_pay_month")]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "month"],
                condition=Q(kind="monthly"),
                name="beneficiaries_monthly_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary.code} {self.month:%m/%Y}: {self.amount_vnd:,}"


class DossierKind(models.TextChoices):
    RECOGNITION = "recognition", _("Recognition")
    ALLOWANCE = "allowance", _("Allowance")
    OTHER = "other", _("Other")


class DossierStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("dossier", "Received")
    IN_REVIEW = "in_review", pgettext_lazy("dossier", "In review")
    APPROVED = "approved", pgettext_lazy("dossier", "Approved")
    REJECTED = "rejected", pgettext_lazy("dossier", "Rejected")
    RETURNED = "returned", pgettext_lazy("dossier", "Returned for completion")


class DossierTimeLimit(ReferenceRow):
    """How many days a kind of dossier may take from receipt to decision (Decree
    131/2021/NĐ-CP sets a time limit per procedure): the default due date of a new dossier."""

    kind = models.CharField(_("kind"), max_length=20, choices=DossierKind.choices)
    days = models.PositiveSmallIntegerField(_("days"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "valid_from"]
        verbose_name = _("dossier time limit")
        verbose_name_plural = _("dossier time limits")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days}"


class Dossier(VersionedModel):
    """A dossier received for recognition or an allowance (Decree 131/2021/NĐ-CP) and where it
    stands: received → in review → approved, rejected or returned for completion."""

    code = models.CharField(
        _("dossier code"),
        max_length=30,
        unique=True,
        error_messages={"unique": _("Another dossier already has this code.")},
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("commune")
    )
    applicant_name = models.CharField(_("applicant"), max_length=150)
    applicant_folded = models.CharField(max_length=150, editable=False, db_index=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("person concerned"),
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("beneficiary"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DossierKind.choices)
    category = models.CharField(
        _("category"), max_length=2, choices=MeritCategory.choices, blank=True
    )
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DossierStatus.choices, default=DossierStatus.RECEIVED
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers_handled",
        verbose_name=_("officer handling it"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-received_on", "code"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [models.Index(fields=["status", "due_on"], name="beneficiaries_dossier_due")]

    def __str__(self) -> str:
        return f"{self.code} – {self.applicant_name}"

    def save(self, *args, **kwargs):
        self.applicant_folded = fold(self.applicant_name)
        super().save(*args, **kwargs)

    @property
    def open(self) -> bool:
        return self.status in (DossierStatus.RECEIVED, DossierStatus.IN_REVIEW)

    def overdue_on(self, day: dt.date) -> bool:
        return self.open and self.due_on is not None and self.due_on < day
