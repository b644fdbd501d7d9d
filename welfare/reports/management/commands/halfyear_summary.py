from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from welfare.areas.models import Commune, Province
from welfare.reports.exports import summary_docx, summary_pdf, summary_xlsx
from welfare.reports.narrative import render_narrative
from welfare.reports.periods import Period, ReportArea
from welfare.reports.snapshots import SECTION_FIELDS, snapshot_build
from welfare.reports.summary import summary_to_json

FORMATS = ["json", "text", "xlsx", "pdf", "docx"]
# The files (exports.py); they are written to --output only, never to standard output.
FILE_FORMATS = {"xlsx": summary_xlsx, "pdf": summary_pdf, "docx": summary_docx}


class Command(BaseCommand):
    help = (
        "Build (or rebuild, while not approved) the half-year summary of a province or a commune "
        "and write it (contract.md, 'Half-year summary'). Runs the summary task's code in-process, "
        "never waits for a worker; an approved summary is written as approved. xlsx, pdf and docx "
        "need --output."
    )

    def add_arguments(self, parser):
        area = parser.add_mutually_exclusive_group(required=True)
        area.add_argument("--province", type=int, metavar="CODE")
        area.add_argument("--commune", type=int, metavar="CODE")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--half", type=int, choices=[1, 2], required=True)
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", type=Path, metavar="PATH")

    def handle(self, *args, province, commune, year, half, format, output, **options):
        if format in FILE_FORMATS and output is None:
            raise CommandError(f"--format {format} writes a file: give its path with --output PATH")
        try:
            area = (
                ReportArea.province(province) if province is not None else ReportArea.commune(commune)
            )
        except (Province.DoesNotExist, Commune.DoesNotExist):
            which = f"province {province}" if province is not None else f"commune {commune}"
            raise CommandError(f"no {which}") from None
        if not 1900 <= year <= 2100:
            raise CommandError(f"--year {year} is out of range")
        snapshot = snapshot_build(area=area, period=Period(year, half), task_id="halfyear_summary")
        if format in FILE_FORMATS:
            output.write_bytes(FILE_FORMATS[format](snapshot))
            return
        if format == "text":
            sections = {field: getattr(snapshot, field) for field in SECTION_FIELDS}
            text = render_narrative(snapshot.data, sections=sections).rstrip("\n")
        else:
            text = summary_to_json(snapshot.data)
        if output:
            output.write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)
