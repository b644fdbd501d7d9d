"""Reading an uploaded table row by row: CSV (UTF-8, with or without BOM) and XLSX.

Both readers stream: a CSV is decoded as it is read, an XLSX is opened with openpyxl's
read-only mode (rows parsed from the sheet's XML as they are asked for), so a province's file
of several hundred thousand rows never sits in memory. A file the engine cannot read raises
`FileProblem` with a message saying what to do.
"""

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old Excel 97–2003 (OLE) file
ZIP_MAGIC = b"PK\x03\x04"
BLOCK = 1 << 20


class FileProblem(Exception):
    """The file as a whole cannot be read (wrong format, wrong encoding)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """The rows of a file: `rows` yields (spreadsheet row number, cell values) from row 1."""

    rows: Iterator[tuple[int, tuple[Any, ...]]]
    total_rows: int  # an estimate for the progress bar (rows including the header)
    format: str

    def close(self) -> None:
        closer = getattr(self, "_close", None)
        if closer:
            closer()


def xls_message() -> str:
    return _(
        "This is an old Excel file (.xls). Open it in Excel and save it as "
        "“Excel Workbook (.xlsx)”, then import the .xlsx file."
    )


def not_utf8_message() -> str:
    return _(
        "The CSV file is not in UTF-8, so Vietnamese letters would be garbled. In Excel choose "
        "“Save As” and the type “CSV UTF-8 (Comma delimited)”, or import the .xlsx file instead."
    )


def unreadable_message(row: int, exc: Exception) -> str:
    return _("The file cannot be read from its row %(row)s on (%(error)s): save it again from "
             "Excel and import it again.") % {"row": row, "error": exc}


def unsupported_message() -> str:
    return _("Only CSV (UTF-8) and Excel .xlsx files can be imported.")


def file_format(name: str) -> str | None:
    """"csv", "xlsx", "xls" by the file's extension, else None."""
    lowered = name.lower().rsplit(".", 1)
    extension = lowered[1] if len(lowered) == 2 else ""
    if extension in ("csv", "txt"):
        return "csv"
    if extension in ("xlsx", "xlsm"):
        return "xlsx"
    if extension == "xls":
        return "xls"
    return None


def open_table(name: str, stream: BinaryIO) -> Table:
    """The table in `stream` (binary, seekable), read by the format its name and bytes say."""
    head = stream.read(8)
    stream.seek(0)
    fmt = file_format(name)
    if head.startswith(XLS_MAGIC) or fmt == "xls":
        raise FileProblem(xls_message())
    if head.startswith(ZIP_MAGIC) and fmt in ("xlsx", None, "csv"):
        return _xlsx_table(stream)
    if fmt == "xlsx":
        raise FileProblem(_("The file is not a valid .xlsx workbook."))
    if fmt == "csv":
        return _csv_table(stream)
    raise FileProblem(unsupported_message())


# --- CSV ----------------------------------------------------------------------------------------


def _csv_table(stream: BinaryIO) -> Table:
    lines = _utf8_check(stream)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    first = text.readline()
    text.seek(0)
    # Excel under a Vietnamese locale may separate with ";" (its list separator): accept it when
    # the header has semicolons and no commas.
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(text, delimiter=delimiter)

    def rows():
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                yield number, tuple(cells)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise FileProblem(unreadable_message(number + 1, exc)) from None

    table = Table(rows=rows(), total_rows=lines, format="csv")
    table._close = text.detach
    return table


def _utf8_check(stream: BinaryIO) -> int:
    """Refuse a CSV that is not UTF-8 before any row is read; count its lines on the way."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    last = b""
    try:
        while True:
            block = stream.read(BLOCK)
            if not block:
                decoder.decode(b"", final=True)
                break
            decoder.decode(block)
            lines += block.count(b"\n")
            last = block[-1:]
    except UnicodeDecodeError:
        raise FileProblem(not_utf8_message()) from None
    finally:
        stream.seek(0)
    return lines + (1 if last and last != b"\n" else 0)


# --- XLSX ---------------------------------------------------------------------------------------


def _xlsx_table(stream: BinaryIO) -> Table:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError):
        raise FileProblem(_("The file is not a valid .xlsx workbook.")) from None
    sheet = workbook.worksheets[0]
    total = sheet.max_row or 0  # from the sheet's declared dimension: for the progress bar only
    # Read-only mode trusts that declared dimension to bound the rows and columns it yields;
    # some programs write a wrong one (`A1`), which would silently drop every data row.
    sheet.reset_dimensions()

    def rows():
        number = 0
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, cells
        except (BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
            # A damaged sheet (ElementTree's ParseError is a SyntaxError).
            raise FileProblem(unreadable_message(number + 1, exc)) from None

    table = Table(rows=rows(), total_rows=total, format="xlsx")
    table._close = workbook.close
    return table
