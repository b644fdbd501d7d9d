"""Payment-run benchmark: time and peak memory of building and approving a province's monthly
runs, and of the summary's meritorious and social_protection figures over a half-year.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/welfare_bench \
        .venv/bin/python bench/payment_run_bench.py [--merit 20000] [--social 20000] [--months 6]

Lạng Sơn paid 22,837 person-times of meritorious allowances in the first half of 2022 (about
3,800 people a month): the defaults are five times that, in each programme. Generates people
and beneficiaries across the province's communes (bulk inserts, not part of the timing), then
builds, approves and sums one run per programme and month through the same services as the
job. Migrates the configured database; run it against a database of its own, never a real one.
Not part of the test run (conventions.md, "Tests").
"""

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MERIT_CASES = [
    ("g", "self", "invalid", 41),
    ("g", "self", "invalid", 61),
    ("c", "parent", "martyrs_1", None),
    ("c", "spouse", "martyrs_2", None),
    ("d", "self", "standard", None),
    ("h", "self", "sick_soldier", 55),
    ("i", "self", "toxic", 45),
    ("k", "self", "standard", None),
    ("g", "self", "invalid", 45),  # no schedule row: listed as not paid
]
SOCIAL_CASES = [["elderly_80"], ["elderly_no_carer"], ["disability_severe"], ["hiv_poor"], ["elderly_80", "disability_extreme"]]


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "welfare.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generate(merit: int, social: int) -> None:
    from django.db import transaction

    from beneficiaries.models import Beneficiary, Payment, PaymentRun
    from welfare.areas.models import Commune
    from welfare.households.models import Person

    communes = list(Commune.objects.filter(province_id=20).values_list("code", flat=True))
    with transaction.atomic():
        PaymentRun.objects.filter(province_id=20, commune__isnull=True).delete()
        Payment.objects.filter(beneficiary__code__startswith="B-").delete()
        Beneficiary.objects.filter(code__startswith="B-").delete()
        Person.objects.filter(full_name__startswith="Bench ").delete()
        people = [
            Person(
                full_name=f"Bench {i}",
                name_folded=f"bench {i}",
                birth_date=dt.date(1935 + i % 60, 1 + i % 12, 1 + i % 28),
                commune_id=communes[i % len(communes)],
            )
            for i in range(merit + social)
        ]
        Person.objects.bulk_create(people, batch_size=5000)
        rows = []
        for i, person in enumerate(people):
            common = {"person": person, "commune_id": person.commune_id, "start_on": dt.date(2020, 1, 1)}
            if i < merit:
                category, relation, sub_case, rate = MERIT_CASES[i % len(MERIT_CASES)]
                rows.append(Beneficiary(programme="merit", code=f"B-M-{i}", category=category, relation=relation,
                                        sub_case=sub_case, rate_percent=rate, **common))
            else:
                rows.append(Beneficiary(programme="social_protection", code=f"B-S-{i}",
                                        social_categories=SOCIAL_CASES[i % len(SOCIAL_CASES)], **common))
        Beneficiary.objects.bulk_create(rows, batch_size=5000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--merit", type=int, default=20_000)
    parser.add_argument("--social", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=6)
    args = parser.parse_args()
    _django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from beneficiaries.models import Payment, PaymentRun
    from beneficiaries.services import payment_run_approve, payment_run_build
    from welfare.accounts.models import User
    from welfare.reports.periods import Period, ReportArea
    from welfare.reports.summary import summary_build

    head = User.objects.filter(username="bench-head").first() or User.objects.create(
        username="bench-head", role="head", province_id=20
    )
    started = time.perf_counter()
    _generate(args.merit, args.social)
    print(f"database: {connection.vendor}; generated {args.merit:,} meritorious and {args.social:,} "
          f"social-protection beneficiaries in {time.perf_counter() - started:.1f} s")
    build_times, approve_times = [], []
    for programme in ("merit", "social_protection"):
        for m in range(1, args.months + 1):
            month = dt.date(2024, m, 1)
            run = PaymentRun.objects.create(programme=programme, province_id=20, month=month)
            t = time.perf_counter()
            run = payment_run_build(run_id=run.pk, user=head)
            build_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            payment_run_approve(user=head, run=run, expected_version=run.version)
            approve_times.append(time.perf_counter() - t)
            if m == 1:
                print(f"{programme} {month:%m/%Y}: {run.payments_count:,} payments, "
                      f"{run.total_vnd:,} VND, {len(run.problems):,} not paid")
    payments = sum(r for r in PaymentRun.objects.filter(province_id=20).values_list("payments_count", flat=True))
    total_build, total_approve = sum(build_times), sum(approve_times)
    print(f"build: {len(build_times)} runs in {total_build:.1f} s, {payments / total_build:,.0f} payments/s "
          f"(slowest run {max(build_times):.2f} s)")
    print(f"approve: {payments / total_approve:,.0f} payments/s (slowest run {max(approve_times):.2f} s)")
    t = time.perf_counter()
    summary = summary_build(area=ReportArea.province(20), period=Period(2024, 1))
    print(f"summary of the province, first half of 2024: {time.perf_counter() - t:.2f} s; "
          f"meritorious {summary['meritorious']['allowance_payments']:,} person-times, "
          f"social protection {summary['social_protection']['payments']:,} payments")
    print(f"peak RSS: {_peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
