"""A real Celery worker, in another process, reads an uploaded file from the database and
imports it: the upload does not depend on the web machine's disk."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

from tests.conftest import need
from tests.factories import HUU_LUNG, officer
from welfare.households.models import Household
from welfare.imports.models import ImportFilePart, ImportRun
from welfare.imports.services import import_run_create

from .helpers import xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_imports_a_file_stored_in_the_database(redis_url, reference_loaded):
    need(connection.vendor == "postgresql", "the real-worker test needs PostgreSQL (a database "
         "another process can open)")
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER'] or ''}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@"
        f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    data = xlsx_bytes([["household_code", "commune_code", "head_name", "area_type"],
                       ["HL-W1", HUU_LUNG, "Nguyễn Văn An", "rural"],
                       ["HL-W2", HUU_LUNG, "Lê Thị Hoa", "urban"]])
    # Parts of 1 MiB: a small file is one part, in the database, not on a disk.
    run = import_run_create(user=officer(HUU_LUNG), kind="households", file_name="ho.xlsx",
                            chunks=[data[:100], data[100:]], dry_run=False)
    assert ImportFilePart.objects.filter(run=run).count() == 1
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "welfare.settings", "DATABASE_URL": database_url,
           "CELERY_BROKER_URL": redis_url}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "welfare", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        client = Celery(broker=redis_url, set_as_current=False)
        client.send_task("welfare.imports.tasks.import_records_task", kwargs={"run_id": run.pk},
                         queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            run.refresh_from_db()
            if run.finished:
                break
            time.sleep(0.3)
        assert run.status == "imported", run.status + "\n" + _output(worker)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert sorted(Household.objects.values_list("code", flat=True)) == ["HL-W1", "HL-W2"]
    assert ImportRun.objects.get(pk=run.pk).added == 2
    assert not ImportFilePart.objects.filter(run=run).exists()  # dropped once read


def _output(worker) -> str:
    if worker.poll() is None:
        worker.terminate()
    out, _ = worker.communicate(timeout=15)
    return out.decode(errors="replace")[-3000:]
