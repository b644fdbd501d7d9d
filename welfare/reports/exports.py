"""The half-year report's files (issue 7, "Exports"): XLSX, PDF and DOCX of a `SummarySnapshot`,
written by `halfyear_summary --format xlsx|pdf|docx` and downloaded from the report page.

- `summary_xlsx`: the figures, typed and formatted (counts and money as numbers with grouping
  formats, rates with two decimals, dates as dates), the period in the title; one sheet of the
  area's figures section by section and, for a province, a sheet with one row per commune.
- `summary_pdf`: WeasyPrint, A4, the Decree 30/2020/NĐ-CP layout (issuing body and national
  heading, number, place and date, "BÁO CÁO" and its subject, the narrative, recipients and
  signature), Liberation Serif embedded (the metrics of Times New Roman, Vietnamese letters).
- `summary_docx`: python-docx, the same document for signing and sending: A4, margins 20/20/30/15
  mm, Times New Roman 13–14 pt, the heading as a borderless two-column table, paragraphs
  justified with a first-line indent of 1 cm.

The three are documents of the report: always in Vietnamese, whatever the interface language,
like the narrative they carry (`narrative.narrative_paragraphs`). A draft carries a visible
"DỰ THẢO" mark and leaves the day and month of the date line blank for the signature; an
approved report is dated with its approval.

Cost: the PDF and DOCX read only the snapshot (plus the approver and the commune or province
name). The province XLSX reads every commune snapshot of the period in one query; a commune
without one has it built (`snapshot_build`: one summary, a handful of aggregate queries, per
missing commune), and is stored, so the nightly run normally leaves nothing to build. Commune
snapshots are taken as they stand (an approved one as approved, a draft as last built).
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone, translation

from welfare.core.formatting import format_date
from welfare.core.xlsx import cell_safe

from .models import SummarySnapshot
from .narrative import narrative_paragraphs, period_words
from .periods import Period, ReportArea
from .snapshots import SECTION_FIELDS, snapshot_build

DOCUMENT_LANGUAGE = "vi"
PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# XLSX: welfare.core.xlsx.XLSX_CONTENT_TYPE
SUBJECT = "Kết quả thực hiện công tác lao động, người có công và xã hội"
DRAFT_MARK = "DỰ THẢO"
# A heading of the narrative: "I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, …" (narrative.txt).
_HEADING = re.compile(r"^[IVX]+\. \S")
_PLACE_PREFIXES = ("Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Đặc khu ", "Thị trấn ")


# --- The document (PDF and DOCX alike) ----------------------------------------------------------


@dataclass
class Paragraph:
    text: str
    heading: bool = False


@dataclass
class ReportDocument:
    """What the PDF and the DOCX write, in their order."""

    parent_body: str  # "UBND TỈNH LẠNG SƠN", or "" for a commune
    issuing_body: str  # "SỞ NỘI VỤ", "UBND XÃ HỮU LŨNG"
    number: str  # "Số:      /BC-SNV"
    place_date: str  # "Lạng Sơn, ngày 15 tháng 7 năm 2022"
    title: str  # "BÁO CÁO"
    subject: str  # "Kết quả … 6 tháng đầu năm 2022"
    area_name: str
    draft: bool
    status_line: str  # "DỰ THẢO – số liệu lập lúc …" or "Đã phê duyệt ngày …"
    paragraphs: list[Paragraph] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_capacity: list[str] = field(default_factory=list)  # ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    signer_name: str = ""


def _place(name: str) -> str:
    for prefix in _PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def decree_30_date(day: dt.date) -> str:
    """"ngày 05 tháng 02 năm 2022", "ngày 15 tháng 7 năm 2022": Decree 30/2020/NĐ-CP writes a
    day below 10 and the months 1 and 2 with a leading 0."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


def _sections(snapshot: SummarySnapshot) -> dict:
    return {name: getattr(snapshot, name) for name in SECTION_FIELDS}


