"""Shared bases: the case-record base (version and history), the row of legal reference data
(valid between two dates) and the job a user started."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CaseHistory(HistoricalRecords):
    """`HistoricalRecords` that leaves out the fields a model names in `history_excluded_fields`.

    With `inherit=True` one instance serves every subclass, so its own `excluded_fields` would
    apply to all of them (and simple_history reads each excluded field back from the live row,
    which fails on a model without it): the list is per model instead. For columns the database
    derives from other rows (`households.Household.search_folded`), which are no one's edit.
    """

    def fields_included(self, model):
        excluded = getattr(model, "history_excluded_fields", ())
        return [f for f in super().fields_included(model) if f.name not in excluded]


class VersionedModel(models.Model):
    """A case record: a version that refuses stale edits, and its change history.

    Every save through `welfare.core.services.versioned_update` checks the version the editor
    saw and increments it, so two officers editing the same record cannot overwrite each other
    unknowingly. `CaseHistory(inherit=True)` gives every concrete subclass its history table
    (who, when, what) from its first migration, without the fields the subclass names in
    `history_excluded_fields`.
    """

    history_excluded_fields: tuple[str, ...] = ()

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = CaseHistory(inherit=True)

    class Meta:
        abstract = True


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date):
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


class ReferenceRow(models.Model):
    """A row of legal reference data with its validity dates and source."""

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty while still in force.")
    )
    legal_basis = models.CharField(_("legal source"), max_length=255)
    unverified = models.BooleanField(
        _("not yet checked against the gazette"),
        default=False,
        help_text=_("Read only in secondary sources: check it before relying on it."),
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True

    def overlapping(self, rows: models.QuerySet):
        """The other rows of `rows` in force on some day this row is (none when only one row
        of a kind may be in force at a time)."""
        found = rows.exclude(pk=self.pk).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.valid_to is not None:
            found = found.filter(valid_from__lte=self.valid_to)
        return found.order_by("valid_from")


class Job(models.Model):
    """A background task a user started, so its progress can be shown to that user only.

    The task's state and progress live in django-celery-results' `TaskResult`, keyed by
    `task_id`; this row says whose job it is and what it is about.
    """

    task_id = models.CharField(max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    label = models.CharField(_("description"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    result_url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    # What to send again when the queue was unreachable at the start (`services.job_send`).
    task_name = models.CharField(max_length=200, blank=True)
    task_kwargs = models.JSONField(default=dict, blank=True)
    # None while the job waits for the queue (Redis down when it was started): such jobs are sent
    # when a worker starts, by the beat every minute, and by `manage.py jobs_requeue`.
    queued_at = models.DateTimeField(_("sent to the queue at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return self.label

    @property
    def waiting(self) -> bool:
        """Saved, but not yet handed to the queue (it was unreachable)."""
        return self.queued_at is None

    @staticmethod
    def new_task_id() -> str:
        return str(uuid.uuid4())


class NamedLock(models.Model):
    """A row to lock (select_for_update) so that one run of a named piece of work goes at a
    time when no Redis is configured (`welfare.core.locks.exclusive`)."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        verbose_name = _("lock")
        verbose_name_plural = _("locks")

    def __str__(self) -> str:
        return self.name
