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


def plans_for_communes(province: ReportArea, year: int) -> dict[int, dict[str, Decimal]]:
    """The own targets of each commune of the province for the year, in one query."""
    plans: dict[int, dict[str, Decimal]] = {}
    rows = Plan.objects.filter(year=year, commune__province_id=province.code).values_list(
        "commune_id", "indicator", "target"
    )
    for commune, key, target in rows:
        plans.setdefault(commune, {})[key] = target
    return plans


def _targets(entered: dict[str, Decimal]) -> dict:
    return {
        PlanIndicator.NEW_JOBS.value: int(entered.get(PlanIndicator.NEW_JOBS, 0)),
        PlanIndicator.TRAINED_LABOUR_RATE.value: entered.get(
            PlanIndicator.TRAINED_LABOUR_RATE, Decimal(0)
        ),
        PlanIndicator.POVERTY_RATE_REDUCTION.value: entered.get(
            PlanIndicator.POVERTY_RATE_REDUCTION, Decimal(0)
        ),
    }


def targets_communes(province: ReportArea, period: Period, communes: list[int]) -> dict[int, dict]:
    plans = plans_for_communes(province, period.year)
    return {code: _targets(plans.get(code, {})) for code in communes}


@indicator("targets", order=900, communes=targets_communes)
def targets(area: ReportArea, period: Period) -> dict:
    return _targets(plans_for(area, period.year))
