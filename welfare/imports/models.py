"""What the import engine keeps: each import (who, what file, counts, problems), the uploaded
file until a worker has read it, and what the import changed so that it can be undone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.areas.models import Province


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    CHECKED = "checked", _("Checked, nothing saved")
    IMPORTED = "imported", _("Imported")
    REFUSED = "refused", _("Refused, nothing saved")
    ERROR = "error", _("Failed, nothing saved")
    UNDONE = "undone", _("Undone")


class ImportSource(models.TextChoices):
    WEB = "web", _("Web page")
    COMMAND = "command", _("Command")


class ImportRun(models.Model):
    """One import of one file: a dry run, a refused file (its problems), or an import that can
    be undone by whoever made it or an admin (contract.md, "Keys")."""

    kind = models.CharField(_("kind of records"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    # The province the importing user worked in, so a head sees the imports of the province.
    province = models.ForeignKey(
        Province, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The communes an officer held when importing: every row had to lie in them. The officer
    # sees and undoes the run only while still holding them all (a moved officer does not).
    commune_codes = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=10, choices=ImportSource.choices, default=ImportSource.WEB)
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    dry_run = models.BooleanField(_("check only"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    # The first problems, each [row N, spreadsheet row, column, message] (row None: the header
    # or the file). The command prints them all; the page and the error report show these.
    problems = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["province", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def finished(self) -> bool:
        return self.status not in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def kind_label(self) -> str:
        from .registry import kind_for

        kind = kind_for(self.kind)
        return kind.label if kind else self.kind

    @property
    def undoable(self) -> bool:
        return self.status == RunStatus.IMPORTED and not self.dry_run

    @property
    def history_reason(self) -> str:
        """The change reason written on every history row this import makes."""
        return f"import {self.pk}"


class ImportFilePart(models.Model):
    """The uploaded file, in parts of 1 MiB, kept in the database until the import has run.

    The database is the one store every web process and every Celery worker already reaches,
    wherever they run; media files on a web machine's disk would not be seen by a worker on
    another machine. Parts keep memory flat on upload and on reading.
    """

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="parts")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["run_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="imports_part_once")]


class ChangeAction(models.TextChoices):
    ADDED = "added", _("Added")
    CHANGED = "changed", _("Changed")


class ImportChange(models.Model):
    """What one chunk of an import did to one model: the records it added ([pk, version]) or
    changed ([pk, version after, {field: value before}]). Undo walks these backwards."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    model = models.CharField(max_length=100)  # "app_label.ModelName"
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    entries = models.JSONField(default=list)

    class Meta:
        ordering = ["run_id", "pk"]
