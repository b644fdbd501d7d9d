"""Summary benchmark: the half-year summary at province scale against plain SQL (the limit).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/welfare_scale_full \
        .venv/bin/python bench/summary_bench.py [--province 20] [--repeat 5] [--explain]

Read-only: it only runs SELECTs, so it can run against the shared full-scale database
(`demo_data --province 20 --scale full`, bench/README.md). In one process (interpreter start-up
not counted), for the province's 2022 H1 and 2026 H2, for its busiest commune, and for all its
communes (at once with `summary_build_communes`, and one by one as the head's "build with
communes" job did), it times the summary (warmed once, then the median of `--repeat` runs)
and counts its queries (CaptureQueriesContext), and, in turns with it so that a busy machine
slows both alike, hand-written SQL aggregates over the same tables: one query per indicator
group through `connection.cursor()` (for all communes: the same queries grouped by commune).
It checks that their figures EQUAL the summary's (so the comparison is honest) and prints the
ratio ours / SQL (target: 2× at most).

It warns when the tables' planner statistics are missing or stale: right after a big import,
before ANALYZE (autovacuum is off on the CI server), PostgreSQL guesses one row where there are
thousands and picks plans that cost seconds; the figures would then measure that.

`--explain` prints EXPLAIN ANALYZE of every query the province's (or `--explain-commune`'s) summary runs.
"""

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.import_bench import _django  # noqa: E402

# ---------------------------------------------------------------------------------------------
# The limit: plain SQL, one query per indicator group. `{area}` is the WHERE clause that keeps the
# area's records (`t.commune_id` is the record's commune); `{key}`/`{group}` add the commune as a
# grouping key when every commune is computed in one pass.

SQL = {
    "poverty": """
        SELECT {key} count(*), count(*) FILTER (WHERE r.result = 'poor'),
               count(*) FILTER (WHERE r.result = 'near_poor')
        FROM households_povertyreview r JOIN households_household t ON t.id = r.household_id {join}
        WHERE {area} AND r.review_year = %(review_year)s AND r.status = 'recognised' {group}""",
    "cards": """
        SELECT {key} count(*) FROM households_insurancecard t {join}
        WHERE {area} AND t.issued_on BETWEEN %(start)s AND %(end)s {group}""",
    "hunger": """
        SELECT {key} count(DISTINCT t.household_id) + count(*) FILTER (WHERE t.household_id IS NULL),
               coalesce(sum(t.persons_covered), 0), coalesce(sum(t.rice_kg), 0), coalesce(sum(t.cost_vnd), 0)
        FROM relief_distribution t JOIN relief_reliefround rr ON rr.id = t.round_id {join}
        WHERE {area} AND rr.cause = 'hunger' AND t.distributed_on BETWEEN %(start)s AND %(end)s {group}""",
    "gifts": """
        SELECT {key} t.recipient_group, count(*), coalesce(sum(t.value_vnd), 0) FROM relief_gift t {join}
        WHERE {area} AND t.given_on BETWEEN %(start)s AND %(end)s GROUP BY {key} t.recipient_group""",
    "payments": """
        SELECT {key} t.programme, count(*), coalesce(sum(p.amount_vnd), 0)
        FROM beneficiaries_payment p JOIN beneficiaries_beneficiary t ON t.id = p.beneficiary_id {join}
        WHERE {area} AND p.kind = 'monthly' AND p.status = 'approved'
          AND p.month BETWEEN %(month_start)s AND %(month_end)s GROUP BY {key} t.programme""",
    "dossiers": """
        SELECT {key} count(*) FILTER (WHERE t.received_on BETWEEN %(start)s AND %(end)s),
               count(*) FILTER (WHERE t.status IN ('approved', 'rejected')
                                  AND t.decided_on BETWEEN %(start)s AND %(end)s)
        FROM beneficiaries_dossier t {join} WHERE {area} {group}""",
    "social": """
        SELECT {key} count(*) FROM beneficiaries_beneficiary t {join}
        WHERE {area} AND t.programme = 'social_protection' AND t.start_on <= %(end)s
          AND (t.end_on IS NULL OR t.end_on >= %(end)s) {group}""",
    "placements": """
        SELECT {key} t.channel, count(*) FROM employment_placement t {join}
        WHERE {area} AND t.placed_on BETWEEN %(start)s AND %(end)s GROUP BY {key} t.channel""",
    "loans": """
        SELECT {key} count(*), coalesce(sum(t.amount_vnd), 0), coalesce(sum(t.jobs), 0)
        FROM employment_loan t {join} WHERE {area} AND t.disbursed_on BETWEEN %(start)s AND %(end)s {group}""",
    "covid": """
        SELECT {key} coalesce(sum(t.amount_vnd), 0) FROM relief_covidsupport t {join}
        WHERE {area} AND t.approved_on <= %(end)s {group}""",
    "plans": """
        SELECT {key} t.indicator, t.target FROM reports_plan t
        WHERE {plan_area} AND t.year = %(year)s""",
}


