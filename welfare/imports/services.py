"""Writes of the import engine: store an upload, run an import, undo one."""

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import BinaryIO

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history, get_history_manager_for_model

from welfare.accounts.permissions import Role
from welfare.accounts.scoping import sees_everything, user_commune_codes
from welfare.areas.models import Commune

from . import registry
from .engine import Outcome, Problem, run_import
from .models import ChangeAction, ImportFilePart, ImportRun, ImportSource, RunStatus

PART_BYTES = 1 << 20
MAX_UPLOAD_MB = getattr(settings, "IMPORTS_MAX_UPLOAD_MB", 100)


def _user_province_id(user) -> int | None:
    if user is None or sees_everything(user):
        return None
    if user.role == "head":
        return user.province_id
    codes = user_commune_codes(user)
    if codes:
        return Commune.objects.filter(code=codes[0]).values_list("province_id", flat=True).first()
    return None


def import_run_create(
    *, user, kind: str, file_name: str, chunks: Iterable[bytes] | None, dry_run: bool,
    source: str = ImportSource.WEB, file_size: int = 0,
) -> ImportRun:
    """Record an import and store its file in the database, 1 MiB per row (see ImportFilePart:
    a worker on another machine reads it from there). The command passes no chunks: it reads
    its file where it is."""
    if registry.kind_for(kind) is None:
        raise ValidationError(_("Unknown kind of records: %(kind)s.") % {"kind": kind})
    run = ImportRun.objects.create(
        kind=kind,
        user=user,
        province_id=_user_province_id(user),
        commune_codes=sorted(user_commune_codes(user)) if _is_officer(user) else [],
        source=source,
        file_name=file_name[:255],
        dry_run=dry_run,
        file_size=file_size,
    )
    if chunks is None:
        return run
    size = 0
    seq = 0
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= PART_BYTES:
            ImportFilePart.objects.create(run=run, seq=seq, data=bytes(buffer[:PART_BYTES]))
            size += PART_BYTES
            del buffer[:PART_BYTES]
            seq += 1
    if buffer or seq == 0:
        ImportFilePart.objects.create(run=run, seq=seq, data=bytes(buffer))
        size += len(buffer)
    run.file_size = size
    run.save(update_fields=["file_size"])
    return run


def _spooled_file(run: ImportRun) -> BinaryIO:
    """The stored file as a seekable temporary file (XLSX needs seeking), part by part."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * PART_BYTES)
    for pk in run.parts.order_by("seq").values_list("pk", flat=True):
        data = ImportFilePart.objects.filter(pk=pk).values_list("data", flat=True).get()
        spool.write(bytes(data))
    spool.seek(0)
    return spool


def import_execute(
    *,
    run: ImportRun,
    stream: BinaryIO | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    chunk_rows: int | None = None,
) -> Outcome:
    """Run a recorded import and store its outcome on the run. Its file is dropped afterwards:
    the problems and the undo log are what stays."""
    kind = registry.kind_for(run.kind)
    run.status = RunStatus.RUNNING
    run.save(update_fields=["status"])
    user = run.user if run.source == ImportSource.WEB else None
    own_stream = stream is None
    if own_stream:
        stream = _spooled_file(run)
    try:
        outcome = run_import(
            run=run,
            kind=kind,
            stream=stream,
            user=user,
            dry_run=run.dry_run,
            progress=progress,
            on_problem=on_problem,
            chunk_rows=chunk_rows,
        )
    finally:
        if own_stream:
            stream.close()
    run.rows = outcome.rows
    run.added, run.updated, run.unchanged = outcome.added, outcome.updated, outcome.unchanged
    run.problem_count = outcome.problem_count
    run.problems = [p.as_list() for p in outcome.problems]
    if outcome.problem_count:
        run.status = RunStatus.REFUSED
    elif run.dry_run:
        run.status = RunStatus.CHECKED
    else:
        run.status = RunStatus.IMPORTED
    run.finished_at = timezone.now()
    run.save()
    ImportFilePart.objects.filter(run=run).delete()
    return outcome


def import_fail(*, run: ImportRun, message: str) -> None:
    """A run that stopped on an unexpected error: nothing of it was saved."""
    run.status = RunStatus.ERROR
    run.message = message[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "message", "finished_at"])
    ImportFilePart.objects.filter(run=run).delete()


# --- Undo ---------------------------------------------------------------------------------------


class UndoRefused(ValidationError):
    """The import cannot be undone without losing later work."""


def import_may_undo(*, user, run: ImportRun) -> bool:
    """Whoever made an import, or an admin, may undo it (contract.md, "Keys")."""
    if user is None or sees_everything(user):
        return True
    return (
        run.user_id is not None
        and run.user_id == user.pk
        and run.source == ImportSource.WEB
        and run_in_users_areas(user=user, run=run)
    )


def _is_officer(user) -> bool:
    return user is not None and not sees_everything(user) and user.role == Role.OFFICER


def run_in_users_areas(*, user, run: ImportRun) -> bool:
    """Whether the run's rows all lie in the areas the user holds now: an officer's run in the
    communes it was made in, a head's in their province."""
    if sees_everything(user):
        return True
    if user.role == Role.OFFICER:
        return set(run.commune_codes) <= set(user_commune_codes(user))
    return run.province_id is not None and run.province_id == user.province_id


