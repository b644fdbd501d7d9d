"""A million-row import: rows per second, wall time and peak memory of the import engine on one
very large file, and proof that one bad row at its very end saves nothing (issue 8, item 5).

    createdb -h 127.0.0.1 -U postgres welfare_bench_million
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/welfare_bench_million \
        .venv/bin/python bench/import_million.py [--rows 1000000] [--kind job_placements] \
        [--bad-every N] [--skip-good] [--keep DIR]

The file is written row by row to a temporary folder (never held in memory), then imported
through the same engine as `import_records` (as an admin, one transaction, chunks of
`IMPORTS_CHUNK_ROWS`) in a child process of `import_bench.py`, so that the peak RSS printed is
the import's own. Then the same rows with one bad row appended are imported again: the run must
be refused and the number of records must not move. `--bad-every N` also spoils every N-th row
(a negative amount or a future date), to time an import that reports many problems.
It refuses SQLite (a million rows there says nothing about production) unless `--allow-sqlite`.
Not part of the test run (conventions.md, "Tests"); it stops by itself after `--rows` rows.
"""

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH = Path(__file__).resolve().parent / "import_bench.py"

from bench.import_bench import HH, _django, _name  # noqa: E402

PLACEMENT = ["commune_code", "worker_name", "channel", "placed_on", "employer"]
CHANNELS = ["employment_fund", "socioeconomic_programme", "industrial_zone_outside_province",
            "labour_export", "service_centre", "other"]
KINDS = {"job_placements": ("employment", "Placement"), "households": ("households", "Household")}


def placement_row(i: int, communes: list[int], bad: bool) -> list:
    placed = dt.date(2022, 1, 1) + dt.timedelta(days=i % 1400)
    if bad:  # an event date in the future
        placed = dt.date.today() + dt.timedelta(days=30)
    return [communes[i % len(communes)], _name(i), CHANNELS[i % len(CHANNELS)], placed.isoformat(),
            f"Công ty {i % 500}"]


def household_row(i: int, communes: list[int], bad: bool, prefix: str) -> list:
    return [f"{prefix}{i:08d}", communes[i % len(communes)], _name(i),
            "mountain" if bad else ("urban" if i % 9 == 0 else "rural"), f"Thôn {i % 40 + 1}", "", ""]


def write_file(path: Path, kind: str, rows: int, communes: list[int], *, bad_every: int, bad_last: bool,
               prefix: str) -> None:
    """Stream the rows to disk: one row in memory at a time."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PLACEMENT if kind == "job_placements" else HH)
        total = rows + (1 if bad_last else 0)
        for i in range(total):
            bad = (bad_last and i == rows) or (bad_every and i % bad_every == bad_every - 1)
            if kind == "job_placements":
                writer.writerow(placement_row(i, communes, bool(bad)))
            else:
                writer.writerow(household_row(i, communes, bool(bad), prefix))


def run_import(kind: str, path: Path) -> dict:
    """Import in a child process (its own peak RSS); wall time measured around it."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(BENCH), "--step", kind, str(path)],
                          capture_output=True, text=True, env=os.environ.copy())
    wall = time.perf_counter() - started
    if done.returncode:
        sys.exit(done.stderr)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = wall
    return result


def report(label: str, result: dict, file_rows: int, path: Path) -> None:
    rate = file_rows / result["seconds"] if result["seconds"] else 0
    print(f"{label:28} {file_rows:>10,} rows in file  import {result['seconds']:8.1f} s "
          f"(wall {result['wall_seconds']:.1f} s)  {rate:>8,.0f} rows/s  peak RSS {result['peak_rss_mb']:5.0f} MB  "
          f"file {path.stat().st_size / 1024 / 1024:6.1f} MB  saved rows {result['rows'] if not result['problems'] else 0:,}"
          f"  problems {result['problems']:,}" + (f"  first: {result['first_problems'][:2]}" if result["problems"] else ""),
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--kind", choices=sorted(KINDS), default="job_placements")
    parser.add_argument("--bad-every", type=int, default=0, help="also spoil every N-th row (0: none)")
    parser.add_argument("--skip-good", action="store_true", help="only the file with a bad last row")
    parser.add_argument("--allow-sqlite", action="store_true")
    parser.add_argument("--keep", type=Path, help="write the files here instead of a temporary folder")
    args = parser.parse_args()

    _django()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    from welfare.areas.models import Commune

    if connection.vendor == "sqlite" and not args.allow_sqlite:
        sys.exit("refused: DATABASE_URL points at SQLite; use a PostgreSQL bench database "
                 "(or --allow-sqlite for a quick try)")
    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}", flush=True)
    call_command("migrate", verbosity=0)
    model = apps.get_model(*KINDS[args.kind])
    communes = list(Commune.objects.filter(province_id=20).order_by("code").values_list("code", flat=True))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="import-million-"))
    folder.mkdir(parents=True, exist_ok=True)
    prefix = f"M{time.strftime('%H%M%S')}-"

    if not args.skip_good:
        path = folder / f"{args.kind}-good.csv"
        started = time.perf_counter()
        write_file(path, args.kind, args.rows, communes, bad_every=args.bad_every, bad_last=False, prefix=prefix)
        print(f"wrote {path.name}: {time.perf_counter() - started:.1f} s", flush=True)
        report("good rows" if not args.bad_every else f"every {args.bad_every}th row bad",
               run_import(args.kind, path), args.rows, path)
        connection.close()

    path = folder / f"{args.kind}-bad-last.csv"
    write_file(path, args.kind, args.rows, communes, bad_every=0, bad_last=True, prefix=prefix + "B")
    before = model._default_manager.count()
    result = run_import(args.kind, path)
    after = model._default_manager.count()
    report("one bad row at the end", result, args.rows + 1, path)
    verdict = "nothing saved" if after == before and result["problems"] == 1 else "WRONG: records changed"
    print(f"records of {model._meta.label} before {before:,}, after {after:,}: {verdict}", flush=True)
    if not args.keep:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()
    if verdict != "nothing saved":
        sys.exit(1)


if __name__ == "__main__":
    main()
