"""Writes shared by every app: versioned updates and background jobs."""

from typing import Any

from celery import Task
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .models import Job


class StaleEditError(ValidationError):
    """Someone saved the record after this editor opened it."""


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
            _(
                "This record was changed by someone else after you opened it. "
                "Reload the page to see their changes, then make yours again."
            ),
            code="stale",
        )
    for field, value in changes.items():
        setattr(current, field, value)
    current.version += 1
    current.full_clean()
    current.save()
    return current


def job_start(*, user, task: Task, kind: str, label: str, kwargs: dict, result_url: str = "") -> Job:
    """Record a user's job and queue its task once the current transaction commits.

    Tasks take ids, never objects (conventions.md, "Background jobs"). With no broker the task
    runs eagerly at commit, and its state is stored all the same.
    """
    job = Job.objects.create(
        task_id=Job.new_task_id(), kind=kind, label=label, user=user, result_url=result_url
    )
    transaction.on_commit(lambda: task.apply_async(kwargs=kwargs, task_id=job.task_id))
    return job


def progress_report(task: Task, *, done: int, total: int, message: str = "") -> None:
    """Store a running task's progress where the job page reads it."""
    if task.request.id:
        task.update_state(state="PROGRESS", meta={"done": done, "total": total, "message": message})
