"""Import benchmark: rows per second and peak memory of the import engine at province scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/welfare_bench \
        .venv/bin/python bench/import_bench.py [--households 100000] [--cards 200000] \
        [--formats csv,xlsx] [--xlsx-scale 0.25] [--reimport] [--keep DIR]

Generates synthetic rows for the communes of Lạng Sơn (households, then health-insurance cards,
some linked to those households and some with a citizen ID), as CSV and XLSX in a temporary
folder, migrates the configured database, and imports each file through the same engine as
the command (as an admin, everything in one transaction). Each import runs in its own child
process, so the peak RSS printed (resource.getrusage) is that import's own. Not part of the test
run (conventions.md, "Tests"): run it against a database of its own, never a real one.
"""

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FAMILY = ["Nguyễn", "Trần", "Lê", "Hoàng", "Vi", "Lường", "Nông", "Lăng", "Hà", "Đinh", "Lộc", "Mông"]
MIDDLE = ["Văn", "Thị", "Đức", "Thị Thu", "Văn Minh", "Ngọc", "Hữu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hoa", "Lan", "Mai", "Nam", "Sáu", "Thắng", "Tuấn", "Yến"]
HH = ["household_code", "commune_code", "head_name", "area_type", "village", "address", "head_id_number"]
CARD = ["card_number", "holder_name", "commune_code", "beneficiary_group", "issued_on",
        "valid_from", "valid_to", "holder_id_number", "household_code"]
GROUPS = ["poor", "near_poor", "meritorious", "social_protection", "ethnic_minority", "other"]


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "welfare.settings")
    import django

    django.setup()


def _name(i: int) -> str:
    """A name fixed by `i`, so that a citizen ID generated again carries the same name."""
    return f"{FAMILY[i % 12]} {MIDDLE[(i // 12) % len(MIDDLE)]} {GIVEN[(i // 84) % len(GIVEN)]}"


def household_rows(n: int, prefix: str, communes: list[int], id_offset: int = 0):
    """Households; a third of the heads with a citizen ID (serials from `id_offset`, so that two
    files can have IDs of their own)."""
    for i in range(n):
        # A valid citizen ID: 020 (Lạng Sơn), man of the 1900s, year, serial.
        serial = id_offset + i
        id_number = f"0200{50 + i % 50:02d}{serial:06d}" if i % 3 == 0 and serial < 1_000_000 else ""
        yield [f"{prefix}{i:07d}", communes[i % len(communes)], _name(i),
               "urban" if i % 9 == 0 else "rural", f"Thôn {i % 40 + 1}", f"Số {i % 300}", id_number]


