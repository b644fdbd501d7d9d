"""The one import engine (contract.md, "Import").

A file is read row by row (`readers`), each row's cells parsed by its column's type, and the
rows handed to the kind in chunks (`IMPORTS_CHUNK_ROWS`, 2,000 by default). For each chunk the
kind's `validate` loads what it needs with one query per lookup (existing records by key,
references) and marks the rows' problems; its `apply` writes the valid rows with bulk
operations (`bulk_add`, `bulk_change` below: history kept, derived fields and versions set,
what changed logged for undo). Memory stays flat in the file's size: one chunk at a time; what
the checks across chunks must remember of every row (the keys already seen, the citizen IDs
given) is kept in a temporary table of the import's transaction (`memory`).

All or nothing: everything runs in one transaction. Every chunk is validated and applied, even
after a problem, so that later rows are checked against the earlier ones exactly as a real
import would see them; at the end the transaction is rolled back if there was any problem or
if this is a dry run. A late chunk's problem therefore also undoes the early chunks.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.conf import settings
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from welfare.accounts.scoping import sees_everything, user_commune_codes
from welfare.areas.models import Commune
from welfare.core.text import fold
from welfare.core.xlsx import FORMULA_STARTS

from . import registry as r
from .copying import copy_create_with_history
from .memory import FileMemory, key_text
from .models import ChangeAction, ImportChange, ImportRun
from .readers import FileProblem, open_table

CHUNK_ROWS = getattr(settings, "IMPORTS_CHUNK_ROWS", 2000)
MAX_STORED_PROBLEMS = getattr(settings, "IMPORTS_MAX_STORED_PROBLEMS", 10_000)
# New records and their history rows by COPY on PostgreSQL (`copying`); False: the ORM's bulk
# INSERT everywhere (the benchmarks compare both; tests check they write the same rows).
USE_COPY = getattr(settings, "IMPORTS_USE_COPY", True)

# Messages the contract spells out: the command prints them as they are, in English.
CONTRACT_MESSAGES = {"unknown_column": "unknown column", "missing_column": "missing column"}


@dataclass(frozen=True)
class Problem:
    row: int | None  # N of the contract (None: the header or the file as a whole)
    sheet_row: int | None  # the spreadsheet's own row number
    column: str
    message: str
    code: str = ""

    def line(self) -> str:
        """The command's line: `row N, column KEY: message` (contract.md, "All or nothing")."""
        # One line per problem, whatever the message spans (a database's error has a DETAIL line).
        message = " ".join(CONTRACT_MESSAGES.get(self.code, self.message).split())
        if self.code == "file":
            return f"file: {message}"
        where = "header" if self.row is None else f"row {self.row}"
        return f"{where}, column {self.column}: {message}"

    def as_list(self) -> list:
        return [self.row, self.sheet_row, self.column, self.message]


