"""The `poverty` and `health_insurance` keys of the half-year summary (contract.md,
"Half-year summary"). Each is one aggregate query over the records of the area's communes."""

from django.db.models import Count, Q

from welfare.core.formatting import rate
from welfare.reports.periods import Period, ReportArea
from welfare.reports.registry import indicator

from .models import InsuranceCard, PovertyResult, PovertyReview, ReviewStatus


@indicator("poverty", order=10)
def poverty(area: ReportArea, period: Period) -> dict:
    """The recognised reviews of the year before the period's (the review of Y is the status
    for Y + 1), for both halves and without falling back to an older year.

    `households` are the area's households with such a review (the annual review covers every
    household, so it is the rate's denominator: domain.md, "Poverty rate").
    """
    review_year = period.year - 1
    figures = PovertyReview.objects.filter(
        area.records_q("household__commune"),
        review_year=review_year,
        status=ReviewStatus.RECOGNISED,
    ).aggregate(
        # One review per household and year (a unique constraint): count the households.
        households=Count("household", distinct=True),
        poor=Count("pk", filter=Q(result=PovertyResult.POOR)),
        near_poor=Count("pk", filter=Q(result=PovertyResult.NEAR_POOR)),
    )
    households, poor, near_poor = figures["households"], figures["poor"], figures["near_poor"]
    return {
        "review_year": review_year,
        "households": households,
        "poor": poor,
        "poor_rate": rate(poor, households),
        "near_poor": near_poor,
        "near_poor_rate": rate(near_poor, households),
    }


@indicator("health_insurance", order=20)
def health_insurance(area: ReportArea, period: Period) -> dict:
    """Health-insurance cards issued in the period (both ends included)."""
    cards = InsuranceCard.objects.filter(
        area.records_q("commune"), issued_on__range=(period.start, period.end)
    )
    return {"cards_issued": cards.count()}
