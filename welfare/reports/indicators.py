"""The `targets` key of the summary: the area's plans for the year, as entered."""

from decimal import Decimal

from .models import Plan, PlanIndicator
from .periods import Period, ReportArea
from .registry import indicator


def plans_for(area: ReportArea, year: int) -> dict[str, Decimal]:
    """The area's own targets for the year (a province's are those without a commune)."""
    plans = Plan.objects.filter(year=year)
    if area.level == "province":
        plans = plans.filter(province_id=area.code, commune__isnull=True)
    else:
        plans = plans.filter(commune_id=area.code)
    return dict(plans.values_list("indicator", "target"))


@indicator("targets", order=900)
def targets(area: ReportArea, period: Period) -> dict:
    entered = plans_for(area, period.year)
    return {
        PlanIndicator.NEW_JOBS.value: int(entered.get(PlanIndicator.NEW_JOBS, 0)),
        PlanIndicator.TRAINED_LABOUR_RATE.value: entered.get(
            PlanIndicator.TRAINED_LABOUR_RATE, Decimal(0)
        ),
        PlanIndicator.POVERTY_RATE_REDUCTION.value: entered.get(
            PlanIndicator.POVERTY_RATE_REDUCTION, Decimal(0)
        ),
    }