def sql_run(cursor, name: str, *, level: str, code: int, period, grouped: bool = False) -> list[tuple]:
    from beneficiaries.models import month_start

    if level == "province":
        join, area = "JOIN areas_commune c ON c.code = t.commune_id", "c.province_id = %(code)s"
        plan_area = "t.commune_id IS NULL AND t.province_id = %(code)s"
    else:
        join, area, plan_area = "", "t.commune_id = %(code)s", "t.commune_id = %(code)s"
    if grouped:  # every commune of the province, keyed by commune
        plan_area = "t.commune_id IN (SELECT code FROM areas_commune WHERE province_id = %(code)s)"
    key = "t.commune_id," if grouped else ""
    group = "GROUP BY t.commune_id" if grouped else ""
    sql = SQL[name].format(key=key, group=group, join=join, area=area, plan_area=plan_area)
    params = {
        "code": code, "year": period.year, "review_year": period.year - 1, "start": period.start,
        "end": period.end, "month_start": month_start(period.start), "month_end": month_start(period.end),
    }
    cursor.execute(sql, params)
    return cursor.fetchall()


def sql_figures(rows: dict[str, list[tuple]], period) -> dict:
    """The summary's keys (after area and period) from the rows of the SQL queries of one area."""
    from welfare.core.formatting import rate

    households, poor, near_poor = rows["poverty"][0] if rows["poverty"] else (0, 0, 0)
    by_group = {g: {"count": n, "value_vnd": v} for g, n, v in sorted(rows["gifts"])}
    payments = {prog: (n, v) for prog, n, v in rows["payments"]}
    merit, social = payments.get("merit", (0, 0)), payments.get("social_protection", (0, 0))
    received, resolved = rows["dossiers"][0] if rows["dossiers"] else (0, 0)
    by_channel = dict(sorted(rows["placements"]))
    new_jobs = sum(by_channel.values())
    plans = dict(rows["plans"])
    projects, loan_amount, loan_jobs = rows["loans"][0] if rows["loans"] else (0, 0, 0)
    hunger = rows["hunger"][0] if rows["hunger"] else (0, 0, 0, 0)
    plan = int(plans.get("new_jobs", 0))
    return {
        "poverty": {"review_year": period.year - 1, "households": households, "poor": poor,
                    "poor_rate": rate(poor, households), "near_poor": near_poor,
                    "near_poor_rate": rate(near_poor, households)},
        "health_insurance": {"cards_issued": rows["cards"][0][0] if rows["cards"] else 0},
        "hunger_relief": dict(zip(("households", "persons", "rice_kg", "cost_vnd"), hunger)),
        "gifts": {"by_group": by_group, "total": {"count": sum(g["count"] for g in by_group.values()),
                                                  "value_vnd": sum(g["value_vnd"] for g in by_group.values())}},
        "meritorious": {"allowance_payments": merit[0], "allowance_amount_vnd": merit[1],
                        "dossiers_received": received, "dossiers_resolved": resolved},
        "social_protection": {"beneficiaries": rows["social"][0][0] if rows["social"] else 0,
                              "payments": social[0], "amount_vnd": social[1]},
        "employment": {"new_jobs": new_jobs, "plan": plan, "plan_rate": rate(new_jobs, plan),
                       "by_channel": by_channel,
                       "fund_loans": {"projects": projects, "amount_vnd": loan_amount, "jobs": loan_jobs}},
        "covid_support": {"cumulative_amount_vnd": rows["covid"][0][0] if rows["covid"] else 0,
                          "as_of": period.end.isoformat()},
        "targets": {"new_jobs": plan, "trained_labour_rate": plans.get("trained_labour_rate", 0),
                    "poverty_rate_reduction": plans.get("poverty_rate_reduction", 0)},
    }


