"""The Celery app for the fault tests' workers (tests/core/test_job_faults.py): the project's
app, with one write wrapped so that a task stops mid-way (after it wrote, before it commits),
tells the test by writing its process id to FAULT_SIGNAL, and sleeps until the test kills the
worker. FAULT_PAUSE names the write: `snapshot` (a summary snapshot's save) or `payments` (a
payment run's bulk insert of payments). Production code holds no hook for this."""

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "welfare.settings")
django.setup()

from welfare.celery import app  # noqa: E402  (the worker's app: the project's own)

__all__ = ["app"]


def _pause() -> None:
    Path(os.environ["FAULT_SIGNAL"]).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(120)  # the test kills the worker long before


def _after(function):
    def wrapped(*args, **kwargs):
        result = function(*args, **kwargs)
        _pause()
        return result

    return wrapped


match os.environ.get("FAULT_PAUSE"):
    case "snapshot":
        from welfare.reports.models import SummarySnapshot

        SummarySnapshot.save = _after(SummarySnapshot.save)
    case "payments":
        import beneficiaries.services

        beneficiaries.services.bulk_create_with_history = _after(beneficiaries.services.bulk_create_with_history)
