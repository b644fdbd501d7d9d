"""Employment benchmark: importing loans and job placements at province scale, then reading them
back as the overview page and the half-year summary do.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/welfare_bench \
        .venv/bin/python bench/employment_bench.py [--placements 100000] [--loans 20000] [--repeat 5]

Generates CSV files for the communes of Lạng Sơn (placements over four years by every channel, a
tenth with a citizen ID; loans of every borrower type within the caps), imports them through the
import engine as the command does (each in its own child process: `import_bench.py --step`, whose
peak RSS is that import's own), re-imports the loans (every row an update), then times the
employment overview's figures for the province and its communes (`employment.progress`), the
summary's `employment` key, and the overview page as the province's head sees it (its queries
counted). Not part of the test run (conventions.md, "Tests"): run it against a database of its
own, never a real one.
"""

import argparse
import csv
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_bench import _django, _name  # noqa: E402

CHANNELS = ["industrial_zone_outside_province", "employment_fund", "socioeconomic_programme", "labour_export",
            "service_centre", "other"]
PLACEMENT = ["commune_code", "worker_name", "channel", "placed_on", "employer", "worker_id_number"]
LOAN = ["loan_code", "commune_code", "borrower_name", "borrower_type", "amount_vnd", "disbursed_on", "jobs",
        "term_months"]
START = dt.date(2022, 1, 1)


def placement_rows(n: int, communes: list[int]):
    for i in range(n):
        # A valid citizen ID for a tenth: 020 (Lạng Sơn), a man of the 1900s, year, serial.
        id_number = f"0200{60 + i % 40:02d}{700_000 + i:06d}" if i % 10 == 0 and i < 300_000 else ""
        day = START + dt.timedelta(days=(i * 7) % 1400)
        yield [communes[i % len(communes)], _name(i), CHANNELS[i % 7 % 6], day.isoformat(),
               f"Công ty {i % 500}", id_number]


def loan_rows(n: int, communes: list[int], stamp: str, *, bump: int = 0):
    for i in range(n):
        kind = ("individual", "individual", "household_business", "business", "cooperative")[i % 5]
        jobs = 1 if kind == "individual" else 1 + i % 20
        amount = (30 + i % 70) * 1_000_000 if kind == "individual" else min(jobs * 90_000_000, 2_000_000_000)
        day = START + dt.timedelta(days=(i * 11) % 1400)
        yield [f"VL{stamp}-{i:07d}", communes[i % len(communes)], _name(i + 7), kind, amount - bump,
               day.isoformat(), jobs, 12 + i % 109]


def write_csv(path: Path, header, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def run_import(kind: str, path: Path) -> dict:
    command = [sys.executable, str(ROOT / "bench" / "import_bench.py"), "--step", kind, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    if done.returncode:
        sys.exit(done.stderr)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    rate = result["rows"] / result["seconds"] if result["seconds"] else 0
    print(f"import {kind:15} {result['rows']:>8,} rows  {result['seconds']:6.1f} s  {rate:>7,.0f} rows/s  "
          f"peak RSS {result['peak_rss_mb']:5.0f} MB  added {result['added']:,} updated {result['updated']:,}  "
          f"problems {result['problems']}" + (f" {result['first_problems']}" if result["problems"] else ""),
          flush=True)
    return result


def timed(label: str, func, repeat: int):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        value = func()
        times.append(time.perf_counter() - started)
    print(f"{label:52} median {statistics.median(times) * 1000:7.1f} ms  (min {min(times) * 1000:.1f}, "
          f"max {max(times) * 1000:.1f}, {repeat} runs)", flush=True)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--placements", type=int, default=100_000)
    parser.add_argument("--loans", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    _django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from employment import progress
    from employment.models import Loan, Placement
    from welfare.accounts.models import User
    from welfare.areas.models import Commune, Province
    from welfare.reports.periods import Period, ReportArea
    from welfare.reports.registry import registered

    print(f"database: {connection.vendor} {connection.settings_dict.get('NAME')}")
    call_command("migrate", verbosity=0)
    communes = list(Commune.objects.filter(province_id=20).order_by("code").values_list("code", flat=True))
    folder = Path(tempfile.mkdtemp(prefix="employment-bench-"))
    stamp = time.strftime("%H%M%S")
    placements, loans = folder / "placements.csv", folder / "loans.csv"
    write_csv(placements, PLACEMENT, placement_rows(args.placements, communes))
    write_csv(loans, LOAN, loan_rows(args.loans, communes, stamp))
    if args.placements:
        run_import("job_placements", placements)
    if args.loans:
        run_import("loans", loans)
        write_csv(loans, LOAN, loan_rows(args.loans, communes, stamp, bump=1))
        run_import("loans", loans)
    print(f"stored: {Placement.objects.count():,} placements, {Loan.objects.count():,} loans "
          f"in {len(communes)} communes", flush=True)

    province = Province.objects.get(code=20)
    area = ReportArea.province(20)
    employment = next(i for i in registered() if i.key == "employment").compute
    timed("summary key `employment`, province, 2023 H1", lambda: employment(area, Period(2023, 1)), args.repeat)
    timed("overview figures, province, 2023", lambda: progress.province_progress(province, 2023), args.repeat)
    rows = timed("overview figures, each commune of the province, 2023",
                 lambda: progress.province_communes_progress(province, 2023), args.repeat)
    print(f"  ({len(rows)} communes with records)")

    head, _created = User.objects.get_or_create(username="bench-head", defaults={"role": "head", "province_id": 20})
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(head, backend="welfare.accounts.backends.RoleBackend")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/employment/?year=2023")
    assert response.status_code == 200, response.status_code
    timed(f"overview page as the head ({len(queries)} queries)",
          lambda: client.get("/employment/?year=2023"), args.repeat)
    for name, url in (("placement list", "/employment/placements/?year=2023"),
                      ("loan list", "/employment/loans/?year=2023")):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        timed(f"{name}, first page ({len(queries)} queries)", lambda url=url: client.get(url), args.repeat)
    print(f"files in {folder}")


if __name__ == "__main__":
    main()