def sql_area(level: str, code: int, period) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        rows = {name: sql_run(cursor, name, level=level, code=code, period=period) for name in SQL}
    return sql_figures(rows, period)


def sql_communes(province: int, communes: list[int], period) -> dict[int, dict]:
    """Every commune's figures, one grouped pass per indicator group."""
    from django.db import connection

    per_commune: dict[int, dict[str, list]] = {c: defaultdict(list) for c in communes}
    with connection.cursor() as cursor:
        for name in SQL:
            if name == "plans":  # keyed by the plan's own commune
                cursor.execute(
                    "SELECT commune_id, indicator, target FROM reports_plan WHERE year = %s AND commune_id IN "
                    "(SELECT code FROM areas_commune WHERE province_id = %s)", [period.year, province])
                rows = cursor.fetchall()
            else:
                rows = sql_run(cursor, name, level="province", code=province, period=period, grouped=True)
            for row in rows:
                per_commune[row[0]][name].append(row[1:])
    return {c: sql_figures(rows, period) for c, rows in per_commune.items()}


# ---------------------------------------------------------------------------------------------


def timed_pair(ours, sql, repeat: int) -> tuple[float, object, float, object]:
    """Both warmed once, then run in turns (ours, SQL, ours, SQL…) so that a noisy neighbour
    slows both alike: the median of each and their last results."""
    ours_result, sql_result = ours(), sql()
    ours_times, sql_times = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        ours_result = ours()
        t1 = time.perf_counter()
        sql_result = sql()
        t2 = time.perf_counter()
        ours_times.append(t1 - t0)
        sql_times.append(t2 - t1)
    return statistics.median(ours_times), ours_result, statistics.median(sql_times), sql_result


def count_queries(func) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def strip(summary: dict) -> dict:
    from welfare.reports.summary import summary_to_jsonable

    figures = {k: v for k, v in summary.items() if k not in ("area", "period")}
    return summary_to_jsonable(figures)


def check_equal(label: str, ours: dict, sql: dict) -> None:
    ours, sql = strip(ours), strip(sql)
    if ours != sql:
        for key in ours:
            if ours[key] != sql.get(key):
                print(f"  MISMATCH {label} {key}: summary {ours[key]} / SQL {sql.get(key)}")
        raise SystemExit(f"{label}: the SQL figures differ from the summary's: the comparison would not be fair")


TABLES = ("households_povertyreview", "households_household", "households_insurancecard", "relief_distribution",
          "relief_gift", "relief_covidsupport", "beneficiaries_payment", "beneficiaries_beneficiary",
          "beneficiaries_dossier", "employment_placement", "employment_loan")


