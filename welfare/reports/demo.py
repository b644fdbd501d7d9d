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


# What the head wrote in the report of the first half of 2022 (the province's half-year report).
DEMO_SECTIONS_2022 = {
    "shortcomings": (
        "Do ảnh hưởng của dịch COVID-19, việc đưa người lao động đi làm việc ở nước ngoài và hợp tác "
        "lao động qua biên giới còn hạn chế; tình trạng lao động xuất cảnh trái phép qua đường mòn "
        "biên giới vẫn còn xảy ra."
    ),
    "next_tasks": (
        "Tiếp tục thực hiện tốt các chính sách an sinh xã hội, đào tạo nghề, tạo việc làm, tăng thu "
        "nhập và giảm nghèo bền vững trên địa bàn."
    ),
    "recommendations": "Đề nghị cấp trên tiếp tục bố trí nguồn vốn cho vay giải quyết việc làm.",
}


@demo_step(order=95)
def demo_reports(ctx: DemoContext) -> str:
    """The half-year snapshots of Lạng Sơn and its communes: the first half of 2022 approved by
    the head with the report's text, the current half-year (and the one before) as drafts."""
    from django.utils import timezone

    from welfare.households.demo import acting_as

    from .periods import Period, ReportArea
    from .snapshots import periods_to_refresh, snapshot_approve, snapshot_build, snapshot_sections_save

    head = ctx.users["lanhdao"]
    province = ReportArea.province(DEMO_PROVINCE)
    communes = list(Commune.objects.filter(province_id=DEMO_PROVINCE).order_by("code").values_list("code", flat=True))
    periods = [Period(2022, 1), *periods_to_refresh(timezone.localdate())]
    built = 0
    with acting_as(head):
        for period in periods:
            snapshot_build(area=province, period=period, task_id="demo_data")
            for code in communes:
                snapshot_build(area=ReportArea.commune(code), period=period, task_id="demo_data")
            built += 1 + len(communes)
        report = snapshot_build(area=province, period=Period(2022, 1), task_id="demo_data")
        if not report.approved:
            report = snapshot_sections_save(
                user=head, snapshot=report, expected_version=report.version, sections=DEMO_SECTIONS_2022
            )
            snapshot_approve(user=head, snapshot=report, expected_version=report.version)
    return f"{built} half-year summaries built, the province's report of 1/2022 approved"
