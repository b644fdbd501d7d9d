"""Backup and restore (issue 8, item 8), the procedure of docs/backup.md: `pg_dump -Fc`, a fresh
database (`createdb`), `pg_restore --no-owner`; then `migrate --check` and the half-year summary
of the restored database are the original's, and an approved snapshot comes back unchanged."""

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from beneficiaries.models import PaymentRun
from beneficiaries.services import payment_run_approve, payment_run_build
from tests.conftest import need
from tests.factories import (
    HUU_LUNG,
    LANG_SON,
    BeneficiaryFactory,
    CovidSupportFactory,
    DistributionFactory,
    DossierFactory,
    GiftFactory,
    InsuranceCardFactory,
    LoanFactory,
    PlacementFactory,
    PovertyReviewFactory,
    head,
)
from welfare.reports.periods import Period, ReportArea
from welfare.reports.snapshots import snapshot_approve, snapshot_build

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
# The approved snapshots, whole rows (a draft is rebuilt by the summary command, with a new stamp).
APPROVED_SNAPSHOTS = (
    "select coalesce(json_agg(s order by s.id)::text, '') from reports_summarysnapshot s where s.status = 'approved'"
)


def _records() -> None:
    """A half-year with something in every section of the summary (2022 H1, Hữu Lũng)."""
    PovertyReviewFactory.create_batch(2, household__commune_id=HUU_LUNG)
    PovertyReviewFactory(household__commune_id=HUU_LUNG, income_per_capita_vnd=3_000_000, deprivations=[])
    InsuranceCardFactory.create_batch(2, commune_id=HUU_LUNG)
    DistributionFactory.create_batch(2)
    GiftFactory()
    CovidSupportFactory()
    DossierFactory()
    LoanFactory()
    PlacementFactory.create_batch(2)
    BeneficiaryFactory.create_batch(2, rate_percent=41)
    boss = head(LANG_SON)
    run = PaymentRun.objects.create(
        programme="merit", province_id=LANG_SON, commune_id=HUU_LUNG, month=dt.date(2022, 3, 1)
    )
    run = payment_run_build(run_id=run.pk, user=boss)
    payment_run_approve(user=boss, run=run, expected_version=run.version)
    snapshot = snapshot_build(area=ReportArea.province(LANG_SON), period=Period(2022, 1))
    snapshot_approve(user=boss, snapshot=snapshot, expected_version=snapshot.version)


def _summary(*args: str) -> str:
    out = io.StringIO()
    call_command("halfyear_summary", *args, "--year", "2022", "--half", "1", stdout=out)
    return out.getvalue()


def _run(*command: str, env: dict | None = None) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_a_dump_restored_into_a_fresh_database_gives_the_same_summary_and_snapshot(reference_loaded, tmp_path):
    need(connection.vendor == "postgresql", "backup and restore are PostgreSQL's (pg_dump, pg_restore)")
    need(shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None,
         "the PostgreSQL client programs are not installed")
    _records()
    original = {area: _summary(*area) for area in (("--province", "20"), ("--commune", str(HUU_LUNG)))}
    assert '"cards_issued": 2' in original[("--commune", str(HUU_LUNG))]  # data, not an empty period
    db = connection.settings_dict
    client_env = {
        **os.environ,
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"] or "",
        **({"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {}),
    }
    restored = f"{db['NAME']}_restored"
    dump = tmp_path / "welfare.dump"
    _run("pg_dump", "-Fc", "--file", str(dump), db["NAME"], env=client_env)
    _run("dropdb", "--if-exists", restored, env=client_env)
    _run("createdb", restored, env=client_env)
    try:
        _run("pg_restore", "--no-owner", "--exit-on-error", "--dbname", restored, str(dump), env=client_env)
        restored_env = {
            **client_env,
            "DJANGO_SETTINGS_MODULE": "welfare.settings",
            "DATABASE_URL": (
                f"postgres://{db['USER'] or ''}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@"
                f"{client_env['PGHOST']}:{client_env['PGPORT']}/{restored}"
            ),
        }
        _run(sys.executable, "manage.py", "migrate", "--check", env=restored_env)
        for area, json_text in original.items():
            again = _run(sys.executable, "manage.py", "halfyear_summary", *area, "--year", "2022", "--half", "1",
                         env=restored_env)
            assert again == json_text, f"the summary of {area} differs after the restore"
        snapshots = [
            _run("psql", "--no-psqlrc", "-At", "-d", name, "-c", APPROVED_SNAPSHOTS, env=client_env)
            for name in (db["NAME"], restored)
        ]
        assert '"status":"approved"' in snapshots[0] and snapshots[0] == snapshots[1]
    finally:
        _run("dropdb", "--if-exists", restored, env=client_env)