def stale_statistics() -> list[str]:
    """Tables changed by more than a tenth since they were last analysed: the planner then
    guesses (one row where there are 4,740) and picks nested loops that cost seconds; the
    figures would measure the missing ANALYZE, not the queries."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        # Changed a lot since the last ANALYZE, or never analysed (no statistics at all: a
        # database copied with `createdb -T` keeps its statistics, not its counters).
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) "
            "AND (n_mod_since_analyze > 0.1 * greatest(n_live_tup, 1000) "
            "     OR NOT EXISTS (SELECT 1 FROM pg_stats s WHERE s.tablename = relname)) ORDER BY relname",
            [list(TABLES)])
        return [row[0] for row in cursor.fetchall()]


def explain(area, period) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from welfare.reports.summary import summary_build

    with CaptureQueriesContext(connection) as ctx:
        summary_build(area=area, period=period)
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = [row[0] for row in cursor.fetchall()]
            print("\n" + query["sql"][:300])
            print("\n".join("    " + line for line in plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--communes-repeat", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--explain-commune", type=int, default=None, help="with --explain: this commune's summary")
    args = parser.parse_args()
    _django()

    from django.db import connection

    from welfare.areas.models import Commune
    from welfare.households.models import Household
    from welfare.reports.periods import Period, ReportArea
    from welfare.reports.summary import summary_build

    try:  # absent before issue 9: the same script measured the "before" figures
        from welfare.reports.summary import summary_build_communes
    except ImportError:
        summary_build_communes = None

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
          f"households: {Household.objects.count():,}")
    stale = stale_statistics()
    if stale:
        print(f"WARNING: statistics out of date (run ANALYZE, or wait for autovacuum): {', '.join(stale)}")
    province = ReportArea.province(args.province)
    if args.explain:
        area = ReportArea.commune(args.explain_commune) if args.explain_commune else province
        explain(area, Period(2022, 1))
        return

    communes = list(Commune.objects.filter(province_id=args.province).order_by("code").values_list("code", flat=True))
    # The commune with the most households: the heaviest single commune.
    busiest = (Household.objects.filter(commune__province_id=args.province).values("commune")
               .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("pk")).order_by("-n")
               .values_list("commune", flat=True).first()) or communes[0]
    commune_areas = {c: ReportArea.commune(c) for c in communes}

    rows = []
    for period in (Period(2022, 1), Period(2026, 2)):
        label = f"{period.year} H{period.half}"
        cases = [
            (f"province {args.province}, {label}", province, "province", args.province),
            (f"commune {busiest} (busiest), {label}", commune_areas[busiest], "commune", busiest),
        ]
        for name, area, level, code in cases:
            ours_s, ours, sql_s, sql = timed_pair(
                lambda: summary_build(area=area, period=period), lambda: sql_area(level, code, period), args.repeat)
            queries = count_queries(lambda: summary_build(area=area, period=period))
            check_equal(name, ours, sql)
            rows.append((name, ours_s, queries, sql_s, len(SQL)))
        if period == Period(2022, 1) and summary_build_communes is not None:
            name = f"all {len(communes)} communes at once (summary_build_communes), {label}"
            ours_s, ours, sql_s, sql = timed_pair(
                lambda: summary_build_communes(province=province, period=period),
                lambda: sql_communes(args.province, communes, period), args.communes_repeat)
            queries = count_queries(lambda: summary_build_communes(province=province, period=period))
            for c in communes:
                check_equal(f"{name}: {c}", ours[c], sql[c])
            rows.append((name, ours_s, queries, sql_s, len(SQL)))
        if period == Period(2022, 1):
            name = f"all {len(communes)} communes one by one, {label}"
            ours_s, ours, sql_s, sql = timed_pair(
                lambda: {c: summary_build(area=a, period=period) for c, a in commune_areas.items()},
                lambda: sql_communes(args.province, communes, period), args.communes_repeat)
            queries = count_queries(lambda: [summary_build(area=a, period=period) for a in commune_areas.values()])
            for c in communes:
                check_equal(f"{name}: {c}", ours[c], sql[c])
            rows.append((name, ours_s, queries, sql_s, len(SQL)))

    print("\nfigures equal to the plain SQL's in every case\n")
    print("| case | summary_build | queries | plain SQL | SQL queries | ours / SQL |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, ours_s, queries, sql_s, sql_q in rows:
        print(f"| {name} | {ours_s * 1000:,.0f} ms | {queries} | {sql_s * 1000:,.0f} ms | {sql_q} | "
              f"{ours_s / sql_s:.2f}× |")


if __name__ == "__main__":
    main()
