"""The `poverty` and `health_insurance` keys of the half-year summary (contract.md,
"Half-year summary"). Each is one aggregate query over the records of the area's communes, or,
for all the communes of a province at once, one query grouped by commune."""

from django.db.models import Count, Q

from welfare.core.formatting import rate
from welfare.reports.periods import Period, ReportArea
from welfare.reports.registry import indicator, rows_by_commune

from .models import InsuranceCard, PovertyResult, PovertyReview, ReviewStatus


def _poverty(area: ReportArea, period: Period, *, by_commune: bool = False) -> dict[int | None, dict]:
    review_year = period.year - 1
    rows = rows_by_commune(
        PovertyReview.objects.filter(review_year=review_year, status=ReviewStatus.RECOGNISED),
        area=area,
        commune_path="household__commune",
        by_commune=by_commune,
        # One review per household and year (a unique constraint): counting the reviews counts
        # the households, without the sort that a distinct count of households would need.
        households=Count("pk"),
        poor=Count("pk", filter=Q(result=PovertyResult.POOR)),
        near_poor=Count("pk", filter=Q(result=PovertyResult.NEAR_POOR)),
    )
    figures = {}
    for code, (row,) in rows.items():
        households, poor, near_poor = row["households"], row["poor"], row["near_poor"]
        figures[code] = {
            "review_year": review_year,
            "households": households,
            "poor": poor,
            "poor_rate": rate(poor, households),
            "near_poor": near_poor,
            "near_poor_rate": rate(near_poor, households),
        }
    return figures


def _poverty_empty(period: Period) -> dict:
    return {"review_year": period.year - 1, "households": 0, "poor": 0, "poor_rate": None, "near_poor": 0,
            "near_poor_rate": None}


def poverty_communes(province: ReportArea, period: Period, communes: list[int]) -> dict[int, dict]:
    figures = _poverty(province, period, by_commune=True)
    empty = _poverty_empty(period)
    return {code: figures.get(code) or dict(empty) for code in communes}


@indicator("poverty", order=10, communes=poverty_communes)
def poverty(area: ReportArea, period: Period) -> dict:
    """The recognised reviews of the year before the period's (the review of Y is the status
    for Y + 1), for both halves and without falling back to an older year.

    `households` are the area's households with such a review (the annual review covers every
    household, so it is the rate's denominator: domain.md, "Poverty rate").
    """
    return _poverty(area, period)[None]


def _cards(area: ReportArea, period: Period, *, by_commune: bool = False) -> dict[int | None, dict]:
    rows = rows_by_commune(
        InsuranceCard.objects.filter(issued_on__range=(period.start, period.end)),
        area=area,
        by_commune=by_commune,
        cards=Count("pk"),
    )
    return {code: {"cards_issued": row["cards"]} for code, (row,) in rows.items()}


def health_insurance_communes(province: ReportArea, period: Period, communes: list[int]) -> dict[int, dict]:
    figures = _cards(province, period, by_commune=True)
    return {code: figures.get(code) or {"cards_issued": 0} for code in communes}


@indicator("health_insurance", order=20, communes=health_insurance_communes)
def health_insurance(area: ReportArea, period: Period) -> dict:
    """Health-insurance cards issued in the period (both ends included)."""
    return _cards(area, period)[None]
