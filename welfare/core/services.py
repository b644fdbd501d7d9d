"""Writes shared by every app: versioned updates and background jobs."""

import logging
from datetime import timedelta
from typing import Any

from celery import Task
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .history import changes_since
from .models import Job

logger = logging.getLogger(__name__)


class StaleEditError(ValidationError):
    """Someone saved the record after this editor opened it.

    `changes` says what they changed (`history.FieldChange`: the field, its value when the
    editor opened the record, its value now, who and when), shown above the editor's form;
    `current_version` is the version stored now, which the form carries once the editor has
    been shown the changes, so that saving again is a decision taken knowingly.
    """

    def __init__(self, message=None, code="stale", params=None, *, changes=(), current_version=None):
        super().__init__(
            message
            or _(
                "This record was changed by someone else after you opened it. "
                "Look at their changes below, then save again to keep yours."
            ),
            code=code,
            params=params,
        )
        self.changes = list(changes)
        self.current_version = current_version


@transaction.atomic
def versioned_update(
    instance: models.Model, *, expected_version: int, changes: dict[str, Any]
) -> models.Model:
    """Apply `changes` only if the stored version is still the one the editor saw.

    The row is locked, its version compared and incremented, and saved through `save()` so the
    change history records who changed what. A stale edit is refused, not silently lost.
    """
    model = type(instance)
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    if current.version != expected_version:
        raise StaleEditError(
            changes=changes_since(current, opened_version=expected_version),
            current_version=current.version,
        )
    # Outside a request (a job, an import) the caller names the actor on its instance.
    if getattr(instance, "_history_user", None) is not None:
        current._history_user = instance._history_user
    for field, value in changes.items():
        setattr(current, field, value)
    current.version += 1
    current.full_clean()
    current.save()
    return current


def job_start(*, user, task: Task, kind: str, label: str, kwargs: dict, result_url: str = "") -> Job:
    """Record a user's job and queue its task once the current transaction commits.

    Tasks take ids, never objects (conventions.md, "Background jobs"). With no broker the task
    runs eagerly at commit, and its state is stored all the same. With the broker unreachable
    the job is kept as waiting (its page says so) and sent later (`jobs_send_waiting`).
    """
    job = Job.objects.create(
        task_id=Job.new_task_id(),
        kind=kind,
        label=label,
        user=user,
        result_url=result_url,
        task_name=task.name,
        task_kwargs=kwargs,
    )
    transaction.on_commit(lambda: job_send(job=job))
    return job


# A request that starts a job must not hang on a broker that is down: one quick retry, then
# the job waits (the connection itself is bounded by CELERY_BROKER_CONNECTION_TIMEOUT).
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2, "interval_max": 0.2}


def job_send(*, job: Job) -> bool:
    """Hand a job's task to the queue and note when; False when the queue is unreachable, the
    job then stays waiting. The row is locked meanwhile, so two senders never send it twice."""
    from celery import current_app
    from kombu.exceptions import OperationalError as BrokerError

    task = current_app.tasks[job.task_name]
    if current_app.conf.task_always_eager:
        # The embedded default: the task runs here and now, outside any transaction, as always.
        job.queued_at = timezone.now()
        Job.objects.filter(pk=job.pk).update(queued_at=job.queued_at)
        task.apply_async(kwargs=job.task_kwargs, task_id=job.task_id)
        return True
    with transaction.atomic():
        locked = Job.objects.select_for_update(skip_locked=True).filter(pk=job.pk, queued_at__isnull=True).first()
        if locked is None:
            return True  # sent already, or being sent by another process
        try:
            task.apply_async(
                kwargs=locked.task_kwargs,
                task_id=locked.task_id,
                retry=True,
                retry_policy=PUBLISH_RETRY_POLICY,
            )
        except (BrokerError, OSError):
            logger.warning("The job queue is unreachable: job %s waits", locked.pk, exc_info=True)
            return False
        job.queued_at = timezone.now()
        Job.objects.filter(pk=locked.pk).update(queued_at=job.queued_at)
    return True


def jobs_send_waiting(*, max_age_days: int = 7) -> tuple[int, int]:
    """Send the jobs that wait for the queue, oldest first; returns (sent, still waiting). Jobs
    older than `max_age_days` are left alone: their users have long moved on."""
    since = timezone.now() - timedelta(days=max_age_days)
    waiting = list(
        Job.objects.filter(queued_at__isnull=True, created_at__gte=since).exclude(task_name="").order_by("created_at")
    )
    for sent, job in enumerate(waiting):
        if not job_send(job=job):
            return sent, len(waiting) - sent  # the queue is still away: the rest would fail too
    return len(waiting), 0


def progress_report(task: Task, *, done: int, total: int, message: str = "") -> None:
    """Store a running task's progress where the job page reads it."""
    if task.request.id:
        task.update_state(state="PROGRESS", meta={"done": done, "total": total, "message": message})
