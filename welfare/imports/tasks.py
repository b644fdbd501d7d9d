import logging

from celery import shared_task
from django.utils.translation import gettext as _

from welfare.core.services import progress_report

from .models import ImportRun
from .services import UndoRefused, import_execute, import_fail, import_undo

log = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True)
def import_records_task(self, *, run_id: int) -> dict:
    """Run an uploaded import (its file is in the database); progress per chunk of rows."""
    run = ImportRun.objects.select_related("user").get(pk=run_id)
    if run.finished:  # a redelivered task (acks_late) after the import already ran
        return {"run": run.pk, "status": run.status}

    def progress(done: int, total: int) -> None:
        progress_report(self, done=done, total=total, message=_("%(done)s of %(total)s rows")
                        % {"done": done, "total": total})

    try:
        outcome = import_execute(run=run, progress=progress)
    except Exception as exc:
        log.exception("import %s failed", run.pk)
        import_fail(run=run, message=str(exc))
        raise
    return {"run": run.pk, "status": run.status, "rows": outcome.rows,
            "problems": outcome.problem_count}


@shared_task(bind=True, acks_late=True)
def import_undo_task(self, *, run_id: int, user_id: int) -> dict:
    """Undo a whole import; a refusal is stored on the run for its page to show."""
    from django.contrib.auth import get_user_model

    run = ImportRun.objects.get(pk=run_id)
    user = get_user_model().objects.get(pk=user_id)
    progress_report(self, done=0, total=1, message=_("Undoing"))
    try:
        touched = import_undo(user=user, run=run)
    except UndoRefused as exc:
        ImportRun.objects.filter(pk=run.pk).update(message=" ".join(exc.messages))
        return {"run": run.pk, "undone": False}
    ImportRun.objects.filter(pk=run.pk).update(message="")
    return {"run": run.pk, "undone": True, "records": touched}
