"""The half-year report's files (issue 7, "Exports"): the XLSX of the figures with the commune
breakdown, the PDF with its font embedded, the DOCX in the Decree 30/2020/NĐ-CP layout, and the
command writing each of them to --output."""

import datetime as dt
import json
import shutil
import subprocess
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from tests.conftest import need
from tests.factories import (
    CHI_LANG,
    HUU_LUNG,
    GiftFactory,
    PlacementFactory,
    PlanFactory,
    PovertyReviewFactory,
    head,
)
from welfare.reports.exports import decree_30_date, report_document, summary_docx, summary_pdf, summary_xlsx
from welfare.reports.models import SummarySnapshot
from welfare.reports.periods import Period, ReportArea
from welfare.reports.snapshots import snapshot_approve, snapshot_build, snapshot_sections_save

pytestmark = pytest.mark.django_db

H1_2022 = Period(2022, 1)


@pytest.fixture
def records():
    """Eleven new jobs against a plan of 16 (68,75%), a gift of hơn 1 tỷ đồng, reviews of 2021;
    records in Hữu Lũng and Chi Lăng, and some outside the period."""
    PlanFactory(year=2022, indicator="new_jobs", target=16)
    for day in range(1, 9):
        PlacementFactory(placed_on=dt.date(2022, 3, day))
    for day in range(1, 4):
        PlacementFactory(commune_id=CHI_LANG, placed_on=dt.date(2022, 5, day))
    PlacementFactory(placed_on=dt.date(2022, 7, 1))  # the second half
    GiftFactory(value_vnd=1_038_000_000)
    GiftFactory(commune_id=CHI_LANG, recipient_group="elderly", value_vnd=500_000,
                given_on=dt.date(2021, 12, 31))  # before the period
    PovertyReviewFactory(income_per_capita_vnd=1_200_000)  # poor
    PovertyReviewFactory(income_per_capita_vnd=50_000_000, deprivations=[])  # not poor


def province_snapshot() -> SummarySnapshot:
    return snapshot_build(area=ReportArea.province(20), period=H1_2022, task_id="test")


def pdf_text(content: bytes, tmp_path) -> str:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_the_xlsx_has_the_period_in_its_title_and_the_jsons_figures(records):
    snapshot = province_snapshot()
    data = snapshot.data
    workbook = load_workbook(BytesIO(summary_xlsx(snapshot)))
    assert workbook.sheetnames == ["Tổng hợp", "Theo xã"]
    sheet = workbook["Tổng hợp"]
    assert sheet["A1"].value == "Báo cáo 6 tháng đầu năm 2022 – Tỉnh Lạng Sơn"
    assert "từ 01/01/2022 đến 30/06/2022" in sheet["A2"].value and "Dự thảo" in sheet["A2"].value
    # Every figure row names its JSON key: the value is the JSON's, typed, with its format.
    figures = {row[3].value: row[1] for row in sheet.iter_rows(min_row=5) if row[3].value}
    for key, cell in figures.items():
        value = data
        for part in key.split("."):
            value = value[part]
        assert cell.value == value, key
    assert figures["employment.new_jobs"].value == 11 and figures["employment.plan_rate"].value == 68.75
    assert figures["employment.plan_rate"].number_format == '0.00"%"'
    assert figures["gifts.total.value_vnd"].value == 1_038_000_000
    assert figures["gifts.total.value_vnd"].number_format == '#,##0" đ"'
    assert figures["employment.new_jobs"].number_format == "#,##0"
    assert "gifts.by_group.poor_household.count" in figures and "gifts.by_group.elderly.count" not in figures
    assert figures["poverty.poor"].value == 1 and figures["poverty.households"].value == 2


