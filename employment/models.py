"""Jobs the province creates and the loans behind them (domain.md, "Employment").

- `LoanLimit` (reference rows, valid between two dates): the caps of National Employment Fund
  loans for one borrower type (Decree 61/2015/NĐ-CP as amended by Decree 74/2019/NĐ-CP): the
  most per project, per job created/maintained/expanded, the longest term, the amount from
  which collateral is needed, and (`LendingRate`) the monthly interest rate, the near-poor
  lending rate (UNVERIFIED).
- `Loan`: one loan of the fund to a worker or a business, its jobs and its repayment status.
- `Placement`: one worker placed in a new job, by channel (the report's "giải quyết việc làm
  mới"). Plans (the year's `new_jobs` target) live in `welfare.reports`.
- `BorderPass`: a border-labour pass (sổ thông hành) for work across the border.

Rules live in `services.py`.
"""

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from welfare.areas.models import Commune
from welfare.core.models import ReferenceRow, VersionedModel
from welfare.core.text import fold
from welfare.households.models import Person


class BorrowerType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual worker")
    HOUSEHOLD_BUSINESS = "household_business", _("Household business")
    BUSINESS = "business", _("Small or medium enterprise")
    COOPERATIVE = "cooperative", _("Cooperative or cooperative group")


class RepaymentStatus(models.TextChoices):
    CURRENT = "current", _("Being repaid")
    OVERDUE = "overdue", _("Overdue")
    REPAID = "repaid", _("Repaid")


class Channel(models.TextChoices):
    """How a worker found the new job (the report's channels, glossary.md)."""

    EMPLOYMENT_FUND = "employment_fund", pgettext_lazy("job channel", "Employment-fund loans")
    SOCIOECONOMIC_PROGRAMME = "socioeconomic_programme", pgettext_lazy(
        "job channel", "Socio-economic development programmes"
    )
    INDUSTRIAL_ZONE = "industrial_zone_outside_province", pgettext_lazy(
        "job channel", "Industrial zones outside the province"
    )
    LABOUR_EXPORT = "labour_export", pgettext_lazy("job channel", "Contract work abroad")
    SERVICE_CENTRE = "service_centre", pgettext_lazy("job channel", "Employment service centre")
    OTHER = "other", pgettext_lazy("job channel", "Other")


