"""What SQLite and PostgreSQL share: the log's tables, appends, reads and projection storage.

Backends supply connections, placeholders, column types, how appends are serialised and how
a batch of rows is inserted; everything else is written once here.
"""

from __future__ import annotations

import uuid
import zlib
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from orjson import loads

from events import Event, Recorded
from events.base import make_recorded
from events.registry import decoder
from events.projection import Key, Projection, Row, Table

from . import search
from .base import (ANY, AppendResult, Checkpoint, PackedPage, ProjectionTx, Store, pack_page,
                   table_name)
from .errors import CheckpointMoved, ConcurrencyError

PAGE_SIZE = 1000
MAX_PAGE_SIZE = 8000
EVENT_COLUMNS = ("position", "id", "stream", "stream_version", "type", "version",
                 "recorded_at", "causation_id", "correlation_id", "data")
_SELECT_EVENTS = "SELECT " + ", ".join(EVENT_COLUMNS) + " FROM events"


def dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class SqlStore(Store):
    """The common SQL implementation of :class:`Store`."""

    placeholder = "?"
    column_types: dict[str, str] = {}
    # What the backend raises when an insert breaks a unique index.
    _duplicate_id_errors: tuple[type[Exception], ...] = ()
    _encode_before_lock = True

    # --- backend hooks -------------------------------------------------------------------
    @abstractmethod
    def _tx(self, write: bool = False) -> AbstractContextManager[Any]:
        """A connection inside a transaction, committed on exit, rolled back on error."""

    @abstractmethod
    def _lock_appends(self, conn: Any) -> None:
        """Serialise appends so positions become visible in order (readers never skip)."""

    @abstractmethod
    def _insert_event_rows(self, conn: Any, rows: Iterable[tuple], count: int) -> None:
        """Insert ``count`` log rows, given in position order (a list when
        ``_encode_before_lock``, else produced as they are consumed)."""

    @abstractmethod
    def _encode_time(self, at: datetime) -> Any: ...

    @abstractmethod
    def _decode_time(self, value: Any) -> datetime: ...

    def _select_events(self) -> str:
        return _SELECT_EVENTS

    def _fetch_events(self, conn: Any, sql: str, params: Sequence[Any]) -> list[tuple]:
        """Rows of a query on the log (columns as ``_select_events`` lists them)."""
        return self._execute(conn, sql, params).fetchall()

    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def _execute(self, conn: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        return conn.execute(self._sql(sql), params)

    # --- the log -------------------------------------------------------------------------
    def append(
        self, stream: str, events: Sequence[Event], expected_version: int = ANY
    ) -> AppendResult:
        if not events:
            return AppendResult(self.stream_version(stream), self.head(), 0)
        return self.append_streams([(stream, events, expected_version)])[0]

    def append_streams(
        self, appends: Sequence[tuple[str, Sequence[Event], int]], *,
        page: PackedPage | None = None,
    ) -> list[AppendResult]:
        streams = [stream for stream, _, _ in appends]
        if len(set(streams)) != len(streams):
            raise ValueError("append_streams names a stream twice")
        ids = [e.id for _, events, _ in appends for e in events]
        if len(set(ids)) != len(ids):
            raise ValueError("an append must not repeat an event id")
        # SQLite encodes before taking the lock, so other appenders wait only for the writes;
        # PostgreSQL encodes while COPY streams, so the server is already storing the first
        # rows while the last ones are encoded.
        batches = [(stream, [(e, dumps(e.data()) if self._encode_before_lock else None)
                             for e in events], expected)
                   for stream, events, expected in appends]
        try:
            return self._append(batches, page, False)
        except self._duplicate_id_errors:
            # Some ids are in the log already (a retried append): do it again, filtering them.
            return self._append(batches, page, True)

    def _append(self, batches: list[tuple[str, list[tuple[Event, str | None]], int]],
                page: PackedPage | None, check_ids: bool) -> list[AppendResult]:
        with self._tx(write=True) as conn:
            if page is not None:  # before the append lock: other appenders need not wait on it
                self._insert_page(conn, page)
            self._lock_appends(conn)
            head, versions = self._positions(conn, [stream for stream, _, _ in batches])
            # The unique index on ids refuses a repeated id anyway, so ids are looked up only
            # when that happened, or before refusing an append whose expected version is off
            # (the stored events may be this very append's, retried after a lost reply).
            off = [expected != ANY and version != expected
                   for (_, _, expected), version in zip(batches, versions, strict=True)]
            if check_ids or any(off):
                seen = self._existing_ids(conn, [e.id for _, items, _ in batches for e, _ in items])
                batches = [(stream, [it for it in items if it[0].id not in seen], expected)
                           for stream, items, expected in batches]
                for (stream, items, expected), version, wrong in zip(batches, versions, off, strict=True):
                    if items and wrong:
                        raise ConcurrencyError(stream, expected, version)
            at = self._encode_time(datetime.now(UTC))
            results: list[AppendResult] = []
            position = head
            for (_stream, items, _), version in zip(batches, versions, strict=True):
                # A stream whose events were all stored already (a retried append) is done.
                results.append(AppendResult(version + len(items), position + len(items),
                                            len(items)) if items else
                               AppendResult(version, head, 0))
                position += len(items)
            n = position - head
            if n:
                rows = self._rows(batches, versions, head, at)
                self._insert_event_rows(conn, rows if not self._encode_before_lock else list(rows), n)
                self._after_append(conn, head + n)
        return results

    @staticmethod
    def _rows(batches: list[tuple[str, list[tuple[Event, str | None]], int]], versions: list[int],
              head: int, at: Any) -> Iterator[tuple]:
        position = head
        for (stream, items, _), version in zip(batches, versions, strict=True):
            for i, (e, data) in enumerate(items, 1):
                position += 1
                yield (position, e.id, stream, version + i, e.TYPE, e.VERSION, at, e.causation_id,
                       e.correlation_id, dumps(e.data()) if data is None else data)

    def _positions(self, conn: Any, streams: list[str]) -> tuple[int, list[int]]:
        """The log's head and each stream's version, in one round trip."""
        row = self._execute(
            conn, "SELECT (SELECT MAX(position) FROM events)" + "".join(
                ", (SELECT MAX(stream_version) FROM events WHERE stream = ?)" for _ in streams),
            streams).fetchone()
        return row[0] or 0, [v or 0 for v in row[1:]]

    def _after_append(self, conn: Any, position: int) -> None:
        """Hook for backends that notify followers."""

    def _existing_ids(self, conn: Any, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(r[0] for r in self._execute(
                conn, f"SELECT id FROM events WHERE id IN ({marks})", chunk))
        return found

    def _stream_version(self, conn: Any, stream: str) -> int:
        row = self._execute(conn, "SELECT MAX(stream_version) FROM events WHERE stream = ?",
                            (stream,)).fetchone()
        return row[0] or 0

    def _head(self, conn: Any) -> int:
        return self._execute(conn, "SELECT MAX(position) FROM events").fetchone()[0] or 0

    def _recorded(self, row: Sequence[Any]) -> Recorded:
        return self._recorded_page([row])[0]

    def _recorded_page(self, rows: list[Sequence[Any]]) -> list[Recorded]:
        # The hot loop of every replay: locals only, one decoder per (type, version) and one
        # parse per run of equal timestamps (a batch shares one).
        decoders: dict[tuple[str, int], Any] = {}
        decode_time = self._decode_time
        last_at: Any = None
        when: datetime | None = None
        out = []
        for position, eid, stream, sv, type_, version, at, causation, correlation, data in rows:
            dec = decoders.get((type_, version))
            if dec is None:
                dec = decoders[(type_, version)] = decoder(type_, version)
            if at != last_at:
                when, last_at = decode_time(at), at
            out.append(make_recorded(position, stream, sv, when,
                                     dec(loads(data), eid, causation, correlation)))
        return out

    def read_all(
        self, after: int = 0, limit: int | None = None, types: Iterable[str] | None = None
    ) -> Iterator[Recorded]:
        # Keyset pages: constant memory however long the log, and no long-held transaction.
        # Pages grow while the reader keeps reading (a replay), up to MAX_PAGE_SIZE: fewer
        # queries and round trips, while a reader that wants a few events still gets a page.
        type_list = sorted(set(types)) if types is not None else None
        left = limit
        size = PAGE_SIZE
        while left is None or left > 0:
            page = size if left is None else min(size, left)
            size = min(size * 2, MAX_PAGE_SIZE)
            sql = self._select_events() + " WHERE position > ?"
            params: list[Any] = [after]
            if type_list is not None:
                if not type_list:
                    return
                sql += f" AND type IN ({','.join('?' * len(type_list))})"
                params += type_list
            sql += " ORDER BY position LIMIT ?"
            params.append(page)
            with self._tx() as conn:
                rows = self._fetch_events(conn, sql, params)
            yield from self._recorded_page(rows)
            if len(rows) < page:
                return
            after = rows[-1][0]
            if left is not None:
                left -= len(rows)

    def read_stream(self, stream: str, after_version: int = 0) -> list[Recorded]:
        with self._tx() as conn:
            rows = self._fetch_events(
                conn, self._select_events() + " WHERE stream = ? AND stream_version > ? "
                "ORDER BY stream_version", (stream, after_version))
        return self._recorded_page(rows)

    def stream_version(self, stream: str) -> int:
        with self._tx() as conn:
            return self._stream_version(conn, stream)

    def stream_versions(self, streams: Sequence[str]) -> dict[str, int]:
        # One query per 500 streams, not one per stream: a list of sources asks for all.
        found = dict.fromkeys(streams, 0)
        names = list(found)
        with self._tx() as conn:
            for i in range(0, len(names), 500):
                chunk = names[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for stream, version in self._execute(
                        conn, f"SELECT stream, MAX(stream_version) FROM events "
                              f"WHERE stream IN ({marks}) GROUP BY stream", chunk):
                    found[stream] = version
        return found

    def head(self) -> int:
        with self._tx() as conn:
            return self._head(conn)

    def count(self) -> dict[str, int]:
        with self._tx() as conn:
            rows = self._execute(
                conn, "SELECT type, COUNT(*) FROM events GROUP BY type ORDER BY type").fetchall()
        return {t: n for t, n in rows}

    def get_event(self, event_id: str) -> Recorded | None:
        with self._tx() as conn:
            row = self._execute(conn, self._select_events() + " WHERE id = ?", (event_id,)).fetchone()
        return self._recorded(row) if row else None

    # --- raw pages -----------------------------------------------------------------------
    def put_page(self, body: bytes) -> str:
        # Compressed before the write transaction: other writers do not wait on it.
        page = pack_page(body)
        with self._tx(write=True) as conn:
            self._insert_page(conn, page)
        return page.sha256

    def _insert_page(self, conn: Any, page: PackedPage) -> None:
        self._execute(conn, "INSERT INTO pages (sha256, size, body) VALUES (?, ?, ?) "
                      "ON CONFLICT (sha256) DO NOTHING", (page.sha256, page.size, page.packed))

    def get_page(self, sha256: str) -> bytes | None:
        with self._tx() as conn:
            row = self._execute(conn, "SELECT body FROM pages WHERE sha256 = ?",
                                (sha256,)).fetchone()
        return zlib.decompress(row[0]) if row else None

    # --- schema --------------------------------------------------------------------------
    def _ddl_table(self, name: str, table: Table, indexes: bool = True) -> list[str]:
        cols = ", ".join(f"{c} {self.column_types[t]}" for c, t in table.columns.items())
        statements = [f"CREATE TABLE IF NOT EXISTS {name} ({cols}, PRIMARY KEY ({', '.join(table.key)}))"]
        if not indexes:
            return statements
        return statements + self._ddl_indexes(name, table) + self._ddl_search(name, table)

    # --- full-text search (backend hooks) ------------------------------------------------
    # Whether a rebuilt table gets its text index before the swap (PostgreSQL: a column of
    # the table itself) or after it is renamed live (SQLite: a table naming its content
    # table, which a rename would not follow).
    _search_before_swap = True

    def _ddl_search(self, name: str, table: Table) -> list[str]:
        """Statements that build and keep the text index over ``table.search``."""
        return []

    def _drop_search(self, conn: Any, name: str) -> None:
        """Remove what _ddl_search made that dropping the table does not."""

    def text_match(self, name: str, query: search.Query) -> tuple[str, list[Any]]:
        """An SQL condition on live table ``name`` (a table with ``search`` columns) that
        holds for the rows matching ``query``, and its parameters."""
        raise NotImplementedError

    def text_ranked(self, name: str, query: search.Query) -> tuple[str, str, str, list[Any]]:
        """What reads ``name``'s rows matching ``query`` best first: a FROM clause (its
        columns named ``name.column``), a condition, an ORDER BY expression (lower is
        better) and the parameters of the condition."""
        raise NotImplementedError

    def _ddl_indexes(self, name: str, table: Table) -> list[str]:
        # Index names carry a token: a rebuilt table keeps its index names after the swap,
        # so the next rebuild must not reuse them.
        token = uuid.uuid4().hex[:8]
        return [f"CREATE INDEX IF NOT EXISTS ix_{name}_{i}_{token} ON {name} ({', '.join(cols)})"
                for i, cols in enumerate(table.indexes)]

    def _create_rebuild_table(self, conn: Any, name: str, table: Table) -> None:
        # Secondary indexes come at the swap: one sorted build of each is far cheaper than
        # keeping them up to date row by row through the whole replay.
        for stmt in self._ddl_table(name, table, indexes=False):
            self._execute(conn, stmt)

    def _finish_rebuild_table(self, conn: Any, name: str, table: Table) -> None:
        for stmt in self._ddl_indexes(name, table) + (
                self._ddl_search(name, table) if self._search_before_swap else []):
            self._execute(conn, stmt)

    def _table_exists(self, conn: Any, name: str) -> bool:
        raise NotImplementedError

    def ensure_projection(self, projection: Projection) -> Checkpoint:
        with self._tx(write=True) as conn:
            self._execute(conn, "INSERT INTO checkpoints (name, target, version, position) "
                          "VALUES (?, 'live', ?, 0) ON CONFLICT (name, target) DO NOTHING",
                          (projection.name, projection.version))
            for table in projection.tables:
                name = table_name(projection.name, table.name)
                if not self._table_exists(conn, name):
                    for stmt in self._ddl_table(name, table):
                        self._execute(conn, stmt)
        return self.checkpoint(projection.name, "live")

    def reset_rebuild(self, projection: Projection) -> None:
        with self._tx(write=True) as conn:
            for table in projection.tables:
                name = table_name(projection.name, table.name, "rebuild")
                self._execute(conn, f"DROP TABLE IF EXISTS {name}")
                self._create_rebuild_table(conn, name, table)
            self._execute(conn, "DELETE FROM checkpoints WHERE name = ? AND target = 'rebuild'",
                          (projection.name,))
            self._execute(conn, "INSERT INTO checkpoints (name, target, version, position) "
                          "VALUES (?, 'rebuild', ?, 0)", (projection.name, projection.version))

    def swap_in_rebuild(self, projection: Projection) -> None:
        with self._tx(write=True) as conn:
            rebuilt = self._execute(
                conn, "SELECT position, version FROM checkpoints WHERE name = ? AND "
                "target = 'rebuild'", (projection.name,)).fetchone()
            if rebuilt is None:
                raise RuntimeError(f"no rebuild of {projection.name} to swap in")
            for table in projection.tables:
                self._finish_rebuild_table(
                    conn, table_name(projection.name, table.name, "rebuild"), table)
            for table in projection.tables:
                live = table_name(projection.name, table.name)
                self._drop_search(conn, live)
                self._execute(conn, f"DROP TABLE IF EXISTS {live}")
                self._execute(conn, f"ALTER TABLE {table_name(projection.name, table.name, 'rebuild')} "
                              f"RENAME TO {live}")
                if not self._search_before_swap:
                    for stmt in self._ddl_search(live, table):
                        self._execute(conn, stmt)
            self._execute(conn, "DELETE FROM checkpoints WHERE name = ?", (projection.name,))
            self._execute(conn, "INSERT INTO checkpoints (name, target, version, position, "
                          "updated_at) VALUES (?, 'live', ?, ?, ?)",
                          (projection.name, rebuilt[1], rebuilt[0],
                           datetime.now(UTC).isoformat()))

    def checkpoint(self, name: str, target: str = "live") -> Checkpoint:
        with self._tx() as conn:
            row = self._execute(conn, "SELECT name, target, version, position, updated_at "
                                "FROM checkpoints WHERE name = ? AND target = ?",
                                (name, target)).fetchone()
        if row is None:
            raise LookupError(f"projection {name} ({target}) has no checkpoint")
        return Checkpoint(*row)

    def checkpoints(self) -> list[Checkpoint]:
        with self._tx() as conn:
            rows = self._execute(conn, "SELECT name, target, version, position, updated_at "
                                 "FROM checkpoints ORDER BY name, target").fetchall()
        return [Checkpoint(*r) for r in rows]

    @contextmanager
    def projection_tx(self, projection: Projection, target: str = "live") -> Iterator[ProjectionTx]:
        with self._tx(write=True) as conn:
            self._begin_projection_tx(conn, target)
            yield _SqlProjectionTx(self, conn, projection, target)

    def _begin_projection_tx(self, conn: Any, target: str) -> None:
        """Hook: settings for a projection transaction."""

    def _insert_rows(self, conn: Any, name: str, table: Table, rows: list[tuple]) -> None:
        """Insert rows whose keys are not in the table yet."""
        cols = list(table.columns)
        conn.cursor().executemany(self._sql(
            f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"), rows)

    # --- queries -------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._tx() as conn, self._budget(conn, self.read_budget):
            cur = self._execute(conn, sql, params)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    @contextmanager
    def _budget(self, conn: Any, seconds: float | None) -> Iterator[None]:
        """Stop the statements run inside after ``seconds`` with QueryTimeout (backend hook)."""
        yield

    def _execute_raw(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement in a write transaction (tests and maintenance only)."""
        with self._tx(write=True) as conn:
            self._execute(conn, sql, params)

    def healthy(self) -> bool:
        try:
            with self._tx() as conn:
                self._execute(conn, "SELECT 1").fetchone()
            return True
        except Exception:  # noqa: BLE001 - any failure means "not healthy"
            return False


class RowCodec:
    """Turns a table's rows into statement parameters and back; built once per table
    because this runs for every row a projection writes."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.columns = list(table.columns)
        self.json = [i for i, c in enumerate(self.columns) if table.columns[c] == "json"]
        self.bool = [i for i, c in enumerate(self.columns) if table.columns[c] == "bool"]
        # One tuple display per table, generated: no per-column loop or list per row.
        # Column names are checked identifiers (they are spliced into SQL as well).
        parts = []
        for i, c in enumerate(self.columns):
            if not c.isidentifier():
                raise ValueError(f"table {table.name}: bad column name {c!r}")
            if i in self.json:
                parts.append(f"None if (v := row.get({c!r})) is None else dumps(v)")
            elif i in self.bool:
                parts.append(f"None if (v := row.get({c!r})) is None else int(bool(v))")
            else:
                parts.append(f"row.get({c!r})")
        namespace: dict[str, Any] = {"dumps": dumps}
        exec(f"def encode(row):\n    return ({', '.join(parts)},)\n", namespace)  # noqa: S102
        self.encode = namespace["encode"]

    def decode(self, values: Sequence[Any]) -> Row:
        row = dict(zip(self.columns, values, strict=True))
        for i in self.json:
            c = self.columns[i]
            if row[c] is not None:
                row[c] = orjson.loads(row[c])
        for i in self.bool:
            c = self.columns[i]
            if row[c] is not None:
                row[c] = bool(row[c])
        return row


_CODECS: dict[int, RowCodec] = {}


def codec(table: Table) -> RowCodec:
    c = _CODECS.get(id(table))
    if c is None or c.table is not table:  # an id can be reused once a table is gone
        c = _CODECS[id(table)] = RowCodec(table)
    return c


class _SqlProjectionTx(ProjectionTx):
    def __init__(self, store: SqlStore, conn: Any, projection: Projection, target: str) -> None:
        self.store, self.conn, self.projection, self.target = store, conn, projection, target
        lock = " FOR UPDATE" if store.placeholder != "?" else ""
        row = store._execute(conn, "SELECT position FROM checkpoints WHERE name = ? AND "
                             "target = ?" + lock, (projection.name, target)).fetchone()
        if row is None:
            raise LookupError(f"projection {projection.name} ({target}) is not set up")
        self.checkpoint = row[0]
        self._start = row[0]

    def _name(self, table: Table) -> str:
        return table_name(self.projection.name, table.name, self.target)

    def load(self, table: str, key: Key) -> Row | None:
        t = self.projection.table(table)
        c = codec(t)
        where = " AND ".join(f"{k} = ?" for k in t.key)
        row = self.store._execute(self.conn, f"SELECT {', '.join(c.columns)} FROM "
                                  f"{self._name(t)} WHERE {where}", key).fetchone()
        return None if row is None else c.decode(row)

    def load_many(self, table: str, keys: list[Key]) -> dict[Key, Row]:
        t = self.projection.table(table)
        c = codec(t)
        if len(t.key) != 1 or not keys:
            return {k: r for k in keys if (r := self.load(table, k)) is not None}
        found: dict[Key, Row] = {}
        for i in range(0, len(keys), 500):
            chunk = [k[0] for k in keys[i:i + 500]]
            rows = self.store._execute(
                self.conn, f"SELECT {', '.join(c.columns)} FROM {self._name(t)} WHERE "
                f"{t.key[0]} IN ({','.join('?' * len(chunk))})", chunk).fetchall()
            for values in rows:
                row = c.decode(values)
                found[(row[t.key[0]],)] = row
        return found

    def write(self, upserts: dict[str, dict[Key, Row]], deletes: dict[str, set[Key]],
              inserts: dict[str, dict[Key, Row]] | None = None) -> None:
        for tname, keys in deletes.items():
            if keys:
                t = self.projection.table(tname)
                where = " AND ".join(f"{k} = ?" for k in t.key)
                self.conn.cursor().executemany(self.store._sql(
                    f"DELETE FROM {self._name(t)} WHERE {where}"), list(keys))
        for tname, rows in (inserts or {}).items():
            if rows:
                t = self.projection.table(tname)
                encode = codec(t).encode
                self.store._insert_rows(self.conn, self._name(t), t,
                                        [encode(r) for r in rows.values()])
        for tname, rows in upserts.items():
            if not rows:
                continue
            t = self.projection.table(tname)
            cols = list(t.columns)
            sets = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in t.key)
            sql = (f"INSERT INTO {self._name(t)} ({', '.join(cols)}) VALUES "
                   f"({', '.join('?' * len(cols))}) ON CONFLICT ({', '.join(t.key)}) "
                   f"DO UPDATE SET {sets}")
            encode = codec(t).encode
            params = [encode(r) for r in rows.values()]
            self.conn.cursor().executemany(self.store._sql(sql), params)

    def advance(self, position: int) -> None:
        if position < self._start:
            raise CheckpointMoved(f"{self.projection.name}: checkpoint would move backwards")
        cur = self.store._execute(
            self.conn, "UPDATE checkpoints SET position = ?, updated_at = ? WHERE name = ? AND "
            "target = ? AND position = ?", (position, datetime.now(UTC).isoformat(),
                                            self.projection.name, self.target, self._start))
        if cur.rowcount != 1:
            raise CheckpointMoved(f"{self.projection.name}: another runner moved the checkpoint")
        self.checkpoint = self._start = position
