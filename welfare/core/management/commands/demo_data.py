import argparse

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from welfare.core.demo import DEMO_PASSWORD, DEMO_PROVINCE, DemoContext, demo_steps


class Command(BaseCommand):
    help = (
        "Load the demo records and demo logins (idempotent: safe to run again). "
        "`--scale full` then generates a whole province through the import engine."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has users (first run of `make run`)",
        )
        parser.add_argument(
            "--scale",
            choices=["small", "full"],
            default="small",
            help="small (default): the demo communes of Lạng Sơn; full: also a province-scale data set "
            "(about 190,000 households, 450,000 cards, relief, gifts, allowances, loans, placements; "
            "several minutes)",
        )
        parser.add_argument(
            "--province",
            type=int,
            default=DEMO_PROVINCE,
            metavar="CODE",
            help=f"the province the province-scale data is generated for (default {DEMO_PROVINCE}, Lạng Sơn)",
        )
        # The same code path as --scale full with fewer households (tests, quick looks).
        parser.add_argument("--households", type=int, default=None, help=argparse.SUPPRESS)
        parser.add_argument("--seed", type=int, default=2022, help=argparse.SUPPRESS)

    def handle(self, *args, if_empty, scale, province, households, seed, **options):
        if if_empty and get_user_model().objects.exists():
            self.stdout.write("Users exist already: demo data not loaded again.")
            return
        ctx = DemoContext()
        with transaction.atomic():
            for step in demo_steps():
                line = step(ctx)
                if line:
                    self.stdout.write(f"  {line}")
        if scale == "full" or households:
            self._province_scale(province, households, seed)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins (password for all: "
                                             f"{DEMO_PASSWORD}):"))
        for username, user in ctx.users.items():
            areas = ""
            if user.role == "officer":
                areas = ", ".join(c.name for c in user.communes.all())
            elif user.role == "head":
                areas = user.province.name
            self.stdout.write(f"  {username:<10} {user.get_role_display():<22} {areas}")

    def _province_scale(self, province: int, households: int | None, seed: int) -> None:
        from welfare.areas.models import Province
        from welfare.core.scale_demo import SCALES, ScaleDemo, ScaleDemoError

        if not Province.objects.filter(code=province).exists():
            raise CommandError(f"no province with code {province}")
        count = households or SCALES["full"]
        if count < 1:
            raise CommandError("--households must be at least 1")
        try:
            ScaleDemo(province=province, households=count, seed=seed,
                      write=lambda line: self.stdout.write(f"  {line}")).run()
        except ScaleDemoError as error:
            raise CommandError(str(error)) from error
