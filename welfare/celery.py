"""The Celery application.

Tasks are discovered in every installed app's `tasks.py`. Every periodic schedule of the
project is declared here, in `BEAT_SCHEDULE`, and nowhere else; beat stores it in the
database (django-celery-beat) so an admin can see and pause it.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "welfare.settings")

app = Celery("welfare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

BEAT_SCHEDULE = {
    # Results of finished jobs are kept for the progress pages, then dropped.
    "purge-old-task-results": {
        "task": "welfare.core.tasks.purge_task_results",
        "schedule": crontab(hour=2, minute=30),
    },
    # The half-year summaries' drafts: the current half, and the previous one until approved,
    # for each province with records and each of its communes (welfare.reports.tasks).
    # Jobs users started while Redis was down wait in the database; sent once it is back.
    "jobs-requeue-waiting": {
        "task": "welfare.core.tasks.jobs_requeue",
        "schedule": 60.0,
    },
    "halfyear-summaries-nightly": {
        "task": "welfare.reports.tasks.summaries_nightly",
        "schedule": crontab(hour=1, minute=15),
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE
