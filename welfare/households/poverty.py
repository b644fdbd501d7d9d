"""The multidimensional poverty classification (Decree 07/2021/NĐ-CP, Art. 3; Decree
351/2025/NĐ-CP keeps the same rule with new income lines).

Pure rules over the standard's rows: the form, the import and the admin all call these.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import PovertyResult, PovertyStandard


def standard_for_review_year(year: int, standards: Iterable[PovertyStandard] | None = None) -> PovertyStandard:
    """The standard whose review years cover `year` (the review of Y sets the status of Y + 1).

    Pass `standards` (all rows, read once) when classifying many reviews at a time.
    """
    rows = standards if standards is not None else PovertyStandard.objects.all()
    for standard in rows:
        if standard.first_review_year <= year <= standard.last_review_year:
            return standard
    raise ValidationError(
        _("No poverty standard covers the reviews of %(year)s: an administrator must add it.")
        % {"year": year},
        code="no_standard",
    )


def poverty_classify(
    *, standard: PovertyStandard, area_type: str, income_per_capita_vnd: int, deprivation_count: int
) -> str:
    """Poor: income at or below the line and deprived on at least 3 of the 12 indicators.
    Near-poor: income at or below the line and fewer deprivations. Average living standard:
    income above the line up to the area's upper bound. Otherwise not poor.

    Without a known upper bound (a standard whose bounds are not yet set) a household above the
    line is "not poor".
    """
    line = standard.income_line(area_type)
    if income_per_capita_vnd <= line:
        if deprivation_count >= standard.poor_min_deprivations:
            return PovertyResult.POOR
        return PovertyResult.NEAR_POOR
    bound = standard.average_bound(area_type)
    if bound is not None and income_per_capita_vnd <= bound:
        return PovertyResult.AVERAGE
    return PovertyResult.NOT_POOR


def deprivations_parse(value: str | Iterable[int] | None) -> list[int]:
    """Indicator numbers from `"1;4;7"` (the import's form) or a list; each must be 1–12."""
    if value is None or value == "":
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]  # a spreadsheet cell holding one number
    if isinstance(value, str):
        parts = [part.strip() for part in value.replace(",", ";").split(";") if part.strip()]
    else:
        parts = list(value)
    numbers = []
    for part in parts:
        if isinstance(part, str):
            # ASCII digits only: "²".isdigit() is true but int("²") fails.
            number = int(part) if part.isascii() and part.isdigit() else 0
        elif isinstance(part, int) and not isinstance(part, bool):
            number = part
        else:
            number = 0  # 1.5, True, None: not an indicator number
        if not 1 <= number <= 12:
            raise ValidationError(
                _("“%(value)s” is not an indicator number from 1 to 12.") % {"value": part},
                code="deprivation",
            )
        numbers.append(number)
    if len(set(numbers)) != len(numbers):
        raise ValidationError(_("An indicator is listed twice."), code="deprivation_twice")
    return sorted(numbers)
