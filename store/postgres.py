"""PostgreSQL backend (psycopg 3): several workers and API replicas on one database.

Positions are assigned under a transaction-level advisory lock, so they are gap-free and
become visible in commit order: a reader that checkpoints on position can never skip an event
committed late, the trap of sequence-assigned positions.
"""

from __future__ import annotations

import re
import select
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg_pool import ConnectionPool, PoolTimeout

from . import search
from .errors import QueryTimeout, StoreUnavailable
from .sql import SqlStore

APPEND_LOCK = 0x6C657474  # "lett": one advisory lock key for every appender
COPY_THRESHOLD = 8  # below this, plain INSERTs beat COPY's set-up cost
RECONNECT_WINDOW = 30.0  # seconds; see PostgresStore.__init__
DOWN_WAIT = 1.0  # seconds a caller waits for a connection while the database is down
# A database host that vanishes without closing its connections (a network partition, a
# paused VM) would leave a query waiting forever: TCP keepalives and a send timeout end the
# wait within about a minute, and the pool then reconnects.
LIVENESS_OPTIONS = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
                    "keepalives_count": 3, "tcp_user_timeout": 60_000}

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    position BIGINT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    stream_version INTEGER NOT NULL,
    type TEXT NOT NULL,
    version INTEGER NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    causation_id TEXT,
    correlation_id TEXT,
    data JSON NOT NULL,
    UNIQUE (stream, stream_version)
);
CREATE OR REPLACE FUNCTION letterwatch_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the event log is append-only'; END $$ LANGUAGE plpgsql;
CREATE OR REPLACE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
FOR EACH ROW EXECUTE FUNCTION letterwatch_append_only();
CREATE TABLE IF NOT EXISTS pages (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    body BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
    name TEXT NOT NULL,
    target TEXT NOT NULL,
    version INTEGER NOT NULL,
    position BIGINT NOT NULL,
    updated_at TEXT,
    PRIMARY KEY (name, target)
);
"""

_SELECT_PG = ("SELECT position, id, stream, stream_version, type, version, recorded_at, "
              "causation_id, correlation_id, data::text FROM events")
# json's binary form is its text, so the serialised payload goes over as text.
COPY_TYPES = ["int8", "text", "text", "int4", "text", "int4", "timestamptz", "text", "text",
              "text"]
# Projection column types (see column_types) as binary COPY names them.
_COPY_COLUMN_TYPES = {"text": "text", "int": "int8", "real": "float8", "json": "text",
                      "bool": "int2"}
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresStore(SqlStore):
    """Event log and projections in PostgreSQL, through a connection pool."""

    placeholder = "%s"
    column_types = {"text": "TEXT", "int": "BIGINT", "real": "DOUBLE PRECISION",
                    "json": "TEXT", "bool": "SMALLINT"}
    _duplicate_id_errors = (psycopg.errors.UniqueViolation,)
    _encode_before_lock = False

    def __init__(self, url: str, *, schema: str = "public", pool_size: int = 8,
                 connect_timeout: float = 10.0) -> None:
        if not _SCHEMA_NAME.match(schema):
            raise ValueError(f"not a usable schema name: {schema!r}")
        self.url = url
        self.schema = schema
        self.channel = f"letterwatch_{schema}"
        self._listener: psycopg.Connection | None = None
        self.connect_timeout = connect_timeout
        self._down = False
        self.pool = ConnectionPool(
            url, min_size=1, max_size=pool_size, open=False, timeout=connect_timeout,
            configure=self._configure, check=self._check,
            kwargs={"connect_timeout": max(1, int(connect_timeout)), **LIVENESS_OPTIONS},
            # The pool retries a lost connection with exponential backoff until this many
            # seconds have passed, then starts afresh on the next request: the wait between
            # the database coming back and the pool noticing stays under about 15 s.
            reconnect_timeout=RECONNECT_WINDOW,
        )
        try:
            self.pool.open(wait=True, timeout=connect_timeout)
            with self._tx(write=True) as conn:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK + 1,))
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
                conn.execute(f"SET LOCAL search_path TO {schema}")
                conn.execute(SCHEMA)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            self.pool.close()
            raise StoreUnavailable(f"PostgreSQL at {_safe(url)}: {exc}") from exc

    def _configure(self, conn: psycopg.Connection) -> None:
        conn.adapters.register_dumper(bool, _BoolAsSmallintText)
        conn.adapters.register_dumper(bool, _BoolAsSmallintBinary)
        conn.execute(f"SET search_path TO {self.schema}")
        conn.commit()

    def _check(self, conn: psycopg.Connection) -> None:
        """Run by the pool before it hands a connection out. An idle connection has nothing
        to read unless the server hung up on it (a restart, a terminated backend): one
        poll() of the socket tells, where a round trip on every request would cost more."""
        if not _hung_up(conn):
            return
        # Its siblings in the pool were most likely cut too: sort them all out now, so the
        # next requests get fresh connections instead of failing or waiting one by one.
        self.pool.check()
        conn.close()  # closed, the pool discards it rather than take it back
        raise psycopg.OperationalError("the server closed this idle connection")

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[psycopg.Connection]:
        # While the database is known to be down, callers learn it at once rather than
        # each waiting the full connect timeout for a connection that will not come.
        wait = DOWN_WAIT if self._down else self.connect_timeout
        try:
            with self.pool.connection(timeout=wait) as conn, conn.transaction():
                yield conn
        except QueryTimeout:
            raise  # the database answered: it is not down
        except (psycopg.OperationalError, PoolTimeout) as exc:
            self._down = True
            raise StoreUnavailable(f"PostgreSQL at {_safe(self.url)}: {exc}") from exc
        self._down = False

    @contextmanager
    def _budget(self, conn: Any, seconds: float | None) -> Iterator[None]:
        if seconds is None:
            yield
            return
        # For this transaction only: the connection goes back to the pool without a limit.
        conn.execute("SELECT set_config('statement_timeout', %s, true)",
                     (str(max(1, int(seconds * 1000))),))
        try:
            yield
        except psycopg.errors.QueryCanceled as exc:
            raise QueryTimeout(f"the read took longer than {seconds:g} s and was stopped") from exc

    def _lock_appends(self, conn: Any) -> None:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (APPEND_LOCK,))

    def _insert_event_rows(self, conn: Any, rows: Any, count: int) -> None:
        if count < COPY_THRESHOLD:
            conn.cursor().executemany(
                "INSERT INTO events VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", list(rows))
            return
        with conn.cursor().copy(
            "COPY events (position, id, stream, stream_version, type, version, recorded_at, "
            "causation_id, correlation_id, data) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            # Binary COPY skips text parsing on the server; the types must be named for it.
            copy.set_types(COPY_TYPES)
            for row in rows:
                copy.write_row(row)

    def _begin_projection_tx(self, conn: Any, target: str) -> None:
        if target == "rebuild":
            # Rebuild tables stay invisible until the swap, which commits synchronously; a
            # crash can lose only the last batches together with the checkpoint that covers
            # them, and a rebuild starts over anyway. Not waiting for each flush is safe here.
            conn.execute("SET LOCAL synchronous_commit TO OFF")

    def _insert_rows(self, conn: Any, name: str, table: Any, rows: list[tuple]) -> None:
        if len(rows) < COPY_THRESHOLD:
            super()._insert_rows(conn, name, table, rows)
            return
        try:
            # A savepoint: binary COPY takes only values of its column's own type, where an
            # INSERT's parameters are cast (an int into a text column, say). A batch with
            # such a value goes in as INSERTs instead of failing where an upsert would not.
            with conn.transaction(), conn.cursor().copy(
                f"COPY {name} ({', '.join(table.columns)}) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types([_COPY_COLUMN_TYPES[t] for t in table.columns.values()])
                for row in rows:
                    copy.write_row(row)
        except (TypeError, ValueError, OverflowError):
            super()._insert_rows(conn, name, table, rows)

    # --- full-text search: a tsvector column kept by the database, with a GIN index -------
    def _ddl_search(self, name: str, table: Any) -> list[str]:
        if not table.search:
            return []
        # 'simple': words lower-cased and nothing else (no stemming, no stop words), as
        # SQLite's FTS5 index compares them, so both backends find the same rows.
        text = " || ' ' || ".join(f"coalesce({c}, '')" for c in table.search)
        token = uuid.uuid4().hex[:8]
        return [
            f"ALTER TABLE {name} ADD COLUMN IF NOT EXISTS search_tsv tsvector GENERATED ALWAYS "
            f"AS (to_tsvector('simple', {text})) STORED",
            f"CREATE INDEX IF NOT EXISTS ix_{name}_search_{token} ON {name} USING GIN (search_tsv)",
        ]

    def _finish_rebuild_table(self, conn: Any, name: str, table: Any) -> None:
        super()._finish_rebuild_table(conn, name, table)
        # Statistics now, not when autovacuum gets to the new table: the planner needs them
        # to choose between reading a common word's matches in order and sorting a rare one's.
        conn.execute(f"ANALYZE {name}")

    def text_match(self, name: str, query: Any) -> tuple[str, list[Any]]:
        return (f"{name}.search_tsv @@ to_tsquery('simple', ?)", [search.tsquery(query)])

    def text_ranked(self, name: str, query: Any) -> tuple[str, str, str, list[Any]]:
        return (f"{name}, to_tsquery('simple', ?) AS search_query",
                f"{name}.search_tsv @@ search_query", f"-ts_rank({name}.search_tsv, search_query)",
                [search.tsquery(query)])

    def _existing_ids(self, conn: Any, ids: list[str]) -> set[str]:
        # One array parameter instead of a long IN list: far less to parse on both ends.
        rows = conn.execute("SELECT id FROM events WHERE id = ANY(%s)", (ids,)).fetchall()
        return {r[0] for r in rows}

    def _after_append(self, conn: Any, position: int) -> None:
        conn.execute("SELECT pg_notify(%s, %s)", (self.channel, str(position)))

    def _fetch_events(self, conn: Any, sql: str, params: Any) -> list[tuple]:
        # Binary results: a timestamptz arrives as eight bytes rather than text to parse,
        # which made up most of the client's time per page of a replay.
        return conn.execute(self._sql(sql), params, binary=True).fetchall()

    def _select_events(self) -> str:
        # ::text hands the JSON to orjson, faster than psycopg parsing it into dicts.
        return _SELECT_PG

    def _encode_time(self, at: datetime) -> datetime:
        return at

    def _decode_time(self, value: datetime) -> datetime:
        return value

    def _table_exists(self, conn: Any, name: str) -> bool:
        return conn.execute("SELECT to_regclass(%s)", (f"{self.schema}.{name}",)
                            ).fetchone()[0] is not None

    def wait_for_events(self, after: int, timeout: float) -> bool:
        """LISTEN/NOTIFY: wake as soon as an append commits, not on the next poll."""
        try:
            if self._listener is None or self._listener.closed:
                self._listener = psycopg.connect(
                    self.url, autocommit=True, connect_timeout=max(1, int(self.connect_timeout)),
                    **LIVENESS_OPTIONS)
                self._listener.execute(f'LISTEN "{self.channel}"')
            # Check after LISTEN is active, so an append between the two is not missed.
            if self.head() > after:
                return True
            for _ in self._listener.notifies(timeout=timeout, stop_after=1):
                return True
            return self.head() > after
        except psycopg.OperationalError as exc:
            if self._listener is not None:
                self._listener.close()
            self._listener = None
            self._down = True
            raise StoreUnavailable(f"PostgreSQL at {_safe(self.url)}: {exc}") from exc

    def drop_schema(self) -> None:
        """Remove everything this store wrote (tests use a schema of their own)."""
        with self._tx(write=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self.pool.close()


class _BoolAsSmallintText(Dumper):
    """Projection "bool" columns are SMALLINT 0/1 on PostgreSQL as on SQLite, so a query
    written once (``removed = ?`` with False) runs on both."""

    oid = psycopg.adapters.types["int2"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _BoolAsSmallintBinary(_BoolAsSmallintText):
    format = Format.BINARY

    def dump(self, obj: bool) -> bytes:
        return b"\x00\x01" if obj else b"\x00\x00"


def _hung_up(conn: psycopg.Connection) -> bool:
    try:
        poller = select.poll()
        poller.register(conn.fileno(), select.POLLIN | select.POLLHUP | select.POLLERR)
        return bool(poller.poll(0))
    except (OSError, ValueError, psycopg.Error):  # closed already
        return True


def _safe(url: str) -> str:
    """The URL without its password, for error messages and logs."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)