def report_document(snapshot: SummarySnapshot) -> ReportDocument:
    """The report of a snapshot as Decree 30/2020/NĐ-CP lays out an administrative document."""
    data = snapshot.data
    period = Period(snapshot.year, snapshot.half)
    area_name = data.get("area", {}).get("name") or str(snapshot.commune or snapshot.province)
    province_name = snapshot.province.name
    if snapshot.level == "province":
        # After the 2025 reorganisation labour, meritorious people and social affairs belong to
        # the Department of Home Affairs (Sở Nội vụ) under the provincial People's Committee.
        parent_body = f"UBND {province_name.upper()}"
        issuing_body = "SỞ NỘI VỤ"
        number = "Số:        /BC-SNV"
        recipients = [
            "Bộ Nội vụ (b/c);",
            "UBND tỉnh (b/c);",
            "Lãnh đạo Sở;",
            "UBND các xã, phường;",
            "Lưu: VT, các phòng chuyên môn.",
        ]
        signer_capacity = ["GIÁM ĐỐC"]
    else:
        parent_body = ""
        issuing_body = f"UBND {area_name.upper()}"
        number = "Số:        /BC-UBND"
        recipients = [
            f"UBND {province_name[:1].lower() + province_name[1:]} (b/c);",
            "Sở Nội vụ (b/c);",
            "TT Đảng ủy, HĐND xã;",
            "Lưu: VT.",
        ]
        signer_capacity = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    place = _place(area_name)
    approved_on = _local_date(snapshot.approved_at) if snapshot.approved else None
    if approved_on:
        place_date = f"{place}, {decree_30_date(approved_on)}"
        status_line = f"Báo cáo đã phê duyệt ngày {format_date(approved_on)}"
    else:
        # A draft: the day and month are written when it is signed.
        year = timezone.localdate().year
        place_date = f"{place}, ngày      tháng      năm {year}"
        built = timezone.localtime(snapshot.built_at) if snapshot.built_at else None
        status_line = DRAFT_MARK + (
            f" – số liệu lập lúc {built:%H:%M} ngày {format_date(built.date())}" if built else ""
        )
    # The narrative's first two paragraphs are its title and the area's name: the heading says both.
    narrative = narrative_paragraphs(data, sections=_sections(snapshot))[2:]
    paragraphs = [Paragraph(text=p, heading=bool(_HEADING.match(p)) and p.upper() == p) for p in narrative]
    signer_name = ""
    if snapshot.approved and snapshot.approved_by_id:
        signer_name = snapshot.approved_by.get_full_name()
    return ReportDocument(
        parent_body=parent_body,
        issuing_body=issuing_body,
        number=number,
        place_date=place_date,
        title="BÁO CÁO",
        subject=f"{SUBJECT} {period_words(period)}",
        area_name=area_name,
        draft=not snapshot.approved,
        status_line=status_line,
        paragraphs=paragraphs,
        recipients=recipients,
        signer_capacity=signer_capacity,
        signer_name=signer_name,
    )


def summary_filename(snapshot: SummarySnapshot, extension: str) -> str:
    """"bao-cao-6-thang-2022-1-province-20.pdf"."""
    stem = f"bao-cao-6-thang-{snapshot.year}-{snapshot.half}-{snapshot.level}-{snapshot.area_code}"
    return f"{stem}.{extension}"


# --- PDF --------------------------------------------------------------------------------------


def summary_pdf(snapshot: SummarySnapshot) -> bytes:
    """The report as a PDF (WeasyPrint, A4, Liberation Serif embedded)."""
    from weasyprint import HTML

    with translation.override(DOCUMENT_LANGUAGE):
        html = render_to_string("reports/pdf/summary.html", {"doc": report_document(snapshot)})
    return HTML(string=html).write_pdf()


# --- DOCX -------------------------------------------------------------------------------------

DOCX_FONT = "Times New Roman"  # domain.md: the DOCX names it; Word has it wherever it is read
DOCX_MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


