"""Import at province scale against its limit (PostgreSQL COPY) and the usual choice
(django-import-export), in one run.

    createdb -h 127.0.0.1 -U postgres welfare_bench_imp      # once: a database of its own
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/welfare_bench_imp \\
        .venv/bin/python bench/import_compare.py [--households 40000] [--cards 80000] \\
        [--formats csv,xlsx] [--xlsx-scale 0.25] [--iex-rows 5000] [--keep DIR]

It works in a fresh database of its own, DATABASE_URL's name + "_compare" (dropped and created
again at each run; DATABASE_URL's own database is not touched, and the shared province
database is refused). For the `households` and `insurance_cards` kinds, from CSV and XLSX, it times in the same run:

- ours: the import engine (`run_import`, as `import_records`: an admin, one transaction), with
  new records written by COPY (the engine's path on PostgreSQL), and the same engine with
  `IMPORTS_USE_COPY` off (the ORM's bulk INSERT: the engine before issue 9);
- the limit: what the engine ends up writing (people, households, head members, cards and one
  history row each, with the same values) read from the same file with the plain reader
  (csv / openpyxl read-only) and written with psycopg 3's `cursor.copy()` into the same tables
  with their indexes, keys from the tables' sequences: no checks at all;
- the usual choice: django-import-export, one plain ModelResource per model as a Django team
  would write it (the head person and member created in the resource's save hooks),
  `import_data(dataset, dry_run=False, use_transactions=True)`, on the first `--iex-rows` rows
  of the same file (it is slow; rows per second is the comparison).

Each measurement runs in its own child process (peak RSS: its own VmHWM)
and inside a transaction rolled back at the end, so that every one sees the same database; the
commit is counted by none of them. Only the engine's import of the households is committed, as
the cards refer to those households. Memory is measured at two file sizes (a quarter and the
whole).
"""

import argparse
import csv
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_bench import CARD, HH, card_rows, household_rows, write_csv, write_xlsx  # noqa: E402

KINDS = ("households", "insurance_cards")


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "welfare.settings")
    import django

    django.setup()


# --- The files ----------------------------------------------------------------------------------


# --- Child steps --------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts again at exec; getrusage's
    ru_maxrss would keep the parent's peak from before the fork (the parent holds Django too)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(work, *, commit: bool = False) -> dict:
    """Run `work()` (returns a dict with "rows") in a transaction, rolled back unless `commit`."""
    from django.db import connection, transaction

    result = {}
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = work()
            result["seconds"] = time.perf_counter() - started
            if not commit:
                raise _Rollback
    except _Rollback:
        pass
    else:
        result["seconds_with_commit"] = time.perf_counter() - started
    result["peak_rss_mb"] = _peak_rss_mb()
    connection.close()
    return result


def step_engine(kind: str, path: str, mode: str) -> dict:
    from welfare.imports import engine, registry
    from welfare.imports.models import ImportRun, ImportSource

    engine.USE_COPY = mode != "orm"

    def work():
        run = ImportRun.objects.create(kind=kind, source=ImportSource.COMMAND, file_name=Path(path).name)
        with open(path, "rb") as stream:
            outcome = engine.run_import(run=run, kind=registry.kind_for(kind), stream=stream, user=None)
        if outcome.problem_count:
            raise SystemExit(f"{kind} {path}: {[p.line() for p in outcome.problems[:3]]}")
        return {"rows": outcome.rows, "added": outcome.added}

    return _measure(work, commit=mode == "commit")


def _read(path: str):
    """The data rows of a file as dicts, with the plain readers (what any loader must do)."""
    if path.endswith(".csv"):
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            for cells in reader:
                yield dict(zip(header, cells))
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        rows = workbook.active.iter_rows(values_only=True)
        header = next(rows)
        for cells in rows:  # a read-only row stops at its last filled cell
            yield {k: ("" if v is None else str(v)) for k, v in zip_longest(header, cells[:len(header)])}
        workbook.close()


