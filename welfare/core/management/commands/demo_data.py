from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from welfare.core.demo import DEMO_PASSWORD, DemoContext, demo_steps


class Command(BaseCommand):
    help = "Load the demo records and demo logins (idempotent: safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has users (first run of `make run`)",
        )

    def handle(self, *args, if_empty, **options):
        if if_empty and get_user_model().objects.exists():
            self.stdout.write("Users exist already: demo data not loaded again.")
            return
        ctx = DemoContext()
        with transaction.atomic():
            for step in demo_steps():
                line = step(ctx)
                if line:
                    self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins (password for all: "
                                             f"{DEMO_PASSWORD}):"))
        for username, user in ctx.users.items():
            areas = ""
            if user.role == "officer":
                areas = ", ".join(c.name for c in user.communes.all())
            elif user.role == "head":
                areas = user.province.name
            self.stdout.write(f"  {username:<10} {user.get_role_display():<22} {areas}")
