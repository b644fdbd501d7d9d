"""Plans, the targets a department sets per area, year and indicator; and the half-year
summaries built from the records (`SummarySnapshot`)."""

import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from welfare.areas.models import Commune, Province
from welfare.areas.rules import commune_outside_province
from welfare.core.models import VersionedModel


class PlanIndicator(models.TextChoices):
    NEW_JOBS = "new_jobs", _("New jobs")
    TRAINED_LABOUR_RATE = "trained_labour_rate", _("Trained-labour rate (%)")
    POVERTY_RATE_REDUCTION = "poverty_rate_reduction", _("Poverty-rate reduction (%)")

    @classmethod
    def is_rate(cls, value: str) -> bool:
        return value != cls.NEW_JOBS


class Plan(VersionedModel):
    """A target for a province (commune empty) or one of its communes, for one year.

    The new-jobs target is a count; the two rates are percentages as entered (60, 2.5).
    """

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="plans", verbose_name=_("province")
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("commune"),
        help_text=_("Leave empty for a target of the whole province."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    indicator = models.CharField(_("indicator"), max_length=30, choices=PlanIndicator.choices)
    target = models.DecimalField(
        _("target"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    province_path = "province"

    class Meta:
        ordering = ["-year", "province_id", "commune_id", "indicator"]
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "indicator"],
                condition=Q(commune__isnull=True),
                name="reports_plan_unique_province_target",
                violation_error_message=_(
                    "The province already has a target for this indicator and year: "
                    "edit that one instead."
                ),
            ),
            models.UniqueConstraint(
                fields=["commune", "year", "indicator"],
                condition=Q(commune__isnull=False),
                name="reports_plan_unique_commune_target",
                violation_error_message=_(
                    "The commune already has a target for this indicator and year: "
                    "edit that one instead."
                ),
            ),
        ]

    def __str__(self) -> str:
        area = self.commune or self.province
        return f"{area} {self.year}: {self.get_indicator_display()} {self.target}"

    def clean(self):
        super().clean()
        errors = {}
        if self.commune_id:
            problem = commune_outside_province(
                commune_province_id=self.commune.province_id, province_id=self.province_id
            )
            if problem:
                errors["commune"] = problem
        if self.target is not None:
            if self.indicator == PlanIndicator.NEW_JOBS and self.target != self.target.to_integral():
                errors["target"] = _("The new-jobs target is a whole number of jobs.")
            if PlanIndicator.is_rate(self.indicator) and self.target > 100:
                errors["target"] = _("A rate target is a percentage between 0 and 100.")
        if errors:
            raise ValidationError(errors)


class SnapshotStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class SummarySnapshot(VersionedModel):
    """The half-year summary of one area (a province, or a commune when `commune` is set), as
    built by the summary task: the contract's JSON, when and by which task it was built, the
    sections a head writes, and its status. A draft is rebuilt (nightly, or on demand); an
    approved snapshot is frozen, figures and text alike."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="summary_snapshots", verbose_name=_("province")
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="summary_snapshots",
        verbose_name=_("commune"),
        help_text=_("Empty for the summary of the whole province."),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    half = models.PositiveSmallIntegerField(_("half-year"), choices=[(1, _("First half")), (2, _("Second half"))])
    # The contract's JSON as text: a JSON column (jsonb) would reorder its keys, and the command
    # and the exports write them in the contract's order.
    figures_json = models.TextField(_("figures"), default="{}", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SnapshotStatus.choices, default=SnapshotStatus.DRAFT
    )
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    built_by_task = models.CharField(_("built by task"), max_length=64, blank=True)
    build_seconds = models.FloatField(_("build time (s)"), null=True, blank=True)
    build_queries = models.PositiveIntegerField(_("queries of the build"), null=True, blank=True)
    shortcomings = models.TextField(_("shortcomings and causes"), blank=True)
    next_tasks = models.TextField(_("tasks and solutions for the next half-year"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
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
        ordering = ["-year", "-half", "province_id", "commune_id"]
        verbose_name = _("half-year summary")
        verbose_name_plural = _("half-year summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "half"],
                condition=Q(commune__isnull=True),
                name="reports_snapshot_once_per_province",
            ),
            models.UniqueConstraint(
                fields=["commune", "year", "half"],
                condition=Q(commune__isnull=False),
                name="reports_snapshot_once_per_commune",
            ),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="reports_snapshot_half"),
        ]

    def __str__(self) -> str:
        area = self.commune or self.province
        return f"{area} {self.half}/{self.year}"

    @property
    def approved(self) -> bool:
        return self.status == SnapshotStatus.APPROVED

    @property
    def data(self) -> dict:
        return json.loads(self.figures_json or "{}")

    @data.setter
    def data(self, value: dict) -> None:
        self.figures_json = json.dumps(value, ensure_ascii=False)

    @property
    def level(self) -> str:
        return "commune" if self.commune_id else "province"

    @property
    def area_code(self) -> int:
        return self.commune_id or self.province_id