def summary_docx(snapshot: SummarySnapshot) -> bytes:
    """The report as a Word document in the Decree 30/2020/NĐ-CP layout, ready to sign."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt, RGBColor

    doc_data = report_document(snapshot)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(DOCX_MARGINS_MM["top"])
    section.bottom_margin = Mm(DOCX_MARGINS_MM["bottom"])
    section.left_margin = Mm(DOCX_MARGINS_MM["left"])
    section.right_margin = Mm(DOCX_MARGINS_MM["right"])
    text_width_mm = 210 - DOCX_MARGINS_MM["left"] - DOCX_MARGINS_MM["right"]

    # The default font: Times New Roman 14 pt for every script (East Asian included, so that
    # Word never substitutes another font for a Vietnamese letter).
    for style_name in ("Normal", "Header", "Footer"):
        style = document.styles[style_name]
        style.font.name = DOCX_FONT
        style.font.size = Pt(14 if style_name == "Normal" else 12)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), DOCX_FONT)
    # And the document's defaults, without the theme's fonts (a theme font would win over it).
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for fonts in defaults.iter(qn("w:rFonts")) if defaults is not None else ():
        for attribute in list(fonts.attrib):
            if attribute.lower().endswith("theme"):
                del fonts.attrib[attribute]
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), DOCX_FONT)
    for language in defaults.iter(qn("w:lang")) if defaults is not None else ():
        language.set(qn("w:val"), "vi-VN")  # spelling and hyphenation in Vietnamese
    normal = document.styles["Normal"]
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    document.core_properties.title = f"{doc_data.title} {doc_data.subject}"
    document.core_properties.subject = doc_data.area_name
    document.core_properties.language = "vi-VN"
    document.core_properties.author = doc_data.issuing_body

    def line(container, text, *, bold=False, italic=False, size=None, align=WD_ALIGN_PARAGRAPH.CENTER,
             space_after=0, colour=None):
        paragraph = container.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(space_after)
        if text:
            run = paragraph.add_run(text)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
            if colour:
                run.font.color.rgb = colour
        return paragraph

    def rule(container, width_mm, rule_mm):
        """The short line under a heading: an empty paragraph's bottom border between indents."""
        paragraph = container.add_paragraph()
        _paragraph_bottom_border(paragraph)  # first: pBdr comes before the spacing in pPr
        indent = Mm((width_mm - rule_mm) / 2)
        paragraph.paragraph_format.left_indent = indent
        paragraph.paragraph_format.right_indent = indent
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.line_spacing = Pt(4)
        return paragraph

    def columns(widths_mm):
        table = document.add_table(rows=1, cols=len(widths_mm))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _table_borders_none(table)
        for index, width in enumerate(widths_mm):
            table.columns[index].width = Mm(width)
            cell = table.rows[0].cells[index]
            cell.width = Mm(width)
            # A new cell holds one empty paragraph: the cell's lines replace it.
            cell._element.remove(cell.paragraphs[0]._element)
        return table.rows[0].cells

    # Page numbers at the top centre from the second page (Decree 30/2020, Appendix I); the
    # status (draft and when its figures were built, or the approval) at the foot of each page.
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)
    for footer in (section.footer, section.first_page_footer):
        status = footer.paragraphs[0]
        status.alignment = WD_ALIGN_PARAGRAPH.LEFT
        run = status.add_run(doc_data.status_line)
        run.italic = True
        run.font.size = Pt(9)

    if doc_data.draft:
        line(document, DRAFT_MARK, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=4,
             colour=RGBColor(0xB0, 0x00, 0x00))

    # The heading: the issuing body on the left, the national heading on the right, no borders.
    body_mm = 70
    left, right = columns([body_mm, text_width_mm - body_mm])
    if doc_data.parent_body:
        line(left, doc_data.parent_body, size=13)
    line(left, doc_data.issuing_body, bold=True, size=13)
    rule(left, body_mm, 25)
    line(left, doc_data.number, size=13)
    line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13)
    line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14)
    rule(right, text_width_mm - body_mm, 58)
    line(right, doc_data.place_date, italic=True, size=14)

    line(document, "", space_after=6)
    line(document, doc_data.title, bold=True, size=14)
    line(document, doc_data.subject, bold=True, size=14)
    rule(document, text_width_mm, 40)
    line(document, "", space_after=0)

    for item in doc_data.paragraphs:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.paragraph_format.space_after = Pt(6)
        paragraph.paragraph_format.line_spacing = 1.15
        if item.heading:
            paragraph.paragraph_format.keep_with_next = True
        run = paragraph.add_run(item.text)
        run.bold = item.heading

    # Recipients on the left, the signature on the right.
    line(document, "", space_after=6)
    recipients, signature = columns([80, text_width_mm - 80])
    line(recipients, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for recipient in doc_data.recipients:
        line(recipients, f"- {recipient}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    for capacity in doc_data.signer_capacity:
        line(signature, capacity, bold=True, size=14)
    for _ in range(4):
        line(signature, "")
    line(signature, doc_data.signer_name, bold=True, size=14)

    # The blanks of the number and of a draft's date are kept as typed (xml:space="preserve").
    for text in document.element.iter(qn("w:t")):
        text.set(qn("xml:space"), "preserve")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table_borders_none(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # In the schema's order: after tblW, jc and tblInd, before shd, tblLayout, tblCellMar, tblLook.
    table._tbl.tblPr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"
    )


def _paragraph_bottom_border(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr"
    )


def _page_field(paragraph) -> None:
    """A PAGE field: Word writes the page's number."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


# --- XLSX -------------------------------------------------------------------------------------

# Number formats: the file stores the format code; Excel and LibreOffice show the grouping and
# decimal separators of the reader's locale (with Vietnamese settings 1.730 and 12,20).
COUNT = "#,##0"
MONEY = '#,##0" đ"'
RATE = '0.00"%"'
TARGET_RATE = '0.##"%"'
DATE = "DD/MM/YYYY"


def _area_rows(data: dict) -> list[tuple]:
    """The area's figures section by section: (label, value, unit, number format, JSON key),
    a section's title as (title,)."""
    from employment.models import Channel
    from relief.models import RecipientGroup

    poverty = data["poverty"]
    insurance = data["health_insurance"]
    hunger = data["hunger_relief"]
    gifts = data["gifts"]
    merit = data["meritorious"]
    social = data["social_protection"]
    jobs = data["employment"]
    loans = jobs["fund_loans"]
    covid = data["covid_support"]
    targets = data["targets"]
    with translation.override(DOCUMENT_LANGUAGE):
        channels = {key: str(label) for key, label in Channel.choices}
        groups = {key: str(label) for key, label in RecipientGroup.choices}
    rows: list[tuple] = [
        (f"1. Hộ nghèo, hộ cận nghèo (kết quả rà soát năm {poverty['review_year']})",),
        ("Số hộ được rà soát", poverty["households"], "hộ", COUNT, "poverty.households"),
        ("Hộ nghèo", poverty["poor"], "hộ", COUNT, "poverty.poor"),
        ("Tỷ lệ hộ nghèo", poverty["poor_rate"], "%", RATE, "poverty.poor_rate"),
        ("Hộ cận nghèo", poverty["near_poor"], "hộ", COUNT, "poverty.near_poor"),
        ("Tỷ lệ hộ cận nghèo", poverty["near_poor_rate"], "%", RATE, "poverty.near_poor_rate"),
        ("2. Bảo hiểm y tế",),
        ("Thẻ bảo hiểm y tế đã cấp", insurance["cards_issued"], "thẻ", COUNT, "health_insurance.cards_issued"),
        ("3. Hỗ trợ gạo cứu đói",),
        ("Hộ được hỗ trợ", hunger["households"], "hộ", COUNT, "hunger_relief.households"),
        ("Nhân khẩu", hunger["persons"], "người", COUNT, "hunger_relief.persons"),
        ("Gạo", hunger["rice_kg"], "kg", COUNT, "hunger_relief.rice_kg"),
        ("Kinh phí", hunger["cost_vnd"], "đồng", MONEY, "hunger_relief.cost_vnd"),
        ("4. Tặng quà",),
    ]
    for key, figures in gifts["by_group"].items():
        name = groups.get(key, key)
        rows.append((f"{name}: số suất", figures["count"], "suất", COUNT, f"gifts.by_group.{key}.count"))
        rows.append((f"{name}: trị giá", figures["value_vnd"], "đồng", MONEY, f"gifts.by_group.{key}.value_vnd"))
    rows += [
        ("Tổng số suất quà", gifts["total"]["count"], "suất", COUNT, "gifts.total.count"),
        ("Tổng trị giá quà", gifts["total"]["value_vnd"], "đồng", MONEY, "gifts.total.value_vnd"),
        ("5. Người có công",),
        ("Chi trả trợ cấp thường xuyên", merit["allowance_payments"], "lượt", COUNT, "meritorious.allowance_payments"),
        ("Kinh phí trợ cấp thường xuyên", merit["allowance_amount_vnd"], "đồng", MONEY,
         "meritorious.allowance_amount_vnd"),
        ("Hồ sơ tiếp nhận", merit["dossiers_received"], "hồ sơ", COUNT, "meritorious.dossiers_received"),
        ("Hồ sơ giải quyết xong", merit["dossiers_resolved"], "hồ sơ", COUNT, "meritorious.dossiers_resolved"),
        ("6. Bảo trợ xã hội",),
        (f"Đối tượng hưởng trợ cấp hằng tháng đến {format_date(dt.date.fromisoformat(data['period']['end']))}",
         social["beneficiaries"], "người", COUNT, "social_protection.beneficiaries"),
        ("Lượt chi trả trợ cấp", social["payments"], "lượt", COUNT, "social_protection.payments"),
        ("Kinh phí chi trả", social["amount_vnd"], "đồng", MONEY, "social_protection.amount_vnd"),
        ("7. Giải quyết việc làm",),
        ("Lao động có việc làm mới", jobs["new_jobs"], "người", COUNT, "employment.new_jobs"),
        ("Kế hoạch năm", jobs["plan"], "người", COUNT, "employment.plan"),
        ("Tỷ lệ đạt kế hoạch năm", jobs["plan_rate"], "%", RATE, "employment.plan_rate"),
    ]
    for key, count in jobs["by_channel"].items():
        rows.append((f"Trong đó: {channels.get(key, key)}", count, "người", COUNT, f"employment.by_channel.{key}"))
    rows += [
        ("Dự án vay vốn giải quyết việc làm", loans["projects"], "dự án", COUNT, "employment.fund_loans.projects"),
        ("Doanh số cho vay", loans["amount_vnd"], "đồng", MONEY, "employment.fund_loans.amount_vnd"),
        ("Việc làm tạo ra, duy trì, mở rộng từ vốn vay", loans["jobs"], "người", COUNT,
         "employment.fund_loans.jobs"),
        ("8. Hỗ trợ người lao động, người sử dụng lao động gặp khó khăn do COVID-19",),
        (f"Lũy kế kinh phí đã phê duyệt đến {format_date(dt.date.fromisoformat(covid['as_of']))}",
         covid["cumulative_amount_vnd"], "đồng", MONEY, "covid_support.cumulative_amount_vnd"),
        (f"9. Chỉ tiêu kế hoạch năm {data['period']['year']}",),
        ("Giải quyết việc làm mới", targets["new_jobs"], "người", COUNT, "targets.new_jobs"),
        ("Tỷ lệ lao động qua đào tạo", targets["trained_labour_rate"], "%", TARGET_RATE, "targets.trained_labour_rate"),
        ("Mức giảm tỷ lệ hộ nghèo", targets["poverty_rate_reduction"], "%", TARGET_RATE,
         "targets.poverty_rate_reduction"),
    ]
    return rows


# The commune sheet: (header, unit, number format, path in the JSON).
COMMUNE_COLUMNS = [
    ("Hộ nghèo", "hộ", COUNT, ("poverty", "poor")),
    ("Tỷ lệ hộ nghèo", "%", RATE, ("poverty", "poor_rate")),
    ("Hộ cận nghèo", "hộ", COUNT, ("poverty", "near_poor")),
    ("Tỷ lệ hộ cận nghèo", "%", RATE, ("poverty", "near_poor_rate")),
    ("Thẻ BHYT đã cấp", "thẻ", COUNT, ("health_insurance", "cards_issued")),
    ("Hộ được cứu đói", "hộ", COUNT, ("hunger_relief", "households")),
    ("Gạo cứu đói", "kg", COUNT, ("hunger_relief", "rice_kg")),
    ("Suất quà", "suất", COUNT, ("gifts", "total", "count")),
    ("Trị giá quà", "đồng", MONEY, ("gifts", "total", "value_vnd")),
    ("Lượt chi trả trợ cấp người có công", "lượt", COUNT, ("meritorious", "allowance_payments")),
    ("Kinh phí trợ cấp người có công", "đồng", MONEY, ("meritorious", "allowance_amount_vnd")),
    ("Đối tượng bảo trợ xã hội", "người", COUNT, ("social_protection", "beneficiaries")),
    ("Việc làm mới", "người", COUNT, ("employment", "new_jobs")),
    ("Dự án vay vốn", "dự án", COUNT, ("employment", "fund_loans", "projects")),
    ("Doanh số cho vay", "đồng", MONEY, ("employment", "fund_loans", "amount_vnd")),
    ("Hỗ trợ COVID-19 lũy kế", "đồng", MONEY, ("covid_support", "cumulative_amount_vnd")),
]


def _dig(data: dict, path: tuple):
    for key in path:
        data = data[key]
    return data


def commune_snapshots(snapshot: SummarySnapshot) -> list[SummarySnapshot]:
    """The snapshots of the province's communes for the same period, one per commune, by code:
    one query for those that exist, and `snapshot_build` (one summary each) for those missing."""
    from welfare.areas.models import Commune

    period = Period(snapshot.year, snapshot.half)
    existing = {
        s.commune_id: s
        for s in SummarySnapshot.objects.filter(
            province_id=snapshot.province_id, commune__isnull=False, year=snapshot.year, half=snapshot.half
        ).select_related("commune")
    }
    result = []
    for commune in Commune.objects.filter(province_id=snapshot.province_id).order_by("code"):
        found = existing.get(commune.code)
        if found is None:
            area = ReportArea(level="commune", code=commune.code, name=commune.name, province_code=commune.province_id)
            found = snapshot_build(area=area, period=period, task_id="export")
            found.commune = commune
        result.append(found)
    return result


def _status_text(snapshot: SummarySnapshot) -> str:
    if snapshot.approved:
        return f"Đã phê duyệt ngày {format_date(_local_date(snapshot.approved_at))}"
    return "Dự thảo"


def summary_xlsx(snapshot: SummarySnapshot) -> bytes:
    """The figures as a workbook: "Tổng hợp" (the area's figures, section by section) and, for a
    province, "Theo xã" (one row per commune, from the communes' snapshots)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    data = snapshot.data
    period = Period(snapshot.year, snapshot.half)
    area_name = data["area"]["name"]
    title = f"Báo cáo {period_words(period)} – {area_name}"
    built = timezone.localtime(snapshot.built_at) if snapshot.built_at else None
    subtitle = (
        f"Số liệu từ {format_date(period.start)} đến {format_date(period.end)}"
        + (f"; lập lúc {built:%H:%M} ngày {format_date(built.date())}" if built else "")
        + f"; {_status_text(snapshot)}"
    )
    bold = Font(bold=True)
    title_font = Font(bold=True, size=14)
    thin = Side(style="thin", color="999999")
    boxed = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    section_fill = PatternFill("solid", fgColor="F2F2F2")
    wrap = Alignment(wrap_text=True, vertical="center")
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)

    workbook = Workbook()
    workbook.properties.title = title
    workbook.properties.language = "vi-VN"
    sheet = workbook.active
    sheet.title = "Tổng hợp"
    sheet["A1"] = title
    sheet["A1"].font = title_font
    sheet["A2"] = subtitle
    sheet["A2"].font = Font(italic=True)
    sheet.merge_cells("A1:D1")
    sheet.merge_cells("A2:D2")
    header_row = 4
    for column, text in enumerate(["Chỉ tiêu", "Số liệu", "Đơn vị", "Mã dữ liệu"], start=1):
        cell = sheet.cell(row=header_row, column=column, value=text)
        cell.font, cell.fill, cell.border, cell.alignment = bold, header_fill, boxed, centred
    row = header_row
    for item in _area_rows(data):
        row += 1
        if len(item) == 1:
            cell = sheet.cell(row=row, column=1, value=cell_safe(item[0]))
            cell.font = bold
            for column in range(1, 5):
                sheet.cell(row=row, column=column).fill = section_fill
                sheet.cell(row=row, column=column).border = boxed
            continue
        label, value, unit, number_format, key = item
        sheet.cell(row=row, column=1, value=cell_safe(label)).alignment = wrap
        figure = sheet.cell(row=row, column=2, value=value)
        figure.number_format = number_format
        sheet.cell(row=row, column=3, value=unit).alignment = Alignment(horizontal="center")
        code = sheet.cell(row=row, column=4, value=key)
        code.font = Font(color="808080", size=9)
        for column in range(1, 5):
            sheet.cell(row=row, column=column).border = boxed
    for letter, width in zip("ABCD", (62, 20, 10, 38), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToHeight = 0

    if snapshot.level == "province":
        communes = workbook.create_sheet("Theo xã")
        communes["A1"] = f"{title}: số liệu theo xã, phường"
        communes["A1"].font = title_font
        communes["A2"] = (
            f"Số liệu từ {format_date(period.start)} đến {format_date(period.end)}, theo báo cáo "
            "của từng xã, phường (dòng đầu: toàn tỉnh, tính từ hồ sơ của mọi xã, phường)"
        )
        communes["A2"].font = Font(italic=True)
        headers = ["Mã", "Xã, phường"] + [f"{name} ({unit})" for name, unit, _, _ in COMMUNE_COLUMNS] + ["Trạng thái"]
        header_row = 4
        for column, text in enumerate(headers, start=1):
            cell = communes.cell(row=header_row, column=column, value=text)
            cell.font, cell.fill, cell.border, cell.alignment = bold, header_fill, boxed, centred
        communes.row_dimensions[header_row].height = 48
        last_column = len(headers)

        def write(row_number, code, name, figures, status, font=None):
            values = [code, cell_safe(name)] + [_dig(figures, path) for *_, path in COMMUNE_COLUMNS] + [status]
            for column, value in enumerate(values, start=1):
                cell = communes.cell(row=row_number, column=column, value=value)
                cell.border = boxed
                if 3 <= column < last_column:
                    cell.number_format = COMMUNE_COLUMNS[column - 3][2]
                if font:
                    cell.font = font

        row = header_row + 1
        write(row, snapshot.province_id, area_name, data, _status_text(snapshot), font=bold)
        for commune_snapshot in commune_snapshots(snapshot):
            row += 1
            write(
                row,
                commune_snapshot.commune_id,
                commune_snapshot.commune.name,
                commune_snapshot.data,
                _status_text(commune_snapshot),
            )
        communes.column_dimensions["A"].width = 8
        communes.column_dimensions["B"].width = 24
        for column in range(3, last_column):
            communes.column_dimensions[get_column_letter(column)].width = 15
        communes.column_dimensions[get_column_letter(last_column)].width = 26
        communes.freeze_panes = communes.cell(row=header_row + 1, column=3)
        communes.auto_filter.ref = f"A{header_row}:{get_column_letter(last_column)}{row}"
        communes.print_title_rows = f"{header_row}:{header_row}"
        communes.page_setup.orientation = communes.ORIENTATION_LANDSCAPE
        communes.page_setup.paperSize = communes.PAPERSIZE_A4
        communes.sheet_properties.pageSetUpPr.fitToPage = True
        communes.page_setup.fitToWidth = 1
        communes.page_setup.fitToHeight = 0

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
