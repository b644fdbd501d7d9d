"""The 12 policy groups of Resolution 68/NQ-CP (domain.md, "Employment": list UNVERIFIED, so
every row is marked to be checked and stays editable in the admin). A support row whose policy
equals a group's code ("68/NQ-CP-5") is linked to that group."""

from django.db import migrations

SOURCE = "Nghị quyết 68/NQ-CP; Quyết định 23/2021/QĐ-TTg (sửa đổi bởi Nghị quyết 126/NQ-CP, Quyết định 33/2021/QĐ-TTg)"
GROUPS = [
    "Giảm mức đóng bảo hiểm tai nạn lao động, bệnh nghề nghiệp",
    "Tạm dừng đóng vào quỹ hưu trí và tử tuất",
    "Hỗ trợ đào tạo duy trì việc làm cho người lao động",
    "Hỗ trợ người lao động tạm hoãn thực hiện hợp đồng lao động, nghỉ việc không hưởng lương",
    "Hỗ trợ người lao động ngừng việc",
    "Hỗ trợ người lao động chấm dứt hợp đồng lao động nhưng không đủ điều kiện hưởng trợ cấp thất nghiệp",
    "Hỗ trợ trẻ em và người đang điều trị COVID-19, cách ly y tế",
    "Hỗ trợ viên chức hoạt động nghệ thuật",
    "Hỗ trợ hướng dẫn viên du lịch",
    "Hỗ trợ hộ kinh doanh",
    "Cho vay trả lương ngừng việc, trả lương phục hồi sản xuất",
    "Hỗ trợ người lao động không có giao kết hợp đồng lao động và một số đối tượng đặc thù khác",
]


def load(apps, schema_editor):
    Group = apps.get_model("relief", "CovidPolicyGroup")
    for number, name in enumerate(GROUPS, 1):
        Group.objects.update_or_create(
            number=number,
            defaults={"code": f"68/NQ-CP-{number}", "name": name, "legal_basis": SOURCE, "unverified": True},
        )


def unload(apps, schema_editor):
    apps.get_model("relief", "CovidPolicyGroup").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("relief", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