def test_the_province_xlsx_has_a_row_per_commune_from_their_snapshots(records, django_assert_max_num_queries):
    snapshot = province_snapshot()
    # Hữu Lũng's snapshot exists already (and is taken as it is); the others are built.
    snapshot_build(area=ReportArea.commune(HUU_LUNG), period=H1_2022)
    PlacementFactory(placed_on=dt.date(2022, 6, 1))  # after Hữu Lũng's snapshot was built
    workbook = load_workbook(BytesIO(summary_xlsx(snapshot)))
    sheet = workbook["Theo xã"]
    header = [cell.value for cell in sheet[4]]
    assert header[:3] == ["Mã", "Xã, phường", "Hộ nghèo (hộ)"] and "Việc làm mới (người)" in header
    jobs = header.index("Việc làm mới (người)")
    rows = {row[0]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    communes = SummarySnapshot.objects.filter(commune__province_id=20, year=2022, half=1)
    assert len(rows) == communes.count() + 1 == 66  # the province, then its 65 communes
    assert rows[20][1] == "Tỉnh Lạng Sơn" and rows[20][jobs] == 11
    assert rows[HUU_LUNG][1] == "Xã Hữu Lũng" and rows[HUU_LUNG][jobs] == 8  # as its snapshot holds
    assert rows[CHI_LANG][jobs] == 3 and rows[CHI_LANG][header.index("Hộ nghèo (hộ)")] == 0
    assert rows[HUU_LUNG][header.index("Trị giá quà (đồng)")] == 1_038_000_000
    assert rows[HUU_LUNG][header.index("Tỷ lệ hộ nghèo (%)")] == 50
    # Once every commune has its snapshot, reading them is one query, whatever their number.
    snapshot.refresh_from_db()
    with django_assert_max_num_queries(3):
        summary_xlsx(snapshot)


def test_a_commune_xlsx_has_only_its_figures(records):
    snapshot = snapshot_build(area=ReportArea.commune(CHI_LANG), period=H1_2022)
    workbook = load_workbook(BytesIO(summary_xlsx(snapshot)))
    assert workbook.sheetnames == ["Tổng hợp"]
    assert workbook["Tổng hợp"]["A1"].value == "Báo cáo 6 tháng đầu năm 2022 – Xã Chi Lăng"


def test_the_pdf_of_a_draft_and_of_the_approved_report(records, tmp_path):
    snapshot = province_snapshot()
    text = pdf_text(summary_pdf(snapshot), tmp_path)
    assert "UBND TỈNH LẠNG SƠN" in text and "SỞ NỘI VỤ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "BÁO CÁO" in text
    assert "Kết quả thực hiện công tác lao động, người có công và xã hội 6 tháng đầu năm 2022" in text
    assert "I. KẾT QUẢ THỰC HIỆN" in text and "toàn tỉnh" in text
    assert "68,75%" in text and "hơn 1 tỷ đồng" in text and "11 lao động" in text
    assert "Nơi nhận:" in text and "GIÁM ĐỐC" in text and "DỰ THẢO" in text

    lead = head()
    snapshot = snapshot_sections_save(user=lead, snapshot=snapshot, expected_version=snapshot.version,
                                      sections={"shortcomings": "Một số xã nhập số liệu chậm."})
    approved = snapshot_approve(user=lead, snapshot=snapshot, expected_version=snapshot.version)
    text = pdf_text(summary_pdf(approved), tmp_path)
    assert "DỰ THẢO" not in text
    day = approved.approved_at.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    assert f"Lạng Sơn, {decree_30_date(day)}" in text
    assert f"đã phê duyệt ngày {day:%d/%m/%Y}" in text
    assert "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN" in text and "Một số xã nhập số liệu chậm." in text


def test_the_pdf_embeds_its_font_and_names_a_commune(records, tmp_path):
    need(shutil.which("pdffonts") is not None, "pdffonts (poppler-utils) is not installed")
    snapshot = snapshot_build(area=ReportArea.commune(HUU_LUNG), period=H1_2022)
    path = tmp_path / "commune.pdf"
    path.write_bytes(summary_pdf(snapshot))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    lines = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert lines and all("Liberation-Serif" in line for line in lines)
    assert all(line.split()[-5] == "yes" for line in lines)  # emb
    text = pdf_text(path.read_bytes(), tmp_path)
    assert "UBND XÃ HỮU LŨNG" in text and "Hữu Lũng, ngày" in text and "toàn xã" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text


def test_the_docx_is_laid_out_as_decree_30_and_holds_the_reports_paragraphs(records):
    snapshot = province_snapshot()
    document = Document(BytesIO(summary_docx(snapshot)))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt in (13, 14)
    sizes = {run.font.size.pt for p in document.paragraphs for run in p.runs if run.font.size}
    assert sizes <= {13, 14}
    # The heading: a borderless table of two columns.
    heading = document.tables[0]
    assert len(heading.columns) == 2
    borders = heading._tbl.tblPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblBorders")
    assert borders is not None and all(edge.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == "nil" for edge in borders)
    left, right = (cell.text for cell in heading.rows[0].cells)
    assert "UBND TỈNH LẠNG SƠN" in left and "SỞ NỘI VỤ" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    texts = [p.text for p in document.paragraphs]
    assert "DỰ THẢO" in texts and "BÁO CÁO" in texts
    # The same paragraphs as the PDF, justified, indented 1 cm, 6 pt apart; headings bold.
    expected = [p.text for p in report_document(snapshot).paragraphs]
    body = [p for p in document.paragraphs if p.text in expected]
    assert [p.text for p in body] == expected
    assert any("68,75%" in text for text in expected) and any("hơn 1 tỷ đồng" in text for text in expected)
    for paragraph in body:
        assert paragraph.alignment == 3  # WD_ALIGN_PARAGRAPH.JUSTIFY
        assert round(paragraph.paragraph_format.first_line_indent.mm) == 10
        assert paragraph.paragraph_format.space_after.pt == 6
    assert body[0].text == "I. KẾT QUẢ THỰC HIỆN" and body[0].runs[0].bold
    closing = document.tables[1].rows[0].cells
    assert closing[0].text.startswith("Nơi nhận:") and "GIÁM ĐỐC" in closing[1].text


def test_dates_are_written_as_decree_30_says():
    assert decree_30_date(dt.date(2022, 2, 5)) == "ngày 05 tháng 02 năm 2022"
    assert decree_30_date(dt.date(2022, 7, 15)) == "ngày 15 tháng 7 năm 2022"


def test_the_approved_docx_has_no_draft_mark():
    snapshot = province_snapshot()
    lead = head()
    approved = snapshot_approve(user=lead, snapshot=snapshot, expected_version=snapshot.version)
    document = Document(BytesIO(summary_docx(approved)))
    texts = [p.text for p in document.paragraphs]
    assert "DỰ THẢO" not in " ".join(texts)
    assert "đã phê duyệt" in document.sections[0].footer.paragraphs[0].text


@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "docx"])
def test_the_command_writes_each_file_to_output_and_refuses_without_it(fmt, tmp_path):
    PlacementFactory(placed_on=dt.date(2022, 3, 1))
    with pytest.raises(CommandError, match="--output"):
        call_command("halfyear_summary", "--commune", str(HUU_LUNG), "--year", "2022", "--half", "1",
                     "--format", fmt, stdout=StringIO())
    out = tmp_path / f"report.{fmt}"
    call_command("halfyear_summary", "--commune", str(HUU_LUNG), "--year", "2022", "--half", "1",
                 "--format", fmt, "--output", str(out), stdout=StringIO())
    content = out.read_bytes()
    assert content.startswith(b"%PDF" if fmt == "pdf" else b"PK")
    if fmt == "xlsx":
        assert load_workbook(out)["Tổng hợp"]["A1"].value == "Báo cáo 6 tháng đầu năm 2022 – Xã Hữu Lũng"
    if fmt == "docx":
        assert any("giải quyết việc làm mới cho 1 lao động" in p.text for p in Document(out).paragraphs)
    # json still goes to standard output.
    stdout = StringIO()
    call_command("halfyear_summary", "--commune", str(HUU_LUNG), "--year", "2022", "--half", "1",
                 stdout=stdout)
    assert json.loads(stdout.getvalue())["employment"]["new_jobs"] == 1