class _Table:
    """COPY of one model's rows and their history rows, values in the model's column order."""

    def __init__(self, model, now, reason):
        from django.db import connection

        self.model = model
        opts = model._meta
        self.fields = list(opts.concrete_fields)
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        self.template = [f.get_default() if f.has_default() else (None if f.null else "") for f in self.fields]
        self.template[self.index["version"]] = 1
        self.template[self.index["created_at"]] = now
        self.template[self.index["updated_at"]] = now
        self.rows: list[list] = []
        self.seconds = 0.0  # in the database: keys fetched, rows COPYed
        history = model.history.model
        self.tracked = [self.index[f.attname] for f in history.tracked_fields]
        self.h_columns = [f.attname for f in history.tracked_fields] + [
            "history_date", "history_change_reason", "history_type", "history_user_id"]
        self.h_extra = [now, reason, "+", None]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [opts.db_table])
            self.sequence = cursor.fetchone()[0]

    def ids(self, n: int) -> list[int]:
        from django.db import connection

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [self.sequence, n])
            ids = [r[0] for r in cursor.fetchall()]
        self.seconds += time.perf_counter() - started
        return ids

    def add(self, **values) -> list:
        row = self.template.copy()
        for name, value in values.items():
            row[self.index[name]] = value
        self.rows.append(row)
        return row

    def write(self) -> None:
        from django.db import connection

        started = time.perf_counter()
        raw = connection.connection
        opts = self.model._meta
        with raw.cursor() as cursor:
            with cursor.copy(f'COPY "{opts.db_table}" ({", ".join(f.column for f in self.fields)}) '
                             "FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
            with cursor.copy(f'COPY "{self.model.history.model._meta.db_table}" '
                             f'({", ".join(self.h_columns)}) FROM STDIN') as copy:
                extra = self.h_extra
                for row in self.rows:
                    copy.write_row([row[i] for i in self.tracked] + extra)
        self.rows = []
        self.seconds += time.perf_counter() - started


def step_copy(kind: str, path: str) -> dict:
    """The limit: the rows the engine ends up writing, read and COPYed with no checks."""
    from django.db import connection
    from django.utils import timezone

    from welfare.core.text import fold
    from welfare.households.models import Household, InsuranceCard, Member, Person

    def work():
        now = timezone.now()
        reason = "import limit"
        people, households = _Table(Person, now, reason), _Table(Household, now, reason)
        members, cards = _Table(Member, now, reason), _Table(InsuranceCard, now, reason)
        rows = 0
        chunk = []

        def flush_households():
            person_ids = people.ids(len(chunk))
            household_ids = households.ids(len(chunk))
            member_ids = members.ids(len(chunk))
            for row, pid, hid, mid in zip(chunk, person_ids, household_ids, member_ids):
                commune, folded = int(row["commune_code"]), fold(row["head_name"])
                people.add(id=pid, full_name=row["head_name"], name_folded=folded,
                           id_number=row["head_id_number"] or None, commune_id=commune)
                households.add(id=hid, code=row["household_code"], commune_id=commune,
                               area_type=row["area_type"], village=row["village"], address=row["address"],
                               head_id=pid, head_name_folded=folded)
                members.add(id=mid, household_id=hid, person_id=pid, relation="head")
            people.write()
            households.write()
            members.write()

        def flush_cards():
            codes = {row["household_code"] for row in chunk if row["household_code"]}
            with connection.cursor() as cursor:
                cursor.execute("SELECT code, id FROM households_household WHERE code = ANY(%s)", [list(codes)])
                household_ids = dict(cursor.fetchall())
            for row in chunk:
                row["folded"] = fold(row["holder_name"])
            with_id = [row for row in chunk if row["holder_id_number"]]
            for row, pid in zip(with_id, people.ids(len(with_id))):
                people.add(id=pid, full_name=row["holder_name"], name_folded=row["folded"],
                           id_number=row["holder_id_number"], commune_id=int(row["commune_code"]))
                row["person_id"] = pid
            for row, cid in zip(chunk, cards.ids(len(chunk))):
                cards.add(id=cid, card_number=row["card_number"], holder_name=row["holder_name"],
                          holder_name_folded=row["folded"],
                          holder_id_number=row["holder_id_number"], person_id=row.get("person_id"),
                          household_id=household_ids.get(row["household_code"]),
                          commune_id=int(row["commune_code"]), beneficiary_group=row["beneficiary_group"],
                          issued_on=dt.date.fromisoformat(row["issued_on"][:10]),
                          valid_from=dt.date.fromisoformat(row["valid_from"][:10]),
                          valid_to=dt.date.fromisoformat(row["valid_to"][:10]))
            people.write()
            cards.write()

        flush = flush_households if kind == "households" else flush_cards
        for row in _read(path):
            chunk.append(row)
            rows += 1
            if len(chunk) == 2000:
                flush()
                chunk = []
        if chunk:
            flush()
        return {"rows": rows,
                "copy_seconds": sum(t.seconds for t in (people, households, members, cards))}

    return _measure(work)


def step_iex(kind: str, path: str) -> dict:
    """The usual choice: django-import-export, a plain ModelResource per model."""
    import import_export
    import tablib
    from import_export import fields, resources, widgets

    from welfare.areas.models import Commune
    from welfare.core.text import fold
    from welfare.households.models import Household, InsuranceCard, Member, Person, Relation

    class HouseholdResource(resources.ModelResource):
        code = fields.Field(attribute="code", column_name="household_code")
        commune = fields.Field(attribute="commune", column_name="commune_code",
                               widget=widgets.ForeignKeyWidget(Commune))

        class Meta:
            model = Household
            import_id_fields = ("code",)
            fields = ("code", "commune", "area_type", "village", "address")

        def before_save_instance(self, instance, row, **kwargs):
            instance.new_head = instance.pk is None
            if instance.new_head:  # the head: a person, then a member once the household is saved
                head = Person(full_name=row["head_name"], name_folded=fold(row["head_name"]),
                              id_number=row["head_id_number"] or None, commune_id=instance.commune_id)
                head.save()
                instance.head = head
                instance.head_name_folded = head.name_folded

        def after_save_instance(self, instance, row, **kwargs):
            if instance.new_head:
                Member.objects.create(household=instance, person=instance.head, relation=Relation.HEAD)

    class CardResource(resources.ModelResource):
        commune = fields.Field(attribute="commune", column_name="commune_code",
                               widget=widgets.ForeignKeyWidget(Commune))
        household = fields.Field(attribute="household", column_name="household_code",
                                 widget=widgets.ForeignKeyWidget(Household, field="code"))

        class Meta:
            model = InsuranceCard
            import_id_fields = ("card_number",)
            fields = ("card_number", "holder_name", "commune", "beneficiary_group", "issued_on",
                      "valid_from", "valid_to", "holder_id_number", "household")

        def before_save_instance(self, instance, row, **kwargs):
            instance.holder_name_folded = fold(instance.holder_name)
            if instance.holder_id_number:
                instance.person, _created = Person.objects.get_or_create(
                    id_number=instance.holder_id_number,
                    defaults={"full_name": instance.holder_name, "name_folded": instance.holder_name_folded,
                              "commune_id": instance.commune_id},
                )

    resource = HouseholdResource() if kind == "households" else CardResource()

    def work():
        with open(path, "rb") as handle:
            data = handle.read()
        dataset = tablib.Dataset().load(data.decode("utf-8") if path.endswith(".csv") else data,
                                        format="csv" if path.endswith(".csv") else "xlsx")
        result = resource.import_data(dataset, dry_run=False, use_transactions=True)
        if result.has_errors() or result.has_validation_errors():
            errors = [str(e.error) for _n, errs in result.row_errors()[:2] for e in errs[:1]]
            raise SystemExit(f"django-import-export {kind}: {errors or result.invalid_rows[:2]}")
        return {"rows": len(dataset), "version": import_export.__version__}

    return _measure(work)


STEPS = {"engine": step_engine, "copy": step_copy, "iex": step_iex}


def _scratch_database() -> str:
    """A fresh database next to DATABASE_URL's (its name + "_compare"), created for each run so
    that every run starts from the same empty tables; the URL's own database is not touched."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not url.startswith(("postgres://", "postgresql://")) or not name or "scale_full" in name:
        sys.exit("import_compare.py needs DATABASE_URL=postgres://... naming a database of its own")
    scratch = f"{name}_compare"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.execute(f'CREATE DATABASE "{scratch}"')
    return urlunsplit(parts._replace(path=f"/{scratch}"))


# --- The parent -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=40_000)
    parser.add_argument("--cards", type=int, default=80_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--xlsx-scale", type=float, default=0.25,
                        help="XLSX files hold this share of the rows (openpyxl is slow to write them)")
    parser.add_argument("--iex-rows", type=int, default=5000,
                        help="rows of each file django-import-export imports (it is slow)")
    parser.add_argument("--no-orm", action="store_true", help="skip the engine without COPY (before)")
    parser.add_argument("--keep", type=Path, help="write the files here instead of a temporary folder")
    parser.add_argument("--step", nargs=3, metavar=("STEP", "KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="copy", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        _django()
        name, kind, path = args.step
        result = step_engine(kind, path, args.mode) if name == "engine" else STEPS[name](kind, path)
        print(json.dumps(result))
        return

    url = _scratch_database()
    os.environ["DATABASE_URL"] = url
    _django()
    from django.core.management import call_command
    from django.db import connection

    from welfare.areas.models import Commune

    name = connection.settings_dict.get("NAME")
    import import_export

    print(f"database: {connection.vendor} {name}; django-import-export {import_export.__version__}",
          flush=True)
    call_command("migrate", verbosity=0)
    communes = list(Commune.objects.filter(province_id=20).order_by("code").values_list("code", flat=True))
    connection.close()
    stamp = time.strftime("%H%M%S")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="import-compare-"))
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    results: list[dict] = []

    def run(step: str, kind: str, path: Path, label: str, mode: str = "copy") -> dict:
        command = [sys.executable, __file__, "--step", step, kind, str(path), "--mode", mode]
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
        if done.returncode:
            sys.exit(done.stderr[-3000:] or done.stdout[-3000:])
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result.update(step=step, kind=kind, format=path.suffix[1:], label=label,
                      rows_per_s=result["rows"] / result["seconds"])
        results.append(result)
        if "copy_seconds" in result:
            result["copy_rows_per_s"] = result["rows"] / result["copy_seconds"]
        print(f"  {label:34} {kind:16} {path.suffix[1:]:4} {result['rows']:>8,} rows {result['seconds']:7.1f} s "
              f"{result['rows_per_s']:>8,.0f} rows/s  peak RSS {result['peak_rss_mb']:5.0f} MB"
              + (f"  (COPY alone {result['copy_seconds']:.1f} s, {result['copy_rows_per_s']:,.0f} rows/s)"
                 if "copy_seconds" in result else ""), flush=True)
        return result

    table = []
    for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
        writer = write_csv if fmt == "csv" else write_xlsx
        scale = 1 if fmt == "csv" else args.xlsx_scale
        sizes = {"households": int(args.households * scale), "cards": int(args.cards * scale)}
        hh_prefix = f"X{stamp}{fmt[0].upper()}-"
        # Each format's citizen IDs are its own, so no file links people another one created.
        id_offset = 0 if fmt == "csv" else 500_000
        started = time.perf_counter()
        files = {}
        for kind, n in (("households", sizes["households"]), ("insurance_cards", sizes["cards"])):
            for size, label in ((n, "full"), (n // 4, "quarter"), (min(args.iex_rows, n), "iex")):
                path = folder / f"{kind}-{label}.{fmt}"
                if kind == "households":
                    rows = household_rows(size, hh_prefix, communes, id_offset)
                    writer(path, HH, rows)
                else:
                    rows = card_rows(size, f"Y{stamp}{fmt[0].upper()}", hh_prefix, sizes["households"],
                                     communes, id_offset, name_offset=1_000_000)
                    writer(path, CARD, rows)
                files[kind, label] = path
        print(f"{fmt}: files generated in {time.perf_counter() - started:.1f} s", flush=True)
        for kind in KINDS:
            full, quarter, sample = files[kind, "full"], files[kind, "quarter"], files[kind, "iex"]
            figures = {
                "limit": run("copy", kind, full, "COPY (the limit)"),
                "iex": run("iex", kind, sample, "django-import-export"),
            }
            if not args.no_orm:
                figures["orm"] = run("engine", kind, full, "engine, ORM inserts (before)", "orm")
            figures["ours_quarter"] = run("engine", kind, quarter, "engine, COPY (quarter file)")
            # The households are committed last: the cards refer to them.
            figures["ours"] = run("engine", kind, full, "engine, COPY", "commit" if kind == "households" else "copy")
            table.append((fmt, kind, figures))

    if args.keep:
        print(f"\nfiles in {folder}; {time.perf_counter() - began:.0f} s in all\n")
    else:
        shutil.rmtree(folder)
        print(f"\n{time.perf_counter() - began:.0f} s in all\n")
    print("| kind | format | rows | ours rows/s | before (ORM) rows/s | read + COPY rows/s (COPY alone) | "
          "django-import-export rows/s (rows) | ours / import-export | read + COPY / ours (COPY alone / ours) "
          "| peak RSS ours: quarter → full file | import-export peak RSS |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for fmt, kind, f in table:
        ours, limit, iex = f["ours"], f["limit"], f["iex"]
        orm = f.get("orm")
        print(f"| {kind} | {fmt.upper()} | {ours['rows']:,} | {ours['rows_per_s']:,.0f} | "
              f"{orm['rows_per_s'] if orm else float('nan'):,.0f} | {limit['rows_per_s']:,.0f} "
              f"({limit['copy_rows_per_s']:,.0f}) | {iex['rows_per_s']:,.0f} ({iex['rows']:,}) | "
              f"{ours['rows_per_s'] / iex['rows_per_s']:.1f}× | {limit['rows_per_s'] / ours['rows_per_s']:.2f}× "
              f"({limit['copy_rows_per_s'] / ours['rows_per_s']:.2f}×) | "
              f"{f['ours_quarter']['peak_rss_mb']:.0f} MB ({f['ours_quarter']['rows']:,}) → "
              f"{ours['peak_rss_mb']:.0f} MB ({ours['rows']:,}) | {iex['peak_rss_mb']:.0f} MB |")
    print("\ntargets: ours / import-export ≥ 10×; read + COPY / ours ≤ 3×; peak RSS flat in file size. "
          "read + COPY: the file read with the plain reader and its rows COPYed with no checks; COPY alone: "
          "the database's part of it (keys fetched, rows COPYed).")
    if not args.no_orm:
        for fmt, kind, f in table:
            print(f"{kind} {fmt}: COPY path / ORM path = {f['ours']['rows_per_s'] / f['orm']['rows_per_s']:.2f}×")


if __name__ == "__main__":
    main()
