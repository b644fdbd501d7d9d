"""Plans: the targets a department sets per area, year and indicator."""

from decimal import Decimal

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
