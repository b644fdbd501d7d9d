from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from welfare.imports import registry
from welfare.imports.models import ImportSource
from welfare.imports.services import import_execute, import_run_create


class Command(BaseCommand):
    help = (
        "Import a CSV (UTF-8) or XLSX file of one kind of records, all or nothing "
        "(contract.md, 'Import'). Acts as an admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", metavar="KIND", help="one of: " + ", ".join(k.key for k in registry.kinds()))
        parser.add_argument("path", metavar="PATH", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="validate only, save nothing")

    def handle(self, *args, kind, path, dry_run, **options):
        if registry.kind_for(kind) is None:
            raise CommandError(
                f"unknown kind {kind!r}; one of: " + ", ".join(k.key for k in registry.kinds())
            )
        if not path.is_file():
            raise CommandError(f"no file {path}")
        run = import_run_create(
            user=None, kind=kind, file_name=path.name, chunks=None, dry_run=dry_run,
            source=ImportSource.COMMAND, file_size=path.stat().st_size,
        )
        with path.open("rb") as stream:
            outcome = import_execute(
                run=run, stream=stream, on_problem=lambda p: self.stdout.write(p.line())
            )
        if not outcome.ok:
            raise CommandError(f"nothing was saved: {outcome.problem_count} problem(s)")
        self.stdout.write(outcome.summary_line())
