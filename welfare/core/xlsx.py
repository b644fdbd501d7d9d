"""The one XLSX writer every export goes through.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read by a
spreadsheet as a formula (CSV/formula injection, OWASP): such text is written as a text cell
with a leading apostrophe (`'=HYPERLINK(...)`), as OWASP advises, so it shows as typed and never
runs, even when the file is saved again as CSV. Control characters a worksheet cannot hold (a
form may store them) are dropped rather than failing the whole export. Numbers and dates stay
typed.
Rows are streamed (write-only workbook), so memory stays flat for large exports.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_safe(value):
    """A value as it may go into a cell: text that looks like a formula is neutralised."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal | dt.date | dt.datetime):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class SheetWriter:
    """Write one or more sheets: a header row (bold), optionally a label row, then data rows."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        # Data rows written per sheet, headings left out: the access log's count of records.
        self.row_counts: list[int] = []

    def sheet(
        self,
        title: str,
        header: Sequence[str],
        rows: Iterable[Sequence],
        *,
        labels: Sequence[str] | None = None,
        widths: Sequence[int] | None = None,
    ) -> None:
        sheet = self.workbook.create_sheet(title=title[:31])
        for index, width in enumerate(widths or [max(12, min(40, len(h) + 4)) for h in header]):
            sheet.column_dimensions[_column_letter(index)].width = width
        bold = Font(bold=True)
        for heading_row in (header, labels):
            if heading_row is None:
                continue
            cells = []
            for text in heading_row:
                cell = WriteOnlyCell(sheet, value=cell_safe(text))
                cell.font = bold
                cells.append(cell)
            sheet.append(cells)
        count = 0
        for row in rows:
            sheet.append([_typed_cell(sheet, value) for value in row])
            count += 1
        self.row_counts.append(count)

    def to_bytes(self) -> bytes:
        buffer = BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def _typed_cell(sheet, value):
    safe = cell_safe(value)
    if isinstance(safe, dt.date) and not isinstance(safe, dt.datetime):
        cell = WriteOnlyCell(sheet, value=safe)
        cell.number_format = "DD/MM/YYYY"
        return cell
    return safe


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


class SheetBytes(bytes):
    """An .xlsx file's bytes that also say how many data rows its sheet holds (`rows`), so
    that the export's access-log entry can count the records without reading them twice."""

    rows: int | None = None


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence], **kwargs) -> SheetBytes:
    """One sheet as the bytes of an .xlsx file."""
    writer = SheetWriter()
    writer.sheet(title, header, rows, **kwargs)
    content = SheetBytes(writer.to_bytes())
    content.rows = writer.row_counts[0]
    return content


def filtered_list_download(request, content: bytes, *, what: str, filename: str):
    """A list page's export as a download named `<filename>-<yyyymmdd>.xlsx`, and who exported
    how many records of which list with which filters in the access log (Law 91/2025/QH15 on
    personal data). `what` is the list's name as users read it."""
    from django.http import HttpResponse
    from django.utils import timezone

    from welfare.audit.models import Action
    from welfare.audit.services import access_record, export_what

    access_record(
        request=request,
        action=Action.EXPORTED_LIST,
        what=export_what(label=what, params=request.GET),
        rows=getattr(content, "rows", None),
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response