@dataclass
class Outcome:
    kind: str
    dry_run: bool
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def summary_line(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        return f"{verb} {self.rows} {self.kind}"


class Row:
    """One data row: its numbers, its parsed values (None when blank), and its fate."""

    __slots__ = ("number", "sheet_row", "values", "invalid", "key", "action", "target", "parse_errors")

    def __init__(self, number: int, sheet_row: int, values: dict[str, Any]):
        self.number = number
        self.sheet_row = sheet_row
        self.values = values
        self.invalid = False
        self.key = None
        self.action = ""  # "added", "updated" or "unchanged", set by the kind's apply
        self.target = None  # what the kind's validate resolved the row to
        self.parse_errors: list[tuple[str, str]] | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    def has(self, key: str) -> bool:
        """Whether the row gives a value for `key` (a blank cell gives none)."""
        return self.values.get(key) is not None


class Scope:
    """Which areas the importing user may write (contract.md, "Who may import what"): an
    officer the communes they hold, a head their province, an admin or the command all."""

    def __init__(self, user, communes: dict[int, int]):
        self.user = user
        self.communes = communes
        self.everything = user is None or sees_everything(user)
        self.province = user.province_id if (not self.everything and user.role == "head") else None
        self.officer_communes = (
            set(user_commune_codes(user))
            if not self.everything and user.role == "officer"
            else set()
        )

    def commune_ok(self, code: int) -> bool:
        if self.everything:
            return True
        if self.province is not None:
            return self.communes.get(code) == self.province
        return code in self.officer_communes

    def province_ok(self, code: int) -> bool:
        return self.everything or (self.province is not None and code == self.province)

    def commune_refusal(self, code: int) -> str:
        if self.province is not None:
            return _("Commune %(code)s is not in your province.") % {"code": code}
        return _("You do not work in commune %(code)s.") % {"code": code}


class Context:
    """What lasts for a whole import: the kind, the user, areas, the file's memory (the keys
    seen...), the undo log."""

    def __init__(self, *, run: ImportRun, kind: r.ImportKind, user, dry_run: bool, on_problem):
        self.run = run
        self.kind = kind
        self.user = user
        self.dry_run = dry_run
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.communes: dict[int, int] = dict(Commune.objects.values_list("code", "province_id"))
        self.provinces = set(self.communes.values())
        self.scope = Scope(user, self.communes)
        # The kind's own memory across chunks, for what does not grow with the file (the
        # standards, a cache per day); what grows per row goes to `memory`.
        self.state: dict[str, Any] = {}
        self.memory = FileMemory()
        self.present: set[str] = set()  # the columns the file has
        self.outcome = Outcome(kind=kind.key, dry_run=dry_run)
        self.pending_changes: list[ImportChange] = []
        self.on_problem = on_problem

    @property
    def history_user(self):
        return self.user

    def problem(self, problem: Problem) -> None:
        self.outcome.problem_count += 1
        if len(self.outcome.problems) < MAX_STORED_PROBLEMS:
            self.outcome.problems.append(problem)
        if self.on_problem:
            self.on_problem(problem)


class Batch:
    """One chunk of rows, as the kind's `validate` and `apply` see it."""

    def __init__(self, ctx: Context, rows: list[Row]):
        self.ctx = ctx
        self.rows = rows
        self.problems: list[Problem] = []

    @property
    def user(self):
        return self.ctx.user

    @property
    def scope(self) -> Scope:
        return self.ctx.scope

    @property
    def state(self) -> dict:
        return self.ctx.state

    @property
    def memory(self) -> FileMemory:
        return self.ctx.memory

    @property
    def today(self) -> dt.date:
        return self.ctx.today

    def has_column(self, key: str) -> bool:
        """Whether the file has the column at all (an absent column leaves stored values)."""
        return key in self.ctx.present

    def error(self, row: Row, column: str, message: str) -> None:
        row.invalid = True
        self.problems.append(Problem(row.number, row.sheet_row, column, str(message)))

    def valid(self) -> list[Row]:
        return [row for row in self.rows if not row.invalid]

    def values(self, column: str, rows: Iterable[Row] | None = None) -> set:
        """The distinct values a column takes in the (valid) rows: what one lookup query needs."""
        return {row[column] for row in (self.valid() if rows is None else rows) if row.has(column)}

    # --- Common checks ------------------------------------------------------------------------

    def commune_check(self, row: Row, column: str = "commune_code") -> bool:
        """The row's commune exists and the user may import rows of it."""
        code = row[column]
        if code is None:
            return True
        if code not in self.ctx.communes:
            self.error(row, column, _("No commune has the code %(code)s.") % {"code": code})
            return False
        if not self.scope.commune_ok(code):
            self.error(row, column, self.scope.commune_refusal(code))
            return False
        return True

    def existing_commune_check(self, row: Row, column: str, commune_code: int) -> bool:
        """A row whose key exists in a commune the user does not hold is invalid too."""
        if self.scope.commune_ok(commune_code):
            return True
        self.error(
            row,
            column,
            _("This record belongs to commune %(code)s, where you may not import.")
            % {"code": commune_code},
        )
        return False


# --- Writing ------------------------------------------------------------------------------------


def _jsonable(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def assign(obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """Set `values` (by attname) on `obj`; return the old values of the fields that changed."""
    before = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            before[name] = old
            setattr(obj, name, value)
    return before


def bulk_add(batch: Batch, model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    """Insert new records with their history rows, and log them for undo.

    `bulk_create` skips `save()`: the caller has set the derived fields (folded names, counts).
    On PostgreSQL the records and their history rows go in by COPY (`copying`: the same rows,
    keys from the table's sequence, about twice as fast for a whole import). Elsewhere
    simple_history's `bulk_create_with_history`: on SQLite ≥ 3.35 the primary keys come back from
    the INSERT, so the history rows are one more bulk INSERT.
    """
    if not objs:
        return objs
    ctx = batch.ctx
    copied = copy_create_with_history(
        objs,
        model,
        default_user=ctx.history_user,
        default_change_reason=ctx.run.history_reason,
        default_date=ctx.now,
    ) if USE_COPY else None
    objs = copied if copied is not None else bulk_create_with_history(
        objs,
        model,
        batch_size=1000,
        default_user=ctx.history_user,
        default_change_reason=ctx.run.history_reason,
        default_date=ctx.now,
    )
    ctx.pending_changes.append(
        ImportChange(
            run=ctx.run,
            model=model._meta.label,
            action=ChangeAction.ADDED,
            entries=[[obj.pk, getattr(obj, "version", 1)] for obj in objs],
        )
    )
    return objs


def bulk_change(batch: Batch, model: type[models.Model], changes: list[tuple[models.Model, dict]]) -> None:
    """Write changed records (each with the dict of its fields' old values from `assign`):
    version incremented, history rows added, the old values logged for undo."""
    changes = [(obj, before) for obj, before in changes if before]
    if not changes:
        return
    ctx = batch.ctx
    fields: set[str] = set()
    objs = []
    for obj, before in changes:
        fields.update(before)
        if hasattr(obj, "version"):
            obj.version += 1
        if hasattr(obj, "updated_at"):
            obj.updated_at = ctx.now
        objs.append(obj)
    extra = [name for name in ("version", "updated_at") if hasattr(objs[0], name)]
    # bulk_update writes one UPDATE ... CASE WHEN per batch; its cost grows with rows x fields,
    # so batches stay small.
    bulk_update_with_history(
        objs,
        model,
        sorted(fields) + extra,
        batch_size=500,
        default_user=ctx.history_user,
        default_change_reason=ctx.run.history_reason,
        default_date=ctx.now,
    )
    ctx.pending_changes.append(
        ImportChange(
            run=ctx.run,
            model=model._meta.label,
            action=ChangeAction.CHANGED,
            entries=[
                [obj.pk, getattr(obj, "version", 0), {k: _jsonable(v) for k, v in before.items()}]
                for obj, before in changes
            ],
        )
    )


# --- Values -------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_INT = re.compile(r"^-?\d+$")
_GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


# The largest whole number a column takes: PostgreSQL's `integer` (counts, kilograms, codes).
MAX_WHOLE = 2_147_483_647
# The largest amount of VND a cell may give: a quadrillion đồng is far above any programme's
# budget, and sums of many such rows still fit the database's 64-bit integers.
MAX_MONEY_VND = 10**15


class BadValue(Exception):
    pass


def _control_character(text: str) -> str | None:
    """The first invisible control or format character of a text (NUL, BEL, zero-width space,
    a direction mark...), which the database (NUL), the XLSX error report and searches would trip
    on; tabs and line breaks are already collapsed into spaces by `_text`."""
    # Nearly every cell is printable, and no printable character is of category Cc or Cf: one
    # C call instead of a category lookup per character (a fifth of the parsing time).
    if text.isprintable():
        return None
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf"):
            return char
    return None


# A lone dash is how administrative spreadsheets write "none" in a cell.
_PLACEHOLDERS = frozenset({"", "-", "–", "—"})


def _blank(value) -> bool:
    """An empty cell, or one holding only a dash placeholder (read as empty, not refused as
    the start of a formula)."""
    return value is None or (isinstance(value, str) and value.strip() in _PLACEHOLDERS)


def _as_shown(value: float) -> float:
    """An XLSX number as Excel shows it: to 15 significant digits, so that a computed cell
    (1.1 * 3 = 3.3000000000000003) reads 3.3. Whole numbers are left exactly as stored."""
    if value.is_integer() or not value == value or value in (float("inf"), float("-inf")):
        return value
    return float(format(value, ".15g"))


def _text(value) -> str:
    if type(value) is str:  # every CSV cell and most XLSX ones: no conversion to try
        return " ".join(value.split())
    if isinstance(value, float):
        value = _as_shown(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _whole(value, *, money: bool = False) -> int:
    if isinstance(value, bool):
        raise BadValue
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        value = _as_shown(value)
        if value.is_integer():
            return int(value)
        raise BadValue
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        raise BadValue
    text = str(value).strip().replace("\u00a0", " ")
    if _INT.match(text):
        return int(text)
    if money and _GROUPED.match(text):
        return int(re.sub(r"[.,\s]", "", text))
    raise BadValue


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if m := _ISO_DATE.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _VN_DATE.match(text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        pass
    raise BadValue


def parse_cell(column: r.Column, value, today: dt.date):
    """The cell's value as the column's type, or raise BadValue with a message."""
    kind = column.type
    raw = _text(value)
    if (char := _control_character(raw)) is not None:
        raise BadValue(
            _("The cell holds an invisible control character (U+%(code)s): type the value again "
              "without it.") % {"code": f"{ord(char):04X}"}
        )
    try:
        if kind in (r.TEXT, r.CODE):
            parsed = raw
            # No name, address or code starts so, and a spreadsheet would run such a cell as a
            # formula when the record is exported again (OWASP "CSV injection"): refuse it here,
            # as the exports also neutralise it (welfare.core.xlsx).
            if parsed.startswith(FORMULA_STARTS):
                raise BadValue(
                    _("“%(value)s” starts with “%(char)s”, which a spreadsheet would run as a "
                      "formula: a name, an address or a code cannot start with = + - or @.")
                    % {"value": parsed[:50], "char": parsed[0]}
                )
        elif kind == r.CITIZEN_ID:
            parsed = raw.replace(" ", "")
            # A citizen ID typed into a number cell lost its leading zeros (020… became 20…).
            if isinstance(value, int | float) and parsed.isdigit() and len(parsed) < 12:
                parsed = parsed.zfill(12)
        elif kind in (r.INT, r.YEAR):
            parsed = _whole(value)
            if kind == r.YEAR and not 1900 <= parsed <= 2100:
                raise BadValue
            # (A negative count is refused by each kind with its own words.)
            if abs(parsed) > MAX_WHOLE:
                raise BadValue(_("The number is too large: at most %(max)s.") % {"max": MAX_WHOLE})
        elif kind == r.MONEY:
            parsed = _whole(value, money=True)
            if parsed < 0:
                raise BadValue(_("An amount cannot be negative."))
            if parsed > MAX_MONEY_VND:
                raise BadValue(_("The amount is too large: at most %(max)s VND.") % {"max": MAX_MONEY_VND})
        elif kind == r.DECIMAL:
            if isinstance(value, int | float) and not isinstance(value, bool):
                parsed = Decimal(str(_as_shown(value) if isinstance(value, float) else value))
                if not parsed.is_finite():
                    raise BadValue
            else:
                text = raw.replace(" ", "")
                if "," in text and "." not in text:
                    text = text.replace(",", ".")
                parsed = Decimal(text)
                if not parsed.is_finite():
                    raise BadValue
        elif kind == r.DATE:
            parsed = _date(value)
            if column.event_date and parsed > today:
                raise BadValue(_("The date cannot be in the future."))
        elif kind == r.MONTH:
            if isinstance(value, dt.date):
                parsed = dt.date(value.year, value.month, 1)
            elif m := _MONTH.match(raw):
                parsed = dt.date(int(m[1]), int(m[2]), 1)
            else:
                raise BadValue
        elif kind == r.ENUM:
            parsed = raw.lower()
            if parsed not in column.choices:
                raise BadValue(
                    _("“%(value)s” is not one of: %(choices)s.")
                    % {"value": raw, "choices": ", ".join(column.choices)}
                )
        else:  # pragma: no cover - Column checks its type
            raise BadValue
    except (BadValue, InvalidOperation, ValueError) as exc:
        if isinstance(exc, BadValue) and exc.args:
            raise
        raise BadValue(_type_message(column, raw)) from None
    if column.max_length and isinstance(parsed, str) and len(parsed) > column.max_length:
        raise BadValue(
            _("At most %(max)s characters (this one has %(count)s).")
            % {"max": column.max_length, "count": len(parsed)}
        )
    return parsed


def _type_message(column: r.Column, raw: str) -> str:
    kind = column.type
    if kind == r.DATE:
        return _("“%(value)s” is not a date: write it as YYYY-MM-DD or dd/mm/yyyy.") % {"value": raw}
    if kind == r.MONTH:
        return _("“%(value)s” is not a month: write it as YYYY-MM.") % {"value": raw}
    if kind == r.YEAR:
        return _("“%(value)s” is not a year.") % {"value": raw}
    if kind == r.MONEY:
        return _("“%(value)s” is not a whole number of VND.") % {"value": raw}
    if kind == r.DECIMAL:
        return _("“%(value)s” is not a number.") % {"value": raw}
    return _("“%(value)s” is not a whole number.") % {"value": raw}


# --- The run ------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _header_key(cell) -> str:
    return "" if _blank(cell) else str(cell).strip().lstrip("\ufeff").strip().lower()


def _is_label_row(kind: r.ImportKind, positions: list[tuple[int, str]], cells) -> bool:
    """Whether a row repeats the template's labels (Vietnamese, or the English source)."""
    from django.utils import translation

    labels: dict[str, set[str]] = {}
    for column in kind.columns:
        names = {fold(str(column.label))}
        for language in ("vi", "en"):
            with translation.override(language):
                names.add(fold(str(column.label)))
        labels[column.key] = names
    seen = False
    for index, key in positions:
        cell = cells[index] if index < len(cells) else None
        if _blank(cell):
            continue
        # The template marks required columns' labels with "*".
        if key not in labels or fold(str(cell).replace("*", "")) not in labels[key]:
            return False
        seen = True
    return seen


def run_import(
    *,
    run: ImportRun,
    kind: r.ImportKind,
    stream: BinaryIO,
    user,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    chunk_rows: int | None = None,
) -> Outcome:
    """Import one file of `kind` as `user` (None: the command, acting as an admin)."""
    ctx = Context(run=run, kind=kind, user=user, dry_run=dry_run, on_problem=on_problem)
    outcome = ctx.outcome
    if not kind.may_import(user):
        message = (
            _("Only department heads import %(kind)s.")
            if kind.who == r.HEADS_ONLY
            else _("You may not import %(kind)s.")
        ) % {"kind": kind.label}
        ctx.problem(Problem(None, None, "", message, code="file"))
        return outcome
    try:
        table = open_table(run.file_name, stream)
    except FileProblem as exc:
        ctx.problem(Problem(None, None, "", exc.message, code="file"))
        return outcome
    try:
        with transaction.atomic():
            # Created in the transaction: an error that rolls it back takes the table with it.
            ctx.memory.open()
            try:
                _run_rows(ctx, table, chunk_rows or CHUNK_ROWS, progress)
            except FileProblem as exc:  # the file broke off part way
                ctx.problem(Problem(None, None, "", exc.message, code="file"))
            ctx.memory.close()
            if outcome.problem_count or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    finally:
        table.close()
    if outcome.problem_count:
        outcome.added = outcome.updated = outcome.unchanged = 0
    return outcome


def _run_rows(ctx: Context, table, chunk_rows: int, progress) -> None:
    kind = ctx.kind
    rows = table.rows
    first = next(rows, None)
    if first is None or all(_blank(c) for c in first[1]):
        ctx.problem(
            Problem(None, None, "", _("The file is empty: its first row must hold the column keys."),
                    code="file")
        )
        return
    positions: list[tuple[int, str]] = []
    header_problems = []
    seen = set()
    for index, cell in enumerate(first[1]):
        key = _header_key(cell)
        if not key:
            continue
        if key in seen:
            header_problems.append(Problem(None, 1, key, _("The column appears twice."), "duplicate_column"))
            continue
        seen.add(key)
        if key not in kind.by_column:
            # Named as the file writes it (keys are matched without regard to case).
            written = _text(cell).lstrip("\ufeff").strip()
            written = "".join(c if _control_character(c) is None else "?" for c in written)[:100]
            header_problems.append(Problem(None, 1, written, _("unknown column"), "unknown_column"))
            continue
        positions.append((index, key))
    for key in kind.required:
        if key not in seen:
            header_problems.append(Problem(None, 1, key, _("missing column"), "missing_column"))
    for problem in header_problems:
        ctx.problem(problem)
    if header_problems:
        return
    columns = [(index, kind.by_column[key]) for index, key in positions]
    ctx.present = {key for _index, key in positions}
    total = max(table.total_rows - 1, 0)
    number = 0
    chunk: list[Row] = []
    done = 0
    # Only an XLSX file's second row may be the template's labels (contract.md, "Header"): in
    # a CSV the line after the header is row 1 whatever it holds.
    label_checked = table.format != "xlsx"
    for sheet_row, cells in rows:
        if not label_checked:
            label_checked = True
            if _is_label_row(kind, positions, cells):
                total = max(total - 1, 0)
                continue
        number += 1
        if all(_blank(c) for c in cells):
            continue  # blank lines are skipped, and counted
        row = Row(number, sheet_row, {})
        errors = []
        for index, column in columns:
            cell = cells[index] if index < len(cells) else None
            if _blank(cell):
                if column.required:
                    errors.append((column.key, _("A value is required.")))
                row.values[column.key] = None
                continue
            try:
                row.values[column.key] = parse_cell(column, cell, ctx.today)
            except BadValue as exc:
                row.values[column.key] = None
                errors.append((column.key, str(exc.args[0])))
        row.parse_errors = errors or None
        chunk.append(row)
        if len(chunk) >= chunk_rows:
            _process(ctx, chunk)
            done += len(chunk)
            chunk = []
            if progress:
                progress(number, max(total, number))
    if chunk:
        _process(ctx, chunk)
    if progress:
        progress(number, number)



def _duplicate_check(ctx: Context, batch: Batch) -> None:
    """A key may appear once in a file: a row with the key of an earlier row (of this chunk or
    of an earlier one, in the file's memory) is refused, naming the first."""
    kind = ctx.kind
    keyed: list[tuple[Row, str]] = []
    first_here: dict[str, int] = {}
    for row in batch.rows:
        if row.invalid and any(c in dict(row.parse_errors or ()) for c in kind.key_columns):
            continue
        try:
            key = kind.row_key(row)
        except (TypeError, KeyError):
            key = None
        if key is None:
            continue
        row.key = key
        text = "seen:" + key_text(key)
        keyed.append((row, text))
        first_here.setdefault(text, row.number)
    earlier = ctx.memory.get(first_here)
    for row, text in keyed:
        first = earlier[text][0] if text in earlier else first_here[text]
        if first != row.number:
            batch.error(
                row,
                kind.key_columns[0],
                _("The same key as row %(row)s: a record may appear only once in a file.")
                % {"row": first},
            )
    for text, number in first_here.items():
        if text not in earlier:
            ctx.memory.add(text, number)


def _process(ctx: Context, rows: list[Row]) -> None:
    """Validate one chunk, apply its valid rows (in a savepoint), report its problems in order."""
    kind = ctx.kind
    batch = Batch(ctx, rows)
    for row in rows:
        for column, message in row.parse_errors or ():
            batch.error(row, column, message)
    if kind.row_key is not None:
        _duplicate_check(ctx, batch)
    kind.validate(batch)
    # What the chunk's rows add to the file's memory (keys, IDs given), before the savepoint
    # below: a chunk that cannot be saved still took its keys, as later rows see them.
    ctx.memory.flush()
    valid = batch.valid()
    if valid:
        try:
            with transaction.atomic():
                kind.apply(batch)
                ImportChange.objects.bulk_create(ctx.pending_changes, batch_size=100)
        except DatabaseError as exc:
            # A rule the database keeps and the kind did not check first: name the chunk's rows.
            for row in valid:
                row.action = ""
            batch.error(
                valid[0],
                kind.key_columns[0] if kind.key_columns else kind.columns[0].key,
                _("Rows %(first)s to %(last)s could not be saved: %(error)s")
                % {"first": valid[0].number, "last": valid[-1].number, "error": exc},
            )
        finally:
            ctx.pending_changes = []
    outcome = ctx.outcome
    for row in rows:
        if row.invalid:
            continue
        outcome.rows += 1
        if row.action == "added":
            outcome.added += 1
        elif row.action == "updated":
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    order = {c.key: i for i, c in enumerate(kind.columns)}
    for problem in sorted(batch.problems, key=lambda p: (p.row, order.get(p.column, 99))):
        ctx.problem(problem)
