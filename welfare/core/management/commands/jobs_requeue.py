"""Send the background jobs that users started while the job queue (Redis) was unreachable.

Workers do it when they start and the beat every minute; this is for an administrator who
has just brought Redis back (docs/backup.md, "Faults")."""

from django.core.management.base import BaseCommand, CommandError

from welfare.core.services import jobs_send_waiting


class Command(BaseCommand):
    help = "Send the jobs waiting for the job queue (started while Redis was down)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age-days", type=int, default=7, help="leave jobs older than this waiting (default 7)"
        )

    def handle(self, *args, max_age_days: int, **options):
        sent, waiting = jobs_send_waiting(max_age_days=max_age_days)
        self.stdout.write(f"sent {sent} waiting jobs")
        if waiting:
            raise CommandError(f"the job queue is still unreachable: {waiting} jobs still wait")
