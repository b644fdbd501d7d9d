"""The half-year report's narrative (contract.md, "Text"): the figures of the summary written as
the department's report reads, number forms exactly as the contract says, empty sections left
out, the head's sections and the targets for the next half."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import LANG_SON, LoanFactory, PlacementFactory, PlanFactory
from welfare.reports.narrative import narrative_paragraphs, render_narrative

pytestmark = pytest.mark.django_db


def summary(**changes) -> dict:
    """The report's figures of Lạng Sơn, first half of 2022 (reference/langson-halfyear-2022.txt)."""
    data = {
        "area": {"level": "province", "code": "20", "name": "Tỉnh Lạng Sơn"},
        "period": {"year": 2022, "half": 1, "start": "2022-01-01", "end": "2022-06-30"},
        "poverty": {"review_year": 2021, "households": 192_705, "poor": 23_510, "poor_rate": 12.2,
                    "near_poor": 23_248, "near_poor_rate": 12.06},
        "health_insurance": {"cards_issued": 1_730},
        "hunger_relief": {"households": 1_730, "persons": 6_923, "rice_kg": 233_580, "cost_vnd": 999_960_000},
        "gifts": {"by_group": {"elderly": {"count": 120, "value_vnd": 60_000_000},
                               "poor_household": {"count": 900, "value_vnd": 1_038_000_000}},
                  "total": {"count": 1_020, "value_vnd": 1_098_000_000}},
        "meritorious": {"allowance_payments": 22_837, "allowance_amount_vnd": 44_800_000_000,
                        "dossiers_received": 760, "dossiers_resolved": 712},
        "social_protection": {"beneficiaries": 31_402, "payments": 180_321, "amount_vnd": 126_000_000_000},
        "employment": {"new_jobs": 11_000, "plan": 16_000, "plan_rate": 68.75,
                       "by_channel": {"employment_fund": 3_000, "socioeconomic_programme": 1_000,
                                      "industrial_zone_outside_province": 7_000},
                       "fund_loans": {"projects": 2_364, "amount_vnd": 105_240_000_000, "jobs": 3_000}},
        "covid_support": {"cumulative_amount_vnd": 126_000_000_000, "as_of": "2022-06-30"},
        "targets": {"new_jobs": 16_000, "trained_labour_rate": 60, "poverty_rate_reduction": 2.5},
    }
    for key, value in changes.items():
        data[key] = {**data[key], **value}
    return data


def test_every_section_writes_its_figures_in_the_contracts_forms():
    text = render_narrative(summary())
    paragraphs = text.split("\n\n")
    assert paragraphs[0].endswith("6 THÁNG ĐẦU NĂM 2022") and paragraphs[1] == "Tỉnh Lạng Sơn"
    # Counts grouped from 4 digits, computed rates with two decimals and a decimal comma; years never grouped.
    assert "năm 2021" in text and "toàn tỉnh có 23.510 hộ nghèo, chiếm 12,20% và 23.248 hộ cận nghèo, chiếm 12,06%" in text
    assert "tổng số 192.705 hộ" in text
    assert "đã cấp 1.730 thẻ bảo hiểm y tế" in text
    # Money: below a million in full; triệu and tỷ with a decimal comma; hơn below, gần above.
    assert "cho 1.730 hộ với 6.923 nhân khẩu, tổng số 233.580 kg gạo, trị giá gần 1 tỷ đồng" in text
    assert "tặng 1.020 suất quà với tổng trị giá gần 1,1 tỷ đồng" in text
    assert "hộ nghèo có hoàn cảnh đặc biệt khó khăn 900 suất (hơn 1 tỷ đồng); người cao tuổi 120 suất (60 triệu đồng)" in text
    assert "chi trả trợ cấp thường xuyên cho 22.837 lượt người có công và thân nhân với kinh phí 44,8 tỷ đồng" in text
    assert "Tiếp nhận 760 hồ sơ" in text and "giải quyết xong 712 hồ sơ" in text
    assert "31.402 đối tượng bảo trợ xã hội" in text and "180.321 lượt trợ cấp với kinh phí 126 tỷ đồng" in text
    assert ("giải quyết việc làm mới cho 11.000 lao động, đạt 68,75% kế hoạch năm (16.000 lao động), trong đó: "
            "3.000 lao động từ nguồn vốn vay giải quyết việc làm; 1.000 lao động được tạo việc làm mới từ các "
            "chương trình phát triển kinh tế - xã hội; 7.000 lao động đi làm việc tại các khu công nghiệp ngoài tỉnh"
            ) in text
    assert "cho vay 2.364 dự án với doanh số cho vay hơn 105,2 tỷ đồng, tạo việc làm, duy trì và mở rộng việc làm cho 3.000 lao động" in text
    assert "lũy kế đến ngày 30/06/2022 toàn tỉnh đã phê duyệt hỗ trợ" in text and "là 126 tỷ đồng" in text
    # Targets for the second half from the plans: the new-jobs target grouped, rate targets as entered.
    assert "NHIỆM VỤ, GIẢI PHÁP 6 THÁNG CUỐI NĂM 2022" in text
    assert "Phấn đấu giải quyết việc làm mới cho 16.000 lao động; tỷ lệ lao động qua đào tạo đạt 60%; mức giảm tỷ lệ hộ nghèo từ 2,5% trở lên." in text
    # Nothing adds trên or khoảng; no raw numbers.
    assert " trên " not in text and "khoảng" not in text and "11000" not in text and "." not in "12,20%"


