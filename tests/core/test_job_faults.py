"""Background jobs under faults (issue 8, item 7).

- A worker killed (SIGKILL) in the middle of a summary snapshot or a payment run leaves nothing
  half-written: the task's writes are one transaction, rolled back by PostgreSQL when the
  worker's connection dies. Its Redis lock is a short lease, so the next run is not blocked;
  the next worker takes the same task again (Redis gives an unacknowledged task back after the
  visibility timeout) and a job started again completes.
- With Redis down, the pages answer at once, a job started is saved as waiting and its page
  says so; once Redis is back the waiting jobs are sent (`jobs_requeue`, or a worker starting)
  and complete.

The workers are real `celery worker` processes (solo pool: the task runs in the process the
test kills); `tests.fault_worker` makes the first one stop mid-way without a hook in the
project's code.
"""

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from beneficiaries.models import PaymentRun
from beneficiaries.services import payment_run_request
from tests.conftest import need
from tests.factories import (
    HUU_LUNG,
    LANG_SON,
    BeneficiaryFactory,
    HouseholdFactory,
    InsuranceCardFactory,
    PlacementFactory,
    head,
    officer,
)
from welfare.areas.models import Commune, Province
from welfare.core.models import Job
from welfare.core.selectors import job_status
from welfare.core.services import job_start
from welfare.reports.models import SummarySnapshot
from welfare.reports.periods import Period, ReportArea
from welfare.reports.snapshots import live_figures, lock_name
from welfare.reports.tasks import summary_snapshot_task

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DOWN_PORT = 6390  # our own redis-server, started and stopped here
H1_2022 = Period(2022, 1)
LEASE = 2  # seconds: the workers' lock lease and visibility timeout, short for the test


