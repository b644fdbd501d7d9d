"""Standard levels, the meritorious amount schedules of 01/07/2023 and 01/07/2024, the
social-assistance coefficients and the social pension (domain.md, "People with meritorious
services" and "Social protection"). Rows the domain notes do not give (other sub-cases, the
amounts of Decree 75/2021) are entered by admins; every row stays editable in the admin.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

D = dt.date
JULY_2023, JUNE_2024, JULY_2024 = D(2023, 7, 1), D(2024, 6, 30), D(2024, 7, 1)
SCHEDULE_SOURCE = (
    "Văn bản hợp nhất 4804/VBHN-BLĐTBXH (Nghị định 75/2021/NĐ-CP, sửa đổi bởi "
    "Nghị định 55/2023/NĐ-CP và 77/2024/NĐ-CP)"
)

LEVELS = [
    ("merit", 1_624_000, D(2021, 9, 15), D(2023, 6, 30), "Nghị định 75/2021/NĐ-CP"),
    ("merit", 2_055_000, JULY_2023, JUNE_2024, "Nghị định 55/2023/NĐ-CP"),
    ("merit", 2_789_000, JULY_2024, None, "Nghị định 77/2024/NĐ-CP"),
    ("social_assistance", 360_000, D(2021, 7, 1), JUNE_2024, "Nghị định 20/2021/NĐ-CP, Điều 4"),
    ("social_assistance", 500_000, JULY_2024, None, "Nghị định 76/2024/NĐ-CP"),
    ("social_pension", 500_000, D(2025, 7, 1), None, "Nghị định 176/2025/NĐ-CP, Điều 3"),
]

# (category, sub_case, kind, supplement, rate_min, rate_max, from 01/07/2023, from 01/07/2024,
#  description)
RATES = [
    ("a", "full_time", "monthly", "", None, None, 2_297_000, 3_117_000, "Cán bộ lão thành cách mạng, diện thoát ly"),
    ("a", "full_time", "supplement", "service_year", None, None, 390_000, 529_000, "Phụ cấp mỗi năm hoạt động trước 1945 (diện thoát ly)"),
    ("a", "not_full_time", "monthly", "", None, None, 3_899_000, 5_291_000, "Cán bộ lão thành cách mạng, diện không thoát ly"),
    ("b", "standard", "monthly", "", None, None, 2_125_000, 2_884_000, "Cán bộ tiền khởi nghĩa"),
    ("c", "martyrs_1", "monthly", "", None, None, 2_055_000, 2_789_000, "Thân nhân của 01 liệt sĩ"),
    ("c", "martyrs_2", "monthly", "", None, None, 4_110_000, 5_578_000, "Thân nhân của 02 liệt sĩ"),
    ("c", "martyrs_3", "monthly", "", None, None, 6_165_000, 8_367_000, "Thân nhân của 03 liệt sĩ trở lên"),
    ("c", "standard", "supplement", "living_alone", None, None, 1_644_000, 2_231_000, "Thân nhân liệt sĩ sống cô đơn: trợ cấp nuôi dưỡng"),
    ("d", "standard", "monthly", "", None, None, 6_165_000, 8_367_000, "Bà mẹ Việt Nam anh hùng"),
    ("d", "standard", "supplement", "heroic_mother", None, None, 1_722_000, 2_337_000, "Phụ cấp Bà mẹ Việt Nam anh hùng"),
    ("dd", "standard", "monthly", "", None, None, 1_722_000, 2_337_000, "Anh hùng Lực lượng vũ trang nhân dân"),
    ("e", "standard", "monthly", "", None, None, 1_722_000, 2_337_000, "Anh hùng Lao động trong thời kỳ kháng chiến"),
    ("k", "standard", "monthly", "", None, None, 1_233_000, 1_673_000, "Người hoạt động cách mạng bị địch bắt tù, đày"),
    ("m", "certificate", "monthly", "", None, None, 2_055_000, 2_789_000, "Người có công giúp đỡ cách mạng: Kỷ niệm chương “Tổ quốc ghi công” hoặc Bằng “Có công với nước” trước CMT8"),
    ("m", "resistance_order", "monthly", "", None, None, 1_208_000, 1_639_000, "Người có công giúp đỡ cách mạng: Huân chương Kháng chiến"),
    ("d", "carer", "monthly", "", None, None, 2_055_000, 2_789_000, "Người phục vụ Bà mẹ Việt Nam anh hùng"),
    ("g", "carer", "monthly", "", None, None, 2_055_000, 2_789_000, "Người phục vụ thương binh có tỷ lệ tổn thương cơ thể từ 81% trở lên"),
]
# War invalids (Phụ lục II steps by 1 %: the points the domain notes give; admins add the rest).
for rate, old, new in [
    (21, 1_384_000, 1_878_000),
    (41, 2_702_000, 3_667_000),
    (61, 4_016_000, 5_450_000),
    (81, 5_335_000, 7_240_000),
    (100, 6_589_000, 8_941_000),
]:
    RATES.append(("g", "invalid", "monthly", "", rate, rate, old, new, f"Thương binh, tỷ lệ tổn thương cơ thể {rate}%"))
for rate, new in [(21, 1_552_000), (41, 3_015_000), (61, 4_543_000), (81, 6_005_000), (100, 7_397_000)]:
    RATES.append(("g", "invalid_b", "monthly", "", rate, rate, None, new, f"Thương binh loại B, tỷ lệ tổn thương cơ thể {rate}%"))
for low, high, old, new in [
    (41, 50, 2_145_000, 2_911_000),
    (51, 60, 2_673_000, 3_627_000),
    (61, 70, 3_406_000, 4_622_000),
    (71, 80, 3_927_000, 5_329_000),
    (81, 90, 4_700_000, 6_378_000),
    (91, 100, 5_235_000, 7_104_000),
]:
    RATES.append(("h", "sick_soldier", "monthly", "", low, high, old, new, f"Bệnh binh, tỷ lệ {low}–{high}%"))
for low, high, old, new in [
    (21, 40, 1_562_000, 2_120_000),
    (41, 60, 2_610_000, 3_542_000),
    (61, 80, 3_658_000, 4_964_000),
    (81, 100, 4_685_000, 6_358_000),
]:
    RATES.append(("i", "toxic", "monthly", "", low, high, old, new, f"Nhiễm chất độc hóa học, tỷ lệ {low}–{high}%"))

# (category, age_min, age_below, coefficient, level, description): Decree 20/2021/NĐ-CP, Art. 6;
# the social pension, Decree 176/2025/NĐ-CP, Art. 3.
COEFFICIENTS = [
    ("child_unsupported", None, 4, "2.5", "social_assistance", "Trẻ em dưới 4 tuổi không có nguồn nuôi dưỡng"),
    ("child_unsupported", 4, 16, "1.5", "social_assistance", "Trẻ em từ 4 đến dưới 16 tuổi không có nguồn nuôi dưỡng"),
    ("student_16_22", 16, 23, "1.5", "social_assistance", "Người từ 16 đến 22 tuổi đang học"),
    ("child_hiv", None, 4, "2.5", "social_assistance", "Trẻ em nhiễm HIV thuộc hộ nghèo dưới 4 tuổi"),
    ("child_hiv", 4, 16, "2.0", "social_assistance", "Trẻ em nhiễm HIV thuộc hộ nghèo từ 4 đến dưới 16 tuổi"),
    ("single_parent", None, None, "1.0", "social_assistance", "Người đơn thân nghèo đang nuôi con: mỗi con"),
    ("elderly_no_carer", 60, 80, "1.5", "social_assistance", "Người cao tuổi nghèo không có người phụng dưỡng, 60 đến dưới 80 tuổi"),
    ("elderly_no_carer", 80, None, "2.0", "social_assistance", "Người cao tuổi nghèo không có người phụng dưỡng, từ 80 tuổi"),
    ("elderly_75_difficult", 75, 80, "1.0", "social_assistance", "Người 75 đến dưới 80 tuổi thuộc hộ nghèo, cận nghèo ở vùng đặc biệt khó khăn"),
    ("elderly_80", 80, None, "1.0", "social_assistance", "Người từ 80 tuổi không có lương hưu, trợ cấp bảo hiểm xã hội"),
    ("elderly_community_care", None, None, "3.0", "social_assistance", "Người cao tuổi được nhận chăm sóc tại cộng đồng"),
    ("disability_extreme", None, 16, "2.5", "social_assistance", "Trẻ em khuyết tật đặc biệt nặng"),
    ("disability_extreme", 16, 60, "2.0", "social_assistance", "Người khuyết tật đặc biệt nặng"),
    ("disability_extreme", 60, None, "2.5", "social_assistance", "Người cao tuổi khuyết tật đặc biệt nặng"),
    ("disability_severe", None, 16, "2.0", "social_assistance", "Trẻ em khuyết tật nặng"),
    ("disability_severe", 16, 60, "1.5", "social_assistance", "Người khuyết tật nặng"),
    ("disability_severe", 60, None, "2.0", "social_assistance", "Người cao tuổi khuyết tật nặng"),
    ("child_under_3", None, 3, "1.5", "social_assistance", "Trẻ em dưới 3 tuổi thuộc hộ nghèo, cận nghèo ở vùng đặc biệt khó khăn"),
    ("hiv_poor", None, None, "1.5", "social_assistance", "Người nhiễm HIV thuộc hộ nghèo không có nguồn thu nhập ổn định"),
    ("social_pension", 70, None, "1.0", "social_pension", "Trợ cấp hưu trí xã hội (từ 75 tuổi; từ 70 đến dưới 75 tuổi thuộc hộ nghèo, cận nghèo)"),
]

# Default time limits for a new dossier: not given by the domain notes, marked unverified.
TIME_LIMITS = [("recognition", 20), ("allowance", 12), ("other", 15)]


def load(apps, schema_editor):
    Level = apps.get_model("beneficiaries", "StandardLevel")
    Rate = apps.get_model("beneficiaries", "AllowanceRate")
    Coefficient = apps.get_model("beneficiaries", "SocialCoefficient")
    TimeLimit = apps.get_model("beneficiaries", "DossierTimeLimit")
    for kind, amount, start, end, source in LEVELS:
        Level.objects.update_or_create(
            kind=kind, valid_from=start, defaults={"amount_vnd": amount, "valid_to": end, "legal_basis": source}
        )
    for category, sub_case, kind, supplement, low, high, old, new, description in RATES:
        for amount, start, end in ((old, JULY_2023, JUNE_2024), (new, JULY_2024, None)):
            if amount is None:
                continue
            Rate.objects.update_or_create(
                category=category,
                sub_case=sub_case,
                kind=kind,
                supplement=supplement,
                rate_min=low,
                valid_from=start,
                defaults={
                    "rate_max": high,
                    "amount_vnd": amount,
                    "valid_to": end,
                    "legal_basis": SCHEDULE_SOURCE,
                    # The sub-rows were re-read from a scraped table (domain.md).
                    "unverified": True,
                    "description": description,
                },
            )
    # Phụ lục IV: one-off payments as multiples of the standard level.
    Rate.objects.update_or_create(
        category="c",
        sub_case="standard",
        kind="one_off",
        supplement="",
        rate_min=None,
        valid_from=D(2021, 9, 15),
        defaults={
            "level_multiple": Decimal("20"),
            "legal_basis": "Nghị định 75/2021/NĐ-CP, Phụ lục IV",
            "unverified": True,
            "description": "Trợ cấp một lần khi truy tặng Bằng “Tổ quốc ghi công”",
        },
    )
    for category, low, below, coefficient, level, description in COEFFICIENTS:
        start = D(2025, 7, 1) if level == "social_pension" else D(2021, 7, 1)
        source = (
            "Nghị định 176/2025/NĐ-CP, Điều 3" if level == "social_pension" else "Nghị định 20/2021/NĐ-CP, Điều 6"
        )
        Coefficient.objects.update_or_create(
            category=category,
            age_min=low,
            valid_from=start,
            defaults={
                "age_below": below,
                "coefficient": Decimal(coefficient),
                "level": level,
                "legal_basis": source,
                "description": description,
            },
        )
    for kind, days in TIME_LIMITS:
        TimeLimit.objects.update_or_create(
            kind=kind,
            valid_from=D(2021, 12, 28),
            defaults={"days": days, "legal_basis": "Nghị định 131/2021/NĐ-CP", "unverified": True},
        )


def unload(apps, schema_editor):
    for name in ("StandardLevel", "AllowanceRate", "SocialCoefficient", "DossierTimeLimit"):
        apps.get_model("beneficiaries", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("beneficiaries", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