@pytest.mark.parametrize(
    ("amount", "written"),
    [(850_000, "850.000 đồng"), (999_960, "999.960 đồng"), (6_000_000, "6 triệu đồng"),
     (4_350_000, "gần 4,4 triệu đồng"), (314_400_000, "314,4 triệu đồng"), (950_000_000, "950 triệu đồng"),
     (999_960_000, "gần 1 tỷ đồng"), (1_038_000_000, "hơn 1 tỷ đồng"), (1_150_000_000, "gần 1,2 tỷ đồng"),
     (3_600_000_000, "3,6 tỷ đồng"), (1_250_000_000_000, "1.250 tỷ đồng")],
)
def test_money_in_the_narrative(amount, written):
    text = render_narrative(summary(covid_support={"cumulative_amount_vnd": amount}))
    assert f"gặp khó khăn do đại dịch COVID-19 là {written}." in text


def test_sections_without_figures_are_left_out_and_the_heads_sections_follow():
    empty = summary(
        health_insurance={"cards_issued": 0},
        hunger_relief={"households": 0, "persons": 0, "rice_kg": 0, "cost_vnd": 0},
        gifts={"by_group": {}, "total": {"count": 0, "value_vnd": 0}},
        meritorious={"allowance_payments": 0, "allowance_amount_vnd": 0, "dossiers_received": 0,
                     "dossiers_resolved": 0},
        covid_support={"cumulative_amount_vnd": 0},
        employment={"new_jobs": 0, "plan": 0, "plan_rate": None, "by_channel": {},
                    "fund_loans": {"projects": 0, "amount_vnd": 0, "jobs": 0}},
    )
    paragraphs = narrative_paragraphs(empty, sections={
        "shortcomings": "Tiến độ giải ngân còn chậm.\n\nThiếu cán bộ chuyên trách ở cấp xã.",
        "next_tasks": "Đẩy mạnh tuyên truyền.",
        "recommendations": "Đề nghị Trung ương bổ sung kinh phí.",
    })
    text = "\n".join(paragraphs)
    for gone in ("bảo hiểm y tế", "cứu đói", "suất quà", "người có công", "đã giải quyết việc làm mới", "COVID-19"):
        assert gone not in text, gone
    assert "hộ nghèo" in text and "bảo trợ xã hội" in text
    headings = [p for p in paragraphs if p[:4] in ("I. K", "II. ", "III.", "IV. ")]
    assert headings == ["I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
                        "III. NHIỆM VỤ, GIẢI PHÁP 6 THÁNG CUỐI NĂM 2022", "IV. KIẾN NGHỊ, ĐỀ XUẤT"]
    assert "Tiến độ giải ngân còn chậm." in paragraphs and "Thiếu cán bộ chuyên trách ở cấp xã." in paragraphs
    assert paragraphs[-1] == "Đề nghị Trung ương bổ sung kinh phí."
    # Without the head's text, no empty heading: the recommendations are not numbered in vain.
    bare = narrative_paragraphs(empty)
    assert not any("TỒN TẠI" in p or "KIẾN NGHỊ" in p for p in bare)


def test_the_command_writes_the_narrative_of_the_records():
    """Records inside and outside the period; the text says exactly those of the period."""
    PlacementFactory(placed_on=dt.date(2022, 1, 1))
    PlacementFactory(placed_on=dt.date(2022, 6, 30), channel="employment_fund")
    PlacementFactory(placed_on=dt.date(2022, 7, 1))  # the second half
    LoanFactory(amount_vnd=1_038_000_000, borrower_type="cooperative", jobs=11, collateral="Nhà xưởng",
                disbursed_on=dt.date(2022, 2, 1))
    LoanFactory(amount_vnd=5, disbursed_on=dt.date(2021, 12, 31))
    PlanFactory(year=2022, target=32)
    PlanFactory(year=2023, target=40)
    out = StringIO()
    call_command("halfyear_summary", "--province", str(LANG_SON), "--year", "2022", "--half", "1",
                 "--format", "text", stdout=out)
    text = out.getvalue()
    assert "giải quyết việc làm mới cho 2 lao động, đạt 6,25% kế hoạch năm (32 lao động)" in text
    assert "1 lao động từ nguồn vốn vay giải quyết việc làm; 1 lao động đi làm việc tại các khu công nghiệp ngoài tỉnh" in text
    assert "cho vay 1 dự án với doanh số cho vay hơn 1 tỷ đồng, tạo việc làm, duy trì và mở rộng việc làm cho 11 lao động" in text
    assert "Phấn đấu giải quyết việc làm mới cho 32 lao động." in text
    # The second half's report works towards next year's plans.
    out = StringIO()
    call_command("halfyear_summary", "--province", str(LANG_SON), "--year", "2022", "--half", "2",
                 "--format", "text", stdout=out)
    assert "NHIỆM VỤ, GIẢI PHÁP 6 THÁNG ĐẦU NĂM 2023" in out.getvalue()
    assert "Phấn đấu giải quyết việc làm mới cho 40 lao động." in out.getvalue()
