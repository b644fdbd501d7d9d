"""Build import files in tests: CSV (UTF-8, optionally with BOM or another encoding) and XLSX."""

import csv
import io
from pathlib import Path

from django.core.management import CommandError, call_command
from openpyxl import Workbook


def csv_bytes(rows, *, bom=False, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    # A letter the encoding lacks becomes "?", as a Windows code page saves it.
    data = buffer.getvalue().encode(encoding, errors="replace")
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(tmp_path: Path, name: str, rows, **kwargs) -> Path:
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows, **kwargs))
    return path


def run_command(kind: str, path: Path, *extra) -> tuple[int, list[str]]:
    """Run `import_records`; its exit status (0 or 1) and its output lines."""
    out = io.StringIO()
    try:
        call_command("import_records", kind, str(path), *extra, stdout=out)
        status = 0
    except CommandError:
        status = 1
    return status, [line for line in out.getvalue().splitlines() if line]


def run_as(user, kind: str, path: Path, *, dry_run: bool = False) -> tuple[bool, list[str]]:
    """Import as a user of the web page would (scoped to their areas), without the page."""
    from welfare.imports.services import import_execute, import_run_create

    data = path.read_bytes()
    run = import_run_create(user=user, kind=kind, file_name=path.name, chunks=[data], dry_run=dry_run)
    outcome = import_execute(run=run)
    lines = [p.line() for p in outcome.problems]
    return outcome.ok, lines or [outcome.summary_line()]