# --- helpers -----------------------------------------------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER'] or ''}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A `celery worker` process on the test database."""

    def __init__(self, *, broker: str, app: str = "welfare", **env: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", app, "worker", "--pool=solo", "--concurrency=1",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "welfare.settings",
                "DATABASE_URL": _database_url(),
                "CELERY_BROKER_URL": broker,
                "REDIS_URL": broker,
                "LOCK_LEASE_SECONDS": str(LEASE),
                "CELERY_VISIBILITY_TIMEOUT": str(LEASE),
                **env,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """As the OOM killer or a lost machine would: no clean-up of any kind."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            out, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, _ = self.process.communicate()
        return out.decode(errors="replace")[-3000:]


@contextmanager
def workers():
    started: list[Worker] = []

    def start(**kwargs) -> Worker:
        started.append(Worker(**kwargs))
        return started[-1]

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


def _reset_producers(app) -> None:
    from kombu import pools

    pools.reset()  # closes and forgets the connection pools of every broker used so far
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def queue_on(broker: str):
    """This process sends jobs to `broker` instead of running them eagerly (as a deployment's web
    process does); put back afterwards so that later tests run eagerly again."""
    from welfare.celery import app

    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    saved_env = os.environ.get("CELERY_BROKER_URL")
    # Celery reads CELERY_BROKER_URL from the environment before its own setting.
    os.environ["CELERY_BROKER_URL"] = broker
    app.conf.update(task_always_eager=False, broker_url=broker)
    _reset_producers(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        _reset_producers(app)


def wait_for(condition, *, seconds: float, what: str, worker: Worker | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.process.poll() is not None:
            break
        time.sleep(0.2)
    output = worker.stop() if worker is not None else ""
    pytest.fail(f"timed out waiting for {what}\n{output}")


def state(job: Job) -> str:
    return job_status(job=job)["state"]


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def redis_server(port: int = DOWN_PORT):
    """Our own redis-server, in memory only, stopped (even on failure) at the end."""
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: _port_open(port), seconds=10, what=f"redis-server on {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def need_postgresql():
    need(connection.vendor == "postgresql", "the fault tests' workers need PostgreSQL (a database "
         "other processes can open)")


def need_redis_server():
    need(shutil.which("redis-server") is not None, "redis-server is not installed")
    need(not _port_open(DOWN_PORT), f"port {DOWN_PORT} is taken: the Redis-down tests need it free")


def _fresh(url: str) -> str:
    import redis

    redis.Redis.from_url(url).flushdb()  # tasks left by an earlier, interrupted run
    return url


# --- a worker killed mid-way -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_snapshot_job_killed_mid_way_leaves_no_snapshot_and_the_next_worker_completes_it(
    reference_loaded, redis_url, tmp_path, login
):
    need_postgresql()
    broker = _fresh(redis_url)
    InsuranceCardFactory.create_batch(3, commune_id=HUU_LUNG, issued_on=dt.date(2022, 3, 1))
    PlacementFactory(commune_id=HUU_LUNG, placed_on=dt.date(2022, 4, 1))
    user = officer(HUU_LUNG)
    area = ReportArea.commune(HUU_LUNG)
    signal_file = tmp_path / "paused"
    with workers() as start, queue_on(broker):
        first = start(broker=broker, app="tests.fault_worker", FAULT_PAUSE="snapshot", FAULT_SIGNAL=str(signal_file))
        job = job_start(
            user=user, task=summary_snapshot_task, kind="halfyear_snapshot", label="H1 2022",
            kwargs={"level": "commune", "code": HUU_LUNG, "year": 2022, "half": 1},
        )
        wait_for(signal_file.exists, seconds=60, what="the task to reach its write", worker=first)
        first.kill()

        # The snapshot row was written, not committed: nothing of it is left.
        assert not SummarySnapshot.objects.exists()
        # The lock dies with its lease, not after the old 15 minutes.
        import redis

        assert 0 < redis.Redis.from_url(broker).pttl(f"welfare:lock:{lock_name(area, H1_2022)}") <= LEASE * 1000
        # The job's page does not claim success: it still says it is working.
        client = login(user)
        assert state(job) == "STARTED"
        html = client.get(f"/jobs/{job.pk}/").content.decode()
        assert 'data-state="STARTED"' in html and 'id="job-result" class="btn btn-primary d-none"' in html

        # A new worker gets the same task back from Redis and completes it.
        time.sleep(LEASE)
        second = start(broker=broker)
        wait_for(lambda: state(job) == "SUCCESS", seconds=60, what="the task to run again", worker=second)
    snapshot = SummarySnapshot.objects.get()
    assert snapshot.data == live_figures(area, H1_2022)
    assert snapshot.data["health_insurance"]["cards_issued"] == 3
    assert 'data-state="SUCCESS"' in client.get(f"/jobs/{job.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_payment_run_killed_mid_way_has_no_payments_and_built_again_it_pays_each_once(
    reference_loaded, redis_url, tmp_path
):
    need_postgresql()
    broker = _fresh(redis_url)
    paid = BeneficiaryFactory.create_batch(3, rate_percent=41)
    user = officer(HUU_LUNG)
    month = dt.date(2024, 7, 1)
    request = {"user": user, "programme": "merit", "province": Province.objects.get(pk=LANG_SON),
               "commune": Commune.objects.get(pk=HUU_LUNG), "month": month}
    signal_file = tmp_path / "paused"
    with workers() as start, queue_on(broker):
        first = start(broker=broker, app="tests.fault_worker", FAULT_PAUSE="payments", FAULT_SIGNAL=str(signal_file))
        killed = payment_run_request(**request)
        wait_for(signal_file.exists, seconds=60, what="the task to write its payments", worker=first)
        first.kill()

        run = PaymentRun.objects.get()
        assert run.payments.count() == 0  # three were inserted, none committed
        assert (run.built_at, run.payments_count, run.total_vnd) == (None, 0, 0)
        assert state(killed) != "SUCCESS"

        # The officer builds it again; the new worker also gets the killed task back. Both
        # complete on the run's row lock, and each beneficiary is paid once.
        time.sleep(LEASE)
        again = payment_run_request(**request)
        second = start(broker=broker)
        wait_for(lambda: state(again) == state(killed) == "SUCCESS", seconds=60, what="both builds",
                 worker=second)
    run.refresh_from_db()
    assert sorted(run.payments.values_list("beneficiary_id", flat=True)) == sorted(b.pk for b in paid)
    assert (run.payments_count, run.total_vnd, run.problems) == (3, 3 * 3_667_000, [])


# --- Redis down --------------------------------------------------------------------------------


DOWN = f"redis://127.0.0.1:{DOWN_PORT}/0"
REDIS_DOWN_SETTINGS = {
    "REDIS_URL": DOWN,
    "CACHES": {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    },
}


def test_with_redis_down_the_pages_answer_and_a_job_waits_then_is_sent_when_redis_is_back(
    client, login, django_capture_on_commit_callbacks
):
    need_redis_server()
    household = HouseholdFactory(commune_id=HUU_LUNG)
    with override_settings(**REDIS_DOWN_SETTINGS), queue_on(DOWN):
        login(head(LANG_SON))
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/reports/summary/", {"year": 2022, "half": 1, "commune": ""})
        start_seconds = time.monotonic() - started
        job = Job.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
        assert start_seconds < 5, f"starting a job took {start_seconds:.1f} s with Redis down"
        assert job.waiting and job.task_kwargs == {"level": "province", "code": LANG_SON, "year": 2022, "half": 1}

        timings = {}
        for url in ("/", "/households/", f"/households/{household.pk}/", f"/jobs/{job.pk}/",
                    f"/jobs/{job.pk}/status/", "/reports/dashboard/"):
            started = time.monotonic()
            timings[url] = (client.get(url).status_code, time.monotonic() - started)
        assert {url: code for url, (code, _) in timings.items()} == dict.fromkeys(timings, 200)
        slow = {url: round(s, 2) for url, (_, s) in timings.items() if s > 2}
        assert not slow, f"pages held up by Redis being down: {slow}"

        # The job's page says the job waits for the queue.
        assert client.get(f"/jobs/{job.pk}/status/").json()["state"] == "WAITING"
        assert 'id="job-waiting"' in client.get(f"/jobs/{job.pk}/").content.decode()
        with pytest.raises(CommandError, match="still unreachable: 1 jobs"):
            call_command("jobs_requeue", stdout=open(os.devnull, "w"))

        # Redis is back: the administrator's command (or the beat, or a worker starting) sends it.
        with redis_server() as url:
            call_command("jobs_requeue", stdout=open(os.devnull, "w"))
            job.refresh_from_db()
            assert not job.waiting
            import redis

            assert redis.Redis.from_url(url).llen("celery") == 1  # queued for the workers
        assert client.get(f"/jobs/{job.pk}/status/").json()["state"] == "PENDING"


@pytest.mark.django_db(transaction=True)
def test_a_job_started_while_redis_is_down_completes_once_redis_and_a_worker_are_back(reference_loaded):
    need_postgresql()
    need_redis_server()
    PlacementFactory(commune_id=HUU_LUNG, placed_on=dt.date(2022, 4, 1))
    with queue_on(DOWN):
        job = job_start(
            user=officer(HUU_LUNG), task=summary_snapshot_task, kind="halfyear_snapshot", label="H1 2022",
            kwargs={"level": "commune", "code": HUU_LUNG, "year": 2022, "half": 1},
        )
        assert Job.objects.get(pk=job.pk).waiting and state(job) == "WAITING"
        with redis_server() as url, workers() as start:
            worker = start(broker=url)  # sends the waiting jobs as it starts, then runs them
            wait_for(lambda: state(job) == "SUCCESS", seconds=60, what="the waiting job", worker=worker)
    assert SummarySnapshot.objects.get().data["employment"]["new_jobs"] == 1
