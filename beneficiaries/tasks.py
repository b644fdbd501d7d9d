from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import IntegrityError, OperationalError

from welfare.core.services import progress_report

from .services import payment_run_build


@shared_task(
    bind=True,
    acks_late=True,
    # IntegrityError: another list (a commune's and the province's built at once) took a
    # beneficiary's month first; the retry skips them as already paid.
    autoretry_for=(OperationalError, IntegrityError),
    max_retries=3,
    retry_backoff=True,
)
def payment_run_build_task(self, *, run_id: int, user_id: int | None = None) -> dict:
    """Build (or rebuild) one payment run. The run row is locked while it is built, so two
    requests for the same run give one list."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = payment_run_build(
        run_id=run_id,
        user=user,
        progress=lambda done, total: progress_report(self, done=done, total=total),
    )
    return {
        "run": run.pk,
        "payments": run.payments_count,
        "total_vnd": run.total_vnd,
        "not_paid": len(run.problems),
        "skipped": run.skipped_count,
    }
