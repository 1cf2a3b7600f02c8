"""What a projection is: declared tables and a pure fold from recorded events to rows.

A fold sees rows only through a :class:`Rows` view (get, put, delete by primary key) and the
event it is given, so the same fold serves incremental catch-up and a full rebuild, and the
store decides how rows are cached and written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .base import Recorded

Row = dict[str, Any]
Key = tuple[Any, ...]

# "bool" is stored as 0/1 on every backend, so SQL compares it with 0 or 1, never TRUE/FALSE.
COLUMN_TYPES = frozenset({"text", "int", "real", "json", "bool"})


@dataclass(frozen=True)
class Table:
    """A projection table: its columns (name -> type), primary key, secondary indexes (each a
    tuple of columns, a column optionally followed by " DESC") and the text columns that
    full-text search covers (``search``: the store keeps a text index over them)."""

    name: str
    columns: Mapping[str, str]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    search: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        bad = {t for t in self.columns.values() if t not in COLUMN_TYPES}
        if bad:
            raise ValueError(f"table {self.name}: unknown column types {bad}")
        missing = [k for k in self.key if k not in self.columns]
        if missing:
            raise ValueError(f"table {self.name}: key columns {missing} not declared")
        indexed = [c.removesuffix(" DESC") for cols in self.indexes for c in cols]
        missing = [c for c in indexed + list(self.search) if c not in self.columns]
        if missing:
            raise ValueError(f"table {self.name}: indexed columns {missing} not declared")
        if any(self.columns[c] != "text" for c in self.search):
            raise ValueError(f"table {self.name}: only text columns can be searched")

    def key_of(self, row: Row) -> Key:
        return tuple(row[k] for k in self.key)


class Rows(Protocol):
    """The only window a fold has on stored state."""

    def get(self, table: str, *key: Any) -> Row | None: ...

    def put(self, table: str, row: Row) -> None: ...

    def delete(self, table: str, *key: Any) -> None: ...


Fold = Callable[[Rows, Recorded], None]
# Which rows a fold will read for an event: lets the store fetch a batch's rows in one query.
Needs = Callable[[Recorded], list[tuple[str, Key]]]


@dataclass(frozen=True)
class Projection:
    """A named read model. Bump ``version`` when the fold or tables change: it forces a rebuild."""

    name: str
    version: int
    tables: tuple[Table, ...]
    fold: Fold
    handles: frozenset[str] = field(default_factory=frozenset)  # event types; empty = all
    needs: Needs | None = None

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"{self.name} has no table {name}")

    def apply(self, rows: Rows, recorded: Recorded) -> None:
        if not self.handles or recorded.type in self.handles:
            self.fold(rows, recorded)


class MemoryRows:
    """Rows held in dicts: the reference implementation of :class:`Rows`, used by tests and
    by anything that folds a slice of the log in memory (the "as of" queries)."""

    def __init__(self, projection: Projection) -> None:
        self.projection = projection
        self.tables: dict[str, dict[Key, Row]] = {t.name: {} for t in projection.tables}

    def get(self, table: str, *key: Any) -> Row | None:
        row = self.tables[table].get(key)
        return dict(row) if row is not None else None

    def put(self, table: str, row: Row) -> None:
        t = self.projection.table(table)
        self.tables[table][t.key_of(row)] = dict(row)

    def delete(self, table: str, *key: Any) -> None:
        self.tables[table].pop(key, None)

    def fold(self, recorded: Recorded) -> None:
        self.projection.apply(self, recorded)
