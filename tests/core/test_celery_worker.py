"""A real Celery worker, on Redis, runs a task against the test database and stores its result."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django_celery_results.models import TaskResult

from tests.conftest import need

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def test_a_real_worker_runs_a_task_and_its_result_is_stored(redis_url):
    need(connection.vendor == "postgresql", "the real-worker test needs PostgreSQL (a database "
         "another process can open)")
    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER'] or ''}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}@"
        f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "welfare.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis_url,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "welfare", "worker", "--pool=solo",
         "--concurrency=1", "-Q", queue, "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        # Not the current app: the project's tasks must keep running eagerly in later tests.
        client = Celery(broker=redis_url, set_as_current=False)
        task_id = client.send_task("welfare.core.tasks.area_counts", queue=queue).id
        deadline = time.monotonic() + 60
        row = None
        while time.monotonic() < deadline:
            row = TaskResult.objects.filter(task_id=task_id, status="SUCCESS").first()
            if row or worker.poll() is not None:
                break
            time.sleep(0.3)
        assert row is not None, "no result from the worker:\n" + _output(worker)
        assert json.loads(row.result) == {"provinces": 34, "communes": 3321}
        assert row.task_name == "welfare.core.tasks.area_counts"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
    assert settings.CELERY_RESULT_BACKEND == "django-db"


def _output(worker) -> str:
    if worker.poll() is None:
        worker.terminate()
    out, _ = worker.communicate(timeout=15)
    return out.decode(errors="replace")[-3000:]
