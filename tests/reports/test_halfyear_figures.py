"""Issue 7: one dataset with records of every programme inside and outside the period; the
snapshot's JSON equals the expected summary exactly, key for key, and the narrative writes its
figures in the contract's forms (hơn and gần included)."""

import datetime as dt

import pytest

from beneficiaries.models import Payment
from tests.factories import (
    CHI_LANG,
    HA_NOI_COMMUNE,
    HUU_LUNG,
    LANG_SON,
    BeneficiaryFactory,
    CovidSupportFactory,
    DistributionFactory,
    DossierFactory,
    GiftFactory,
    HouseholdFactory,
    InsuranceCardFactory,
    LoanFactory,
    PlacementFactory,
    PlanFactory,
    PovertyReviewFactory,
    ReliefRoundFactory,
    SocialBeneficiaryFactory,
)
from welfare.reports.narrative import render_narrative
from welfare.reports.periods import Period, ReportArea
from welfare.reports.snapshots import snapshot_build

pytestmark = pytest.mark.django_db

D = dt.date


def dataset():
    # Poverty: the 2021 review (statuses for 2022): 2 poor, 1 near-poor, 5 others of 8 households
    # in Lạng Sơn; a review of another year and a Hà Nội household are left out.
    poor = dict(income_per_capita_vnd=1_200_000, deprivations=[1, 4, 7])
    near_poor = dict(income_per_capita_vnd=1_400_000, deprivations=[1, 2])
    average = dict(income_per_capita_vnd=2_400_000, deprivations=[])
    for values in (poor, poor, near_poor, average, average, average, average):
        PovertyReviewFactory(**values)
    PovertyReviewFactory(household=HouseholdFactory(commune_id=CHI_LANG), **average)
    PovertyReviewFactory(review_year=2024, **poor)  # another review year
    PovertyReviewFactory(household=HouseholdFactory(commune_id=HA_NOI_COMMUNE, code="HN-9"), **poor)
    # Cards issued in the period; one before, one after.
    for day in (D(2022, 1, 1), D(2022, 6, 30), D(2022, 3, 3)):
        InsuranceCardFactory(issued_on=day)
    InsuranceCardFactory(issued_on=D(2021, 12, 31))
    InsuranceCardFactory(issued_on=D(2022, 7, 1))
    # Hunger relief: 2 households (one in two rounds) and a person without a household.
    hunger = ReliefRoundFactory()
    household = HouseholdFactory()
    DistributionFactory(round=hunger, household=household, persons_covered=4, rice_kg=60, cost_vnd=720_000)
    DistributionFactory(round=ReliefRoundFactory(), household=household, persons_covered=4, rice_kg=60,
                        cost_vnd=720_000, distributed_on=D(2022, 6, 30))
    DistributionFactory(round=hunger, household=None, recipient_name="Lăng Thị Sáu", persons_covered=1,
                        rice_kg=15, cost_vnd=180_000)
    DistributionFactory(round=ReliefRoundFactory(cause="disaster"), persons_covered=9, rice_kg=99)
    DistributionFactory(round=hunger, distributed_on=D(2022, 7, 1), persons_covered=9, rice_kg=99)
    # Gifts.
    GiftFactory(recipient_group="poor_household", value_vnd=1_038_000_000)
    GiftFactory(recipient_group="elderly", value_vnd=600_000, commune_id=CHI_LANG)
    GiftFactory(recipient_group="elderly", value_vnd=600_000, given_on=D(2022, 7, 1))
    # Meritorious people: approved monthly payments of the period's months only.
    merit = BeneficiaryFactory()
    for month in range(1, 7):
        Payment.objects.create(beneficiary=merit, month=D(2022, month, 1), amount_vnd=2_055_000,
                               status="approved", kind="monthly")
    Payment.objects.create(beneficiary=merit, month=D(2022, 7, 1), amount_vnd=2_055_000, status="approved",
                           kind="monthly")
    Payment.objects.create(beneficiary=merit, month=D(2022, 2, 1), amount_vnd=9_000_000, status="approved",
                           kind="one_off")
    DossierFactory(received_on=D(2022, 2, 1))
    DossierFactory(received_on=D(2021, 12, 1), status="approved", decided_on=D(2022, 1, 20))
    DossierFactory(received_on=D(2022, 7, 2))
    # Social protection: entitled on 30/06 (one ended before), their approved payments.
    social = SocialBeneficiaryFactory()
    SocialBeneficiaryFactory(end_on=D(2022, 5, 31), end_reason="died")
    for month in (1, 2, 3):
        Payment.objects.create(beneficiary=social, month=D(2022, month, 1), amount_vnd=360_000,
                               status="approved", kind="monthly")
    # Employment.
    PlacementFactory(placed_on=D(2022, 1, 1))
    PlacementFactory(placed_on=D(2022, 6, 30), channel="employment_fund")
    PlacementFactory(placed_on=D(2022, 7, 1))
    LoanFactory(borrower_type="cooperative", amount_vnd=999_960_000, jobs=12, collateral="Nhà xưởng")
    LoanFactory(disbursed_on=D(2021, 12, 31))
    PlanFactory(year=2022, indicator="new_jobs", target=32)
    PlanFactory(year=2022, indicator="trained_labour_rate", target=60)
    PlanFactory(year=2022, indicator="poverty_rate_reduction", target=2.5)
    # COVID-19 support: cumulative to the period's end.
    CovidSupportFactory(amount_vnd=3_600_000_000, approved_on=D(2021, 9, 1))
    CovidSupportFactory(amount_vnd=7, approved_on=D(2022, 7, 1))


