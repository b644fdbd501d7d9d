from datetime import timedelta

from celery import shared_task
from celery.signals import worker_ready
from django.utils import timezone
from django_celery_results.models import TaskResult

from welfare.areas.models import Commune, Province

from .services import jobs_send_waiting, progress_report

RESULT_DAYS = 30


@shared_task
def purge_task_results() -> int:
    """Drop the stored state of jobs finished more than RESULT_DAYS ago."""
    cutoff = timezone.now() - timedelta(days=RESULT_DAYS)
    deleted, _ = TaskResult.objects.filter(date_done__lt=cutoff).delete()
    return deleted


@shared_task(bind=True)
def area_counts(self) -> dict:
    """The number of provinces and communes the database holds: a health check for workers
    (it proves a worker reaches both the broker and the database)."""
    progress_report(self, done=0, total=2, message="provinces")
    provinces = Province.objects.count()
    progress_report(self, done=1, total=2, message="communes")
    return {"provinces": provinces, "communes": Commune.objects.count()}


@shared_task
def jobs_requeue() -> int:
    """Send the jobs started while the queue was unreachable (every minute, from the beat)."""
    sent, _waiting = jobs_send_waiting()
    return sent


@worker_ready.connect
def _send_waiting_jobs(sender=None, **kwargs) -> None:
    # A worker that starts (after Redis or the whole machine came back) sends the jobs that
    # waited, without waiting for the beat's next minute.
    jobs_send_waiting()