def import_undo(*, user, run: ImportRun) -> int:
    """Undo a whole import: remove what it added, restore what it changed. Returns how many
    records were touched.

    Refused, with nothing changed, when a record the import touched was changed again since
    (its version moved on), was deleted, or when removing what it added would remove or alter
    a record made since (a review added to an imported household, say). Whoever wants the undo
    then corrects by hand or by a new import: later work is never silently thrown away.
    """
    if not import_may_undo(user=user, run=run):
        raise PermissionDenied
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not run.undoable:
            raise UndoRefused(_("Only a finished import that saved records can be undone."))
        kind = registry.kind_for(run.kind)
        if kind is not None and kind.before_undo is not None:
            records: dict[str, set[int]] = defaultdict(set)
            for change in run.changes.iterator(chunk_size=20):
                records[change.model].update(entry[0] for entry in change.entries)
            kind.before_undo(dict(records))
        restored: dict[str, set[int]] = defaultdict(set)
        touched = 0
        reason = _("undo of import %(id)s") % {"id": run.pk}
        for change in run.changes.order_by("-pk").iterator(chunk_size=20):
            model = apps.get_model(change.model)
            if change.action == ChangeAction.CHANGED:
                touched += _undo_changed(model, change.entries, restored[change.model], user, reason)
            else:
                touched += _undo_added(model, change.entries, restored[change.model], user, reason)
        if kind is not None and kind.after_undo is not None:
            kind.after_undo(dict(restored))
        run.status = RunStatus.UNDONE
        run.undone_at = timezone.now()
        run.undone_by = user
        run.save(update_fields=["status", "undone_at", "undone_by"])
    return touched


def _label(model, pk, obj=None) -> str:
    return f"{model._meta.verbose_name} “{obj}”" if obj is not None else f"{model._meta.verbose_name} #{pk}"


def _refuse_changed_since(model, pk, obj=None) -> None:
    raise UndoRefused(
        _(
            "This import cannot be undone: %(record)s was changed or removed after the import. "
            "Correct it by hand, or import a corrected file."
        )
        % {"record": _label(model, pk, obj)}
    )


def _undo_changed(model, entries, restored: set[int], user, reason: str) -> int:
    objs = model._default_manager.select_for_update().in_bulk([e[0] for e in entries])
    now = timezone.now()
    changed = []
    fields: set[str] = set()
    # Entries of one chunk are in row order; restore the last one first.
    for pk, version, before in reversed(entries):
        obj = objs.get(pk)
        if obj is None:
            _refuse_changed_since(model, pk)
        if pk not in restored and getattr(obj, "version", version) != version:
            _refuse_changed_since(model, pk, obj)
        for name, value in before.items():
            field = model._meta.get_field(name)
            setattr(obj, field.attname, field.to_python(value))
            fields.add(field.attname)
        restored.add(pk)
        changed.append(obj)
    for obj in {id(o): o for o in changed}.values():
        if hasattr(obj, "version"):
            obj.version += 1
        if hasattr(obj, "updated_at"):
            obj.updated_at = now
    unique = list({o.pk: o for o in changed}.values())
    extra = [n for n in ("version", "updated_at") if hasattr(unique[0], n)] if unique else []
    if unique:
        bulk_update_with_history(
            unique, model, sorted(fields) + extra, batch_size=500,
            default_user=user, default_change_reason=reason, default_date=now,
        )
    return len(unique)


def _undo_added(model, entries, restored: set[int], user, reason: str) -> int:
    pks = [e[0] for e in entries]
    objs = model._default_manager.select_for_update().in_bulk(pks)
    for pk, version in entries:
        obj = objs.get(pk)
        if obj is None or (pk not in restored and getattr(obj, "version", version) != version):
            _refuse_changed_since(model, pk, obj)
    instances = list(objs.values())
    using = router.db_for_write(model)
    collector = Collector(using=using)
    try:
        collector.collect(instances)
    except (ProtectedError, RestrictedError) as exc:
        blocker = next(iter(exc.args[1]), None) if len(exc.args) > 1 else None
        raise UndoRefused(_later_records_message(model, blocker)) from None
    own = set(pks)
    for other, found in collector.data.items():
        extra = [o for o in found if other is not model or o.pk not in own]
        if extra:
            raise UndoRefused(_later_records_message(model, extra[0]))
    for querysets in collector.field_updates.values():
        for qs in querysets:
            if isinstance(qs, models.QuerySet) and qs.exists() or not isinstance(qs, models.QuerySet) and qs:
                raise UndoRefused(_later_records_message(model, None))
    for qs in collector.fast_deletes:
        if qs.exists():
            raise UndoRefused(_later_records_message(model, qs.first()))
    # Nothing else refers to these records: write their deletion to the history in bulk, then
    # delete them in one statement (the per-object post_delete history of a normal delete
    # would be one INSERT per record).
    history = get_history_manager_for_model(model) if hasattr(model, "history") else None
    if history is not None:
        now = timezone.now()
        rows = []
        for obj in instances:
            # The fields the history keeps (not those a model leaves out of it).
            attrs = {f.attname: getattr(obj, f.attname) for f in history.model.tracked_fields}
            rows.append(
                history.model(
                    **attrs, history_date=now, history_type="-", history_user=user,
                    history_change_reason=reason,
                )
            )
        history.model._default_manager.bulk_create(rows, batch_size=1000)
    model._default_manager.filter(pk__in=pks)._raw_delete(using)
    return len(instances)


def _later_records_message(model, blocker) -> str:
    if blocker is not None:
        return _(
            "This import cannot be undone: %(blocker)s, recorded after the import, depends on "
            "%(record)s that the import added. Remove or move it first."
        ) % {"blocker": f"{blocker._meta.verbose_name} “{blocker}”", "record": model._meta.verbose_name}
    return _(
        "This import cannot be undone: records made after the import depend on %(record)s that "
        "the import added."
    ) % {"record": model._meta.verbose_name}
