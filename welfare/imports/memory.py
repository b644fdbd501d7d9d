"""What an import remembers of its file from one chunk to the next, kept in the database.

The checks across a whole file (a key may appear only once, a citizen ID is given to one
person, a member is changed by one row) need something per row of the file. Kept in Python,
that grows with the file (about 140 bytes a row: a province's 430,000 cards took 60 MB more
than a quarter of them); kept here it does not: a temporary table of the import's own
transaction, `key -> (first row, data)`, read once per chunk for that chunk's keys and written
once per chunk with what the chunk adds. The table lives in the connection only (PostgreSQL
and SQLite alike), is emptied when the import starts and dropped when it ends, and goes with
the transaction when that is rolled back: two imports never see each other's keys.

Keys are text, each prefixed by what it is about (`seen:`, `id:`...): one table, one lookup.
"""

import json
from collections.abc import Iterable

from django.db import connection as default_connection

TABLE = "welfare_import_memory"


def key_text(key) -> str:
    """A row key as text, the same text for equal keys: a code as it is, a tuple (household and
    year, the members' keys) as JSON with its dates written out. All keys of a kind have one
    shape, so a code and a tuple never meet."""
    if type(key) is str:
        return key
    return json.dumps(key, default=str, ensure_ascii=False, separators=(",", ":"))


class FileMemory:
    """The import's table: `get` what earlier chunks recorded for some keys, `add` what this
    chunk records (the first row to record a key keeps it), `flush` it once per chunk."""

    def __init__(self, connection=None):
        self.connection = connection or default_connection
        self.pending: dict[str, tuple[int, str]] = {}
        self.open_ = False

    @property
    def _postgres(self) -> bool:
        return self.connection.vendor == "postgresql"

    def _qualified(self) -> str:
        return f"pg_temp.{TABLE}" if self._postgres else f"temp.{TABLE}"

    def open(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self._qualified()}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {TABLE} "
                "(key text PRIMARY KEY, row integer NOT NULL, data text NOT NULL)"
            )
        self.pending = {}
        self.open_ = True

    def close(self) -> None:
        if self.open_:
            with self.connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self._qualified()}")
        self.pending = {}
        self.open_ = False

    def get(self, keys: Iterable[str]) -> dict[str, tuple[int, str]]:
        """What earlier chunks recorded for these keys (one query), with this chunk's `add`s."""
        keys = list(set(keys))
        found: dict[str, tuple[int, str]] = {}
        if keys:
            with self.connection.cursor() as cursor:
                if self._postgres:
                    # One array parameter: the server parses one value, not thousands.
                    cursor.execute(
                        f"SELECT key, row, data FROM {TABLE} WHERE key = ANY(%s)", [keys]
                    )
                else:
                    # One JSON parameter: a chunk's keys are more than SQLite's 999 parameters.
                    cursor.execute(
                        f"SELECT key, row, data FROM {TABLE} "
                        "WHERE key IN (SELECT value FROM json_each(%s))",
                        [json.dumps(keys, ensure_ascii=False)],
                    )
                found = {key: (row, data) for key, row, data in cursor.fetchall()}
        for key in keys:
            if key not in found and key in self.pending:
                found[key] = self.pending[key]
        return found

    def add(self, key: str, row: int, data: str = "") -> None:
        self.pending.setdefault(key, (row, data))

    def flush(self) -> None:
        """Write this chunk's `add`s (one statement); a key already recorded keeps its row."""
        if not self.pending:
            return
        keys = list(self.pending)
        with self.connection.cursor() as cursor:
            if self._postgres:
                cursor.execute(
                    f"INSERT INTO {TABLE} (key, row, data) "
                    "SELECT * FROM unnest(%s::text[], %s::integer[], %s::text[]) "
                    "ON CONFLICT (key) DO NOTHING",
                    [keys, [self.pending[k][0] for k in keys], [self.pending[k][1] for k in keys]],
                )
            else:
                cursor.executemany(
                    f"INSERT OR IGNORE INTO {TABLE} (key, row, data) VALUES (%s, %s, %s)",
                    [(k, *self.pending[k]) for k in keys],
                )
        self.pending = {}
