"""The registry of import kinds: each app declares the files it accepts in its own `imports.py`.

    register(ImportKind(
        key="households",
        label=_("Households"),
        columns=(Column("household_code", _("Household code"), "code", required=True), ...),
        row_key=lambda row: row["household_code"],
        key_columns=("household_code",),
        validate=households_validate,   # (batch) -> None: marks row problems, loads what apply needs
        apply=households_apply,         # (batch) -> None: bulk writes for the valid rows
    ))

`ImportsConfig.ready()` imports every app's `imports.py` (design.md, "Layout"); the engine, the
command, the upload page and the XLSX templates then offer every registered kind. Adding a kind
of file in a later app is this one declaration.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

# Column types the engine parses (contract.md, "Values").
TEXT = "text"  # free text, spaces collapsed
CODE = "code"  # an identifier; an XLSX number is read without ".0"
CITIZEN_ID = "citizen_id"  # 12 digits; an XLSX number that lost its leading zeros gets them back
INT = "int"  # a whole number (area codes, counts)
YEAR = "year"
MONEY = "money"  # whole VND
DECIMAL = "decimal"
DATE = "date"  # YYYY-MM-DD, dd/mm/yyyy or an XLSX date cell
MONTH = "month"  # YYYY-MM
ENUM = "enum"  # one of `choices`, by key
TYPES = {TEXT, CODE, CITIZEN_ID, INT, YEAR, MONEY, DECIMAL, DATE, MONTH, ENUM}

# Who may import a kind: officers (their communes) and heads (their province), or heads only.
# The command acts as an admin and may import every kind.
OFFICERS_AND_HEADS = "officers_and_heads"
HEADS_ONLY = "heads_only"


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    type: str = TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    # Event dates may not lie in the future (contract.md, "Event dates").
    event_date: bool = False

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"column {self.key!r}: unknown type {self.type!r}")
        if self.type == ENUM and not self.choices:
            raise ValueError(f"column {self.key!r}: an enumeration needs its choices")


Hook = Callable[[Any], None]


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: str | Promise
    columns: tuple[Column, ...]
    # The row's key (any hashable) or None when the row always adds (kinds without a key).
    row_key: Callable[[Any], Any] | None
    # The columns a "same key twice" problem names (the first one is named in the line).
    key_columns: tuple[str, ...]
    validate: Hook
    apply: Hook
    who: str = OFFICERS_AND_HEADS
    order: int = 100
    help: str | Promise = ""
    # Called inside the undo's transaction with the pks it restored or removed, per model
    # label ("app.Model"), for totals a kind keeps elsewhere (a draft run's sum, say).
    after_undo: Callable[[dict[str, set[int]]], None] | None = None
    # Called before anything is undone, with the pks the import added or changed per model
    # label; it may refuse the undo (UndoRefused), e.g. for records a closed round locks.
    before_undo: Callable[[dict[str, set[int]]], None] | None = None
    by_column: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_column", {c.key: c for c in self.columns})
        unknown = [k for k in self.key_columns if k not in self.by_column]
        if unknown:
            raise ValueError(f"kind {self.key!r}: key columns {unknown} are not columns")

    @property
    def required(self) -> list[str]:
        return [c.key for c in self.columns if c.required]

    def may_import(self, user) -> bool:
        """Whether `user` may import this kind at all (None is the command: an admin)."""
        if user is None or user.is_superuser or user.role == "admin":
            return True
        if not user.has_perm("welfare.import_records"):
            return False
        if self.who == HEADS_ONLY:
            return user.role == "head"
        return True


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    existing = _KINDS.get(kind.key)
    if existing is not None and existing.validate.__qualname__ != kind.validate.__qualname__:
        raise ValueError(f"import kind {kind.key!r} is declared twice")
    _KINDS[kind.key] = kind
    return kind


def kinds() -> list[ImportKind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.key))


def kind_for(key: str) -> ImportKind | None:
    return _KINDS.get(key)


def kinds_for(user) -> list[ImportKind]:
    return [k for k in kinds() if k.may_import(user)]