class LoanLimit(ReferenceRow):
    """The caps of an employment-fund loan to one borrower type, valid between two dates.

    Decree 61/2015/NĐ-CP Art. 8–9 as amended by Decree 74/2019/NĐ-CP: production and business
    establishments (enterprises, cooperatives, cooperative groups, household businesses) up to
    2 billion VND a project and 100 million per job created, maintained or expanded, with
    collateral from 100 million; a worker up to 100 million; every loan at most 120 months."""

    borrower_type = models.CharField(_("borrower type"), max_length=20, choices=BorrowerType.choices)
    max_amount_vnd = models.PositiveBigIntegerField(_("most per loan (VND)"))
    max_per_job_vnd = models.PositiveBigIntegerField(
        _("most per job (VND)"),
        null=True,
        blank=True,
        help_text=_("Empty when the loan is not capped by its number of jobs."),
    )
    max_term_months = models.PositiveSmallIntegerField(_("longest term (months)"))
    collateral_from_vnd = models.PositiveBigIntegerField(
        _("collateral needed from (VND)"),
        null=True,
        blank=True,
        help_text=_("Loans of this amount or more need collateral. Empty: never needed."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["borrower_type", "valid_from"]
        verbose_name = _("employment-fund loan limit")
        verbose_name_plural = _("employment-fund loan limits")
        constraints = [
            models.UniqueConstraint(fields=["borrower_type", "valid_from"], name="employment_limit_once"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="employment_limit_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_borrower_type_display()}: {self.max_amount_vnd:,} ({self.valid_from:%d/%m/%Y})"

    def clean(self):
        if self.valid_from and self.borrower_type:
            _refuse_overlap(self, LoanLimit.objects.filter(borrower_type=self.borrower_type))


def _refuse_overlap(row: ReferenceRow, rows) -> None:
    """One row of a kind in force on any day: a new row starts after the previous one ends."""
    if row.valid_to is not None and row.valid_to < row.valid_from:
        return  # the dates' own check says so
    other = row.overlapping(rows).first()
    if other is not None:
        raise ValidationError({"valid_from": _(
            "Another row is in force from %(start)s on some of these days: give it an end date "
            "(valid until) before this row starts."
        ) % {"start": other.valid_from.strftime("%d/%m/%Y")}})


class LendingRate(ReferenceRow):
    """The monthly interest rate of employment-fund loans: the near-poor lending rate of the
    Bank for Social Policies (domain.md: UNVERIFIED, kept as editable rows). A loan takes the
    rate valid on its disbursement unless another is typed."""

    monthly_rate_percent = models.DecimalField(_("monthly interest rate (%)"), max_digits=5, decimal_places=3)
    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("employment-fund lending rate")
        verbose_name_plural = _("employment-fund lending rates")
        constraints = [
            models.UniqueConstraint(fields=["valid_from"], name="employment_rate_once"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="employment_rate_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.monthly_rate_percent} %/tháng ({self.valid_from:%d/%m/%Y})"

    def clean(self):
        if self.valid_from:
            _refuse_overlap(self, LendingRate.objects.all())


class Loan(VersionedModel):
    """A loan of the National Employment Fund (cho vay giải quyết việc làm)."""

    code = models.CharField(_("loan code"), max_length=30, unique=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="loans", verbose_name=_("commune"))
    borrower_type = models.CharField(_("borrower type"), max_length=20, choices=BorrowerType.choices)
    borrower_name = models.CharField(_("borrower"), max_length=200)
    borrower_folded = models.CharField(max_length=200, editable=False, blank=True)
    borrower_id_number = models.CharField(
        _("borrower's citizen ID"), max_length=12, blank=True, help_text=_("For a worker borrowing in person.")
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="loans", verbose_name=_("person")
    )
    purpose = models.CharField(_("purpose"), max_length=255, blank=True)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"), validators=[MinValueValidator(1)])
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    disbursed_on = models.DateField(_("disbursed on"))
    jobs = models.PositiveIntegerField(
        _("jobs created, maintained or expanded"), validators=[MinValueValidator(1)]
    )
    collateral = models.CharField(_("collateral"), max_length=255, blank=True)
    monthly_rate_percent = models.DecimalField(
        _("monthly interest rate (%)"),
        max_digits=5,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    repayment_status = models.CharField(
        _("repayment status"), max_length=10, choices=RepaymentStatus.choices, default=RepaymentStatus.CURRENT
    )
    repaid_on = models.DateField(_("repaid on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-disbursed_on", "code"]
        verbose_name = _("employment-fund loan")
        verbose_name_plural = _("employment-fund loans")
        indexes = [models.Index(fields=["disbursed_on"], name="employment_loan_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(repaid_on__isnull=True) | Q(repaid_on__gte=models.F("disbursed_on")),
                name="employment_loan_repaid_after_disbursed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.borrower_name}"

    @property
    def due_on(self) -> dt.date | None:
        """The last day of the term, counted in calendar months from the disbursement."""
        if not self.term_months:
            return None
        months = self.disbursed_on.month - 1 + self.term_months
        year, month = self.disbursed_on.year + months // 12, months % 12 + 1
        return dt.date(year, month, min(self.disbursed_on.day, calendar.monthrange(year, month)[1]))

    @property
    def past_due(self) -> bool:
        """Still being repaid after the end of its term: the officer should mark it overdue."""
        due = self.due_on
        return self.repayment_status == RepaymentStatus.CURRENT and due is not None and due < timezone.localdate()

    def save(self, *args, **kwargs):
        self.borrower_folded = fold(self.borrower_name)
        super().save(*args, **kwargs)


class Placement(VersionedModel):
    """A worker placed in a new job (giải quyết việc làm mới) through one channel."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="placements", verbose_name=_("commune")
    )
    worker_name = models.CharField(_("worker"), max_length=150)
    worker_folded = models.CharField(max_length=150, editable=False, blank=True)
    worker_id_number = models.CharField(_("worker's citizen ID"), max_length=12, blank=True)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="placements", verbose_name=_("person")
    )
    channel = models.CharField(_("channel"), max_length=40, choices=Channel.choices)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    placed_on = models.DateField(_("placed on"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-placed_on", "pk"]
        verbose_name = _("job placement")
        verbose_name_plural = _("job placements")
        indexes = [models.Index(fields=["placed_on", "channel"], name="employment_placement_date")]

    def __str__(self) -> str:
        return f"{self.worker_name} ({self.placed_on:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        self.worker_folded = fold(self.worker_name)
        super().save(*args, **kwargs)


class BorderPass(VersionedModel):
    """A border-labour pass (sổ thông hành) of a worker going to work across the border."""

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="border_passes", verbose_name=_("commune")
    )
    number = models.CharField(_("pass number"), max_length=20, unique=True)
    holder_name = models.CharField(_("pass holder"), max_length=150)
    holder_folded = models.CharField(max_length=150, editable=False, blank=True)
    holder_id_number = models.CharField(_("pass holder's citizen ID"), max_length=12, blank=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="border_passes",
        verbose_name=_("person"),
    )
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    border_gate = models.CharField(_("border gate"), max_length=100)
    workplace = models.CharField(
        _("workplace across the border"), max_length=200, blank=True
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["expires_on", "number"]
        verbose_name = _("border-labour pass")
        verbose_name_plural = _("border-labour passes")
        indexes = [models.Index(fields=["expires_on"], name="employment_pass_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")), name="employment_pass_expires_after_issue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.holder_name}"

    def save(self, *args, **kwargs):
        self.holder_folded = fold(self.holder_name)
        super().save(*args, **kwargs)
