from decimal import Decimal

from welfare.areas.models import Commune, Province
from welfare.core.demo import DEMO_COMMUNE, DEMO_PROVINCE, DemoContext, demo_step

from .models import Plan

# Lạng Sơn's targets for 2022 as its half-year report states them (16.000 new jobs, 60 %
# trained labour, a poverty-rate reduction of 3 %), and the same shape for the current year.
DEMO_PLANS = {
    2022: {"new_jobs": 16000, "trained_labour_rate": 60, "poverty_rate_reduction": 3},
    2026: {"new_jobs": 15500, "trained_labour_rate": Decimal("66.5"), "poverty_rate_reduction": Decimal("2.5")},
}
DEMO_COMMUNE_PLANS = {2022: {"new_jobs": 320}, 2026: {"new_jobs": 300}}


@demo_step(order=90)
def demo_plans(ctx: DemoContext) -> str:
    province = Province.objects.get(code=DEMO_PROVINCE)
    commune = Commune.objects.get(code=DEMO_COMMUNE)
    count = 0
    for area_commune, plans in ((None, DEMO_PLANS), (commune, DEMO_COMMUNE_PLANS)):
        for year, targets in plans.items():
            for indicator, target in targets.items():
                Plan.objects.update_or_create(
                    province=province,
                    commune=area_commune,
                    year=year,
                    indicator=indicator,
                    defaults={"target": Decimal(target)},
                )
                count += 1
    return f"{count} plan targets"