def card_rows(n: int, prefix: str, hh_prefix: str, households: int, communes: list[int], id_offset: int,
              name_offset: int | None = None):
    """Cards: a third linked to the households by code, a fifth with a citizen ID (a person is
    created or linked). Holders are named after their ID's serial, or from `name_offset` on."""
    for i in range(n):
        with_household = i % 3 == 0 and households
        h = (i // 3) % households if households else 0
        household = f"{hh_prefix}{h:07d}" if with_household else ""
        commune = communes[h % len(communes)] if with_household else communes[i % len(communes)]
        # Some holders by citizen ID (a person is created or linked), others by name only.
        serial = id_offset + i
        id_number = f"0201{50 + i % 50:02d}{serial:06d}" if i % 5 == 1 and serial < 1_000_000 else ""
        issued = dt.date(2025, 1, 1) + dt.timedelta(days=i % 300)
        name = _name(serial if name_offset is None else name_offset + i)
        yield [f"{prefix}{i:010d}", name, commune, GROUPS[i % len(GROUPS)], issued.isoformat(),
               issued.isoformat(), dt.date(2025, 12, 31).isoformat(), id_number, household]


def write_csv(path: Path, header, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_xlsx(path: Path, header, rows) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(header)
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    workbook.save(path)


def step(kind: str, path: str, chunk: int | None, no_history: bool = False) -> None:
    """Child process: import one file, print what it measured as JSON."""
    _django()
    from welfare.imports import engine, registry

    if no_history:  # only to measure what keeping history costs; the engine always keeps it
        engine.USE_COPY = False  # the COPY path writes history rows too: measure the ORM's
        engine.bulk_create_with_history = (
            lambda objs, model, batch_size=None, **kw: model._default_manager.bulk_create(objs, batch_size=batch_size)
        )
        engine.bulk_update_with_history = (
            lambda objs, model, fields, batch_size=None, **kw: model._default_manager.bulk_update(
                objs, fields, batch_size=batch_size)
        )
    from welfare.imports.engine import run_import
    from welfare.imports.models import ImportRun, ImportSource

    run = ImportRun.objects.create(kind=kind, source=ImportSource.COMMAND, file_name=Path(path).name)
    started = time.perf_counter()
    with open(path, "rb") as stream:
        outcome = run_import(run=run, kind=registry.kind_for(kind), stream=stream, user=None,
                             chunk_rows=chunk)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "rows": outcome.rows, "added": outcome.added, "updated": outcome.updated,
        "unchanged": outcome.unchanged, "problems": outcome.problem_count,
        "first_problems": [p.line() for p in outcome.problems[:3]],
        "seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=200_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--xlsx-scale", type=float, default=0.25,
                        help="XLSX files hold this share of the rows (default 0.25: under 5 minutes)")
    parser.add_argument("--chunk", type=int, default=None, help="rows per chunk (IMPORTS_CHUNK_ROWS)")
    parser.add_argument("--reimport", action="store_true", help="also re-import the CSV households (updates)")
    parser.add_argument("--no-history", action="store_true",
                        help="measure without history rows (what simple_history costs); never in production")
    parser.add_argument("--keep", type=Path, help="write the files here instead of a temporary folder")
    parser.add_argument("--step", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step(args.step[0], args.step[1], args.chunk, args.no_history)
        return

    _django()
    from django.core.management import call_command
    from django.db import connection

    from welfare.areas.models import Commune

    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    call_command("migrate", verbosity=0)
    communes = list(Commune.objects.filter(province_id=20).order_by("code").values_list("code", flat=True))
    stamp = time.strftime("%H%M%S")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = []

    def run_step(kind: str, path: Path) -> dict:
        command = [sys.executable, __file__, "--step", kind, str(path)]
        if args.chunk:
            command += ["--chunk", str(args.chunk)]
        if args.no_history:
            command.append("--no-history")
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
        if done.returncode:
            sys.exit(done.stderr)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        size_mb = path.stat().st_size / 1024 / 1024
        result.update(kind=kind, format=path.suffix[1:], file_mb=size_mb,
                      rows_per_s=result["rows"] / result["seconds"] if result["seconds"] else 0)
        results.append(result)
        print(f"{kind:16} {path.suffix[1:]:5} {result['rows']:>8,} rows  {result['seconds']:7.1f} s  "
              f"{result['rows_per_s']:>7,.0f} rows/s  peak RSS {result['peak_rss_mb']:6.0f} MB  "
              f"file {size_mb:5.1f} MB  added {result['added']:,} updated {result['updated']:,} "
              f"unchanged {result['unchanged']:,}  problems {result['problems']}"
              + (f"  {result['first_problems']}" if result["problems"] else ""), flush=True)
        return result

    for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
        writer = write_csv if fmt == "csv" else write_xlsx
        scale = 1 if fmt == "csv" else args.xlsx_scale
        households, cards = int(args.households * scale), int(args.cards * scale)
        hh_prefix = f"B{stamp}{fmt[0].upper()}-"
        started = time.perf_counter()
        hh_path = folder / f"households.{fmt}"
        writer(hh_path, HH, household_rows(households, hh_prefix, communes))
        card_path = folder / f"cards.{fmt}"
        id_offset = 0 if fmt == "csv" else 500_000
        writer(card_path, CARD, card_rows(cards, f"C{stamp}{fmt[0].upper()}", hh_prefix,
                                          households, communes, id_offset))
        print(f"generated {fmt}: {time.perf_counter() - started:.1f} s", flush=True)
        if households:
            run_step("households", hh_path)
        if cards:
            run_step("insurance_cards", card_path)
        if args.reimport and fmt == "csv" and args.households:
            run_step("households", hh_path)
    print(f"files in {folder}")


if __name__ == "__main__":
    main()
