"""The two multidimensional poverty standards and their 12 indicators (domain.md, "Poverty
standard"). Editable afterwards in the admin; thresholds are marked unverified where they were
read only in secondary sources."""

from django.db import migrations

INDICATORS = [
    (1, "employment", "Việc làm", "Có ít nhất một người trong độ tuổi lao động thất nghiệp hoặc làm việc không có hợp đồng lao động"),
    (2, "employment", "Người phụ thuộc trong hộ gia đình", "Tỷ lệ người phụ thuộc trên tổng số nhân khẩu lớn hơn 50%"),
    (3, "health", "Dinh dưỡng", "Có trẻ em dưới 16 tuổi suy dinh dưỡng thấp còi hoặc nhẹ cân"),
    (4, "health", "Bảo hiểm y tế", "Có người từ 6 tuổi trở lên không có bảo hiểm y tế"),
    (5, "education", "Trình độ giáo dục của người lớn", "Có người từ 16 đến 30 tuổi không tham gia các khóa đào tạo hoặc không có bằng cấp, chứng chỉ phù hợp với độ tuổi"),
    (6, "education", "Tình trạng đi học của trẻ em", "Có trẻ em từ 3 đến dưới 16 tuổi không được học đúng bậc, cấp học phù hợp với độ tuổi"),
    (7, "housing", "Chất lượng nhà ở", "Nhà ở không bền chắc"),
    (8, "housing", "Diện tích nhà ở bình quân đầu người", "Diện tích nhà ở bình quân đầu người dưới 8 m²"),
    (9, "water", "Nguồn nước sinh hoạt", "Không tiếp cận được nguồn nước sạch"),
    (10, "water", "Nhà tiêu hợp vệ sinh", "Không sử dụng nhà tiêu hợp vệ sinh"),
    (11, "information", "Sử dụng dịch vụ viễn thông", "Không có thành viên sử dụng dịch vụ viễn thông"),
    (12, "information", "Phương tiện phục vụ tiếp cận thông tin", "Không có phương tiện phục vụ tiếp cận thông tin"),
]

STANDARDS = [
    {
        "code": "07/2021/NĐ-CP",
        "name": "Chuẩn nghèo đa chiều giai đoạn 2021–2025 (Nghị định 07/2021/NĐ-CP)",
        "first_review_year": 2021,
        "last_review_year": 2025,
        "rural_income_line": 1_500_000,
        "urban_income_line": 2_000_000,
        "rural_average_bound": 2_250_000,
        "urban_average_bound": 3_000_000,
        "average_bounds_unverified": False,
        "source": "Nghị định 07/2021/NĐ-CP, Điều 3; Nghị định 30/2025/NĐ-CP",
    },
    {
        "code": "351/2025/NĐ-CP",
        "name": "Chuẩn nghèo đa chiều giai đoạn 2026–2030 (Nghị định 351/2025/NĐ-CP)",
        "first_review_year": 2026,
        "last_review_year": 2029,
        "rural_income_line": 2_200_000,
        "urban_income_line": 2_800_000,
        "rural_average_bound": None,
        "urban_average_bound": None,
        "average_bounds_unverified": True,
        "source": "Nghị định 351/2025/NĐ-CP",
    },
]


def load(apps, schema_editor):
    Standard = apps.get_model("households", "PovertyStandard")
    Indicator = apps.get_model("households", "DeprivationIndicator")
    for values in STANDARDS:
        standard, _ = Standard.objects.update_or_create(code=values["code"], defaults=values)
        for number, dimension, name, threshold in INDICATORS:
            Indicator.objects.update_or_create(
                standard=standard,
                number=number,
                defaults={
                    "dimension": dimension,
                    "name": name,
                    "threshold": threshold,
                    "threshold_unverified": True,
                },
            )


def unload(apps, schema_editor):
    Standard = apps.get_model("households", "PovertyStandard")
    Standard.objects.filter(code__in=[s["code"] for s in STANDARDS], reviews__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
