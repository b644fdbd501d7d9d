"""Reads for the shared core: the state of a user's background job."""

import json

from django_celery_results.models import TaskResult

from welfare.accounts.scoping import sees_everything

from .models import Job


def job_list(*, user):
    jobs = Job.objects.select_related("user")
    return jobs if sees_everything(user) else jobs.filter(user=user)


def job_status(*, job: Job) -> dict:
    """State (Celery's, or WAITING), progress (done/total, percent) and, when finished, the
    result or the error."""
    row = TaskResult.objects.filter(task_id=job.task_id).first()
    # WAITING: saved while the job queue was unreachable, sent when it is back.
    state = row.status if row else ("WAITING" if job.waiting else "PENDING")
    payload = _decode(row.result) if row else None
    status = {
        "state": state,
        "done": 0,
        "total": 0,
        "percent": 0,
        "message": "",
        "result": None,
        "error": "",
        "result_url": "",
    }
    if state == "PROGRESS" and isinstance(payload, dict):
        status.update(
            done=payload.get("done", 0),
            total=payload.get("total", 0),
            message=payload.get("message", ""),
        )
        if status["total"]:
            status["percent"] = int(status["done"] * 100 / status["total"])
    elif state == "SUCCESS":
        status.update(percent=100, result=payload, result_url=job.result_url)
    elif state == "FAILURE" and isinstance(payload, dict):
        message = payload.get("exc_message", "")
        # Celery stores the exception's arguments: a list, shown as one sentence.
        status["error"] = " ".join(map(str, message)) if isinstance(message, list | tuple) else str(message)
    return status


def _decode(raw):
    if raw in (None, ""):
        return None
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return raw
