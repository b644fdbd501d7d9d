"""What changed in a case record between two of its versions, read from its history rows.

A refused stale edit shows the editor, field by field, the value when they opened the record,
the value now, and who changed it when (`welfare.core.services.StaleEditError`).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from .formatting import format_date, format_decimal, format_vnd

# Columns every case record has that no user edits: they change with every save.
BOOKKEEPING_FIELDS = {"id", "version", "created_at", "updated_at"}


@dataclass(frozen=True)
class FieldChange:
    """One field changed by someone else since the editor opened the record."""

    field: str
    label: str
    opened: str  # the value when the editor opened the record
    now: str  # the value stored now
    who: str
    when: dt.datetime | None


def display_value(model_field: models.Field, value, *, cut: int | None = 120) -> str:
    """A stored value as a user reads it (choices by label, dates dd/mm/yyyy, VND grouped,
    a related record by its name); text longer than `cut` characters is cut (None: never)."""
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return format_date(value)
    if model_field.name.endswith("_vnd") and isinstance(value, int):
        return format_vnd(value)
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value) or "—"
    # Long text and stored figures (JSON) are cut where a table only says that they changed.
    return Truncator(str(value)).chars(cut) if cut else str(value)


def history_user_name(record) -> str:
    user = record.history_user
    if user is None:
        return _("system")
    return getattr(user, "display_name", None) or user.get_username()


def changes_since(current: models.Model, *, opened_version: int) -> list[FieldChange]:
    """The fields of `current` that differ from the record as it stood at `opened_version`,
    each with who last changed it and when (the history rows saved after that version).

    Empty when the history holds no row of that version (a record older than its history)."""
    records = list(
        current.history.filter(version__gte=opened_version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    opened_at = max(
        (i for i, r in enumerate(records) if r.version == opened_version), default=None
    )
    if opened_at is None:
        return []
    opened, later = records[opened_at], records[opened_at + 1 :]
    # The fields the history keeps: a model may leave derived ones out of it (CaseHistory).
    tracked = {f.name for f in type(opened).tracked_fields}
    fields = [
        f
        for f in current._meta.concrete_fields
        if f.name not in BOOKKEEPING_FIELDS and not f.primary_key and f.name in tracked
    ]
    changes = []
    for model_field in fields:
        before, now = getattr(opened, model_field.attname), getattr(current, model_field.attname)
        if before == now:
            continue
        # Who set the value it has now: the last later row that changed this field.
        author, previous = None, opened
        for record in later:
            if getattr(record, model_field.attname) != getattr(previous, model_field.attname):
                author = record
            previous = record
        changes.append(
            FieldChange(
                field=model_field.name,
                label=capfirst(str(model_field.verbose_name)),
                opened=display_value(model_field, before),
                now=display_value(model_field, now),
                who=history_user_name(author) if author else _("system"),
                when=author.history_date if author else None,
            )
        )
    return changes