def test_every_figure_of_the_snapshot_and_the_narrative():
    dataset()
    snapshot = snapshot_build(area=ReportArea.province(LANG_SON), period=Period(2022, 1))
    assert snapshot.data == {
        "area": {"level": "province", "code": "20", "name": "Tỉnh Lạng Sơn"},
        "period": {"year": 2022, "half": 1, "start": "2022-01-01", "end": "2022-06-30"},
        "poverty": {"review_year": 2021, "households": 8, "poor": 2, "poor_rate": 25, "near_poor": 1,
                    "near_poor_rate": 12.5},
        "health_insurance": {"cards_issued": 3},
        "hunger_relief": {"households": 2, "persons": 9, "rice_kg": 135, "cost_vnd": 1_620_000},
        "gifts": {"by_group": {"elderly": {"count": 1, "value_vnd": 600_000},
                               "poor_household": {"count": 1, "value_vnd": 1_038_000_000}},
                  "total": {"count": 2, "value_vnd": 1_038_600_000}},
        "meritorious": {"allowance_payments": 6, "allowance_amount_vnd": 12_330_000, "dossiers_received": 1,
                        "dossiers_resolved": 1},
        "social_protection": {"beneficiaries": 1, "payments": 3, "amount_vnd": 1_080_000},
        "employment": {"new_jobs": 2, "plan": 32, "plan_rate": 6.25,
                       "by_channel": {"employment_fund": 1, "industrial_zone_outside_province": 1},
                       "fund_loans": {"projects": 1, "amount_vnd": 999_960_000, "jobs": 12}},
        "covid_support": {"cumulative_amount_vnd": 3_600_000_000, "as_of": "2022-06-30"},
        "targets": {"new_jobs": 32, "trained_labour_rate": 60, "poverty_rate_reduction": 2.5},
    }
    text = render_narrative(snapshot.data)
    for phrase in (
        "toàn tỉnh có 2 hộ nghèo, chiếm 25,00% và 1 hộ cận nghèo, chiếm 12,50% trong tổng số 8 hộ",
        "đã cấp 3 thẻ bảo hiểm y tế",
        "cho 2 hộ với 9 nhân khẩu, tổng số 135 kg gạo, trị giá hơn 1,6 triệu đồng",
        "tặng 2 suất quà với tổng trị giá hơn 1 tỷ đồng",
        "hộ nghèo có hoàn cảnh đặc biệt khó khăn 1 suất (hơn 1 tỷ đồng); người cao tuổi 1 suất (600.000 đồng)",
        "cho 6 lượt người có công và thân nhân với kinh phí hơn 12,3 triệu đồng",
        "có 1 đối tượng bảo trợ xã hội đang hưởng trợ cấp xã hội hằng tháng; đã chi trả 3 lượt trợ cấp với kinh phí gần 1,1 triệu đồng",
        "giải quyết việc làm mới cho 2 lao động, đạt 6,25% kế hoạch năm (32 lao động)",
        "cho vay 1 dự án với doanh số cho vay gần 1 tỷ đồng, tạo việc làm, duy trì và mở rộng việc làm cho 12 lao động",
        "lũy kế đến ngày 30/06/2022 toàn tỉnh đã phê duyệt hỗ trợ",
        "là 3,6 tỷ đồng",
        "tỷ lệ lao động qua đào tạo đạt 60%; mức giảm tỷ lệ hộ nghèo từ 2,5% trở lên",
    ):
        assert phrase in text, phrase
