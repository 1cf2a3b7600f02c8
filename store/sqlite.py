"""SQLite backend: the embedded default, one file in WAL mode."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from . import search
from .errors import QueryTimeout, StoreUnavailable
from .sql import SqlStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    stream_version INTEGER NOT NULL,
    type TEXT NOT NULL,
    version INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    causation_id TEXT,
    correlation_id TEXT,
    data TEXT NOT NULL,
    UNIQUE (stream, stream_version)
);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TABLE IF NOT EXISTS pages (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
    name TEXT NOT NULL,
    target TEXT NOT NULL,
    version INTEGER NOT NULL,
    position INTEGER NOT NULL,
    updated_at TEXT,
    PRIMARY KEY (name, target)
);
"""

PAGE_SIZE = 16384
AUTOCHECKPOINT = 10_000  # WAL pages
APPEND_AUTOCHECKPOINT = 2 * AUTOCHECKPOINT
REBUILD_CACHE_SIZE = -32768  # PRAGMA cache_size: negative counts KiB, so 32 MB

# The sqlite3 module binds int, float and str directly but sends every other value, None
# included, through its adapter protocol, which fails two attribute lookups (raising and
# clearing an exception each time) before binding NULL. Rows are full of NULLs; a
# registered adapter is found first. It maps None to None, so nothing else changes; an
# empty dict's ``get`` does that without a Python frame per NULL.
sqlite3.register_adapter(type(None), {}.get)

# Past these many matches a text search reads rows in order and tests each (see text_match).
COMMON_MATCHES = 5000
MANY_MATCHES = 50_000

# Virtual machine steps between two looks at a read's deadline (a few microseconds' work).
PROGRESS_STEPS = 4000

# The bound on parameters in one statement of SQLite before 3.32.
_MAX_PARAMS = 999


@functools.lru_cache(maxsize=64)
def _values(prefix: str, width: int, rows: int) -> str:
    one = "(" + ", ".join("?" * width) + ")"
    return prefix + ", ".join([one] * rows)


def _insert_many(conn: sqlite3.Connection, prefix: str, width: int, rows: list[tuple]) -> None:
    """Many rows per statement: executemany pays a reset, a bind and a step for every row."""
    per = max(1, _MAX_PARAMS // width)
    full = len(rows) - len(rows) % per
    if full:
        sql = _values(prefix, width, per)
        for i in range(0, full, per):
            conn.execute(sql, [v for row in rows[i:i + per] for v in row])
    if full < len(rows):
        conn.executemany(_values(prefix, width, 1), rows[full:])

# Messages SQLite gives when the file cannot take writes; they become StoreUnavailable.
_UNAVAILABLE = ("readonly", "read-only", "disk is full", "unable to open", "disk i/o error",
                "no such file", "database is locked")


# What a user can do about each of them.
_HINTS = {
    "readonly": " (the file or its folder cannot be written: check permissions and mounts)",
    "read-only": " (the file or its folder cannot be written: check permissions and mounts)",
    "disk is full": " (free space on its disk)",
    "disk i/o error": " (a write failed: the disk may be full, over a file size limit or failing)",
    "database is locked": " (another process holds the write lock; try again)",
}


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite rolls a transaction back by itself after some errors (a full disk, a failed
    # COMMIT); a ROLLBACK then would raise and hide the error that matters.
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _close_quietly(conn: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        conn.close()


class SQLiteStore(SqlStore):
    """Event log and projections in one SQLite file; one connection per thread."""

    placeholder = "?"
    column_types = {"text": "TEXT", "int": "INTEGER", "real": "REAL", "json": "TEXT",
                    "bool": "INTEGER"}
    _duplicate_id_errors = (sqlite3.IntegrityError,)

    def __init__(self, path: str | Path, *, poll_interval: float = 0.2,
                 read_only: bool = False, timeout: float = 30.0) -> None:
        self.path = str(path)
        self.read_only = read_only
        # How long a statement waits for another process's lock before "database is locked".
        self.timeout = timeout
        self.url = f"sqlite:///{self.path}"
        self.poll_interval = poll_interval
        self._local = threading.local()
        self._all: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._lock = threading.Lock()
        self._last_time: tuple[str, datetime] | None = None
        self._cache_size = -2000
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().resolve().parent
            if not parent.is_dir():
                raise StoreUnavailable(f"cannot open {self.path}: folder {parent} does not exist")
        if read_only:
            return
        try:
            conn = self._connection()
            if (conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
                    and conn.execute("PRAGMA page_size").fetchone()[0] != PAGE_SIZE):
                # An empty file made elsewhere with smaller pages: rewrite it. Leaving WAL
                # mode fails while any other connection has the file open, which is why new
                # files get their page size in _connection instead.
                conn.execute("PRAGMA journal_mode=DELETE")
                conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
                conn.execute("VACUUM")
                conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise self._unavailable(exc) from exc

    def _unavailable(self, exc: sqlite3.Error) -> Exception:
        text = str(exc).lower()
        if any(m in text for m in _UNAVAILABLE):
            hint = next((h for m, h in _HINTS.items() if m in text), "")
            if self.read_only and "readonly" in text:
                hint = " (it was opened read-only: ?mode=ro)"
            return StoreUnavailable(f"SQLite database {self.path}: {exc}{hint}; "
                                    "nothing was written")
        return exc

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            target, uri = self.path, False
            if self.read_only:
                target, uri = f"file:{Path(self.path).resolve()}?mode=ro", True
            conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False,
                                   timeout=self.timeout, uri=uri)
            if not self.read_only:
                # Larger pages cut B-tree work per appended event. The size is fixed when the
                # file is first written, which switching to WAL does; on a file that has
                # pages already this does nothing.
                conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
                self._into_wal(conn)
            # NORMAL is durable across process crashes in WAL mode; only power loss can
            # roll back the last commits, never corrupt the file.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
            # Checkpoints fsync; doing them every 10,000 pages rather than 1,000 keeps the
            # append path fast, at the cost of a WAL file of up to ~160 MB (twice that while
            # only appends run: see _autocheckpoint).
            conn.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT}")
            self._local.autocheckpoint = AUTOCHECKPOINT
            self._cache_size = conn.execute("PRAGMA cache_size").fetchone()[0]
            self._local.conn = conn
            with self._lock:
                # Threads that have ended (asyncio.to_thread workers, request threads) no
                # longer need theirs: close them here, or each short-lived thread would keep
                # a connection and its three file descriptors for the life of the store.
                live = []
                for owner, other in self._all:
                    if owner.is_alive():
                        live.append((owner, other))
                    else:
                        _close_quietly(other)
                live.append((threading.current_thread(), conn))
                self._all = live
        return conn

    def _into_wal(self, conn: sqlite3.Connection) -> None:
        # Connections switching a new file to WAL together can each hold the shared lock the
        # other must upgrade past; SQLite then fails one at once instead of letting its busy
        # handler wait. Such a failure is only a matter of taking turns.
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(delay)
            delay = min(2 * delay, 0.25)

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.Error as exc:
            raise self._unavailable(exc) from exc
        try:
            yield conn
        except sqlite3.Error as exc:
            _rollback(conn)
            err = self._unavailable(exc)
            if err is exc:
                raise
            raise err from exc
        except BaseException:
            _rollback(conn)
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            _rollback(conn)
            raise self._unavailable(exc) from exc

    @contextmanager
    def _budget(self, conn: sqlite3.Connection, seconds: float | None) -> Iterator[None]:
        if seconds is None:
            yield
            return
        # SQLite calls the handler every few thousand steps of a statement; a true answer
        # interrupts it. Installed only around budgeted reads, so writes never pay for it.
        deadline = time.monotonic() + seconds
        conn.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_STEPS)
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            raise QueryTimeout(f"the read took longer than {seconds:g} s and was stopped") from exc
        finally:
            conn.set_progress_handler(None, 0)

    def _begin_projection_tx(self, conn: Any, target: str) -> None:
        # A rebuild inserts into primary-key indexes in hash order; past the default 2 MB of
        # page cache every insert rereads a page. 32 MB made a 1,000,000-event replay ~15%
        # faster; the connection goes back to the default for everything else.
        size = REBUILD_CACHE_SIZE if target == "rebuild" else self._cache_size
        conn.execute(f"PRAGMA cache_size = {int(size)}")
        self._autocheckpoint(conn, AUTOCHECKPOINT)

    def _lock_appends(self, conn: Any) -> None:
        # BEGIN IMMEDIATE already holds SQLite's single write lock.
        self._autocheckpoint(conn, APPEND_AUTOCHECKPOINT)

    def _autocheckpoint(self, conn: Any, pages: int) -> None:
        # The commit that finds the WAL past the threshold copies it all back into the file
        # (160 MB at 10,000 pages), stalling that caller for a good part of a second. Appends
        # wait for twice the threshold, so while projections are being written their commits
        # take that stall rather than the ingestion path; with none running, appends still
        # bound the WAL.
        if getattr(self._local, "autocheckpoint", None) != pages:
            conn.execute(f"PRAGMA wal_autocheckpoint={pages}")
            self._local.autocheckpoint = pages

    def _insert_event_rows(self, conn: Any, rows: Any, count: int) -> None:
        _insert_many(conn, "INSERT INTO events VALUES ", 10, rows)

    def _insert_rows(self, conn: Any, name: str, table: Any, rows: list[tuple]) -> None:
        _insert_many(conn, f"INSERT INTO {name} ({', '.join(table.columns)}) VALUES ",
                     len(table.columns), rows)

    def _encode_time(self, at: datetime) -> str:
        return at.isoformat()

    def _decode_time(self, value: str) -> datetime:
        # A batch shares one timestamp; parsing it once per run of equal values is cheaper.
        last = self._last_time
        if last is not None and last[0] == value:
            return last[1]
        at = datetime.fromisoformat(value)
        self._last_time = (value, at)
        return at

    # --- full-text search: an FTS5 index over the table's own rows -----------------------
    _search_before_swap = False

    def _ddl_search(self, name: str, table: Any) -> list[str]:
        if not table.search:
            return []
        # External content: the index holds no copy of the text, only its words, and triggers
        # keep it in step with every insert, update and delete of the table. It is keyed by
        # the table's rowid, which stays put under updates (the store never VACUUMs a file
        # that holds rows, which could renumber them; a rebuild makes the index anew).
        cols = ", ".join(table.search)
        fts = f"{name}_fts"
        new = ", ".join(f"new.{c}" for c in table.search)
        old = ", ".join(f"old.{c}" for c in table.search)
        return [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{name}', "
            f"content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {name} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {name} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {name} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END",
        ]

    def _drop_search(self, conn: Any, name: str) -> None:
        conn.execute(f"DROP TABLE IF EXISTS {name}_fts")  # its triggers go with {name}

    def text_match(self, name: str, query: Any) -> tuple[str, list[Any]]:
        expr = search.fts5(query)
        matches = f"SELECT rowid FROM {name}_fts WHERE {name}_fts MATCH ?"
        # Few matches: fetch them all from the text index and sort them (a rare word among a
        # million rows costs microseconds). More: read the table in the order asked for and
        # keep the rows among the matches, which finds a page of a common word's matches
        # after a few hundred rows instead of sorting every one. The matches are then either
        # gathered once into a set each row is looked up in (the "+" keeps SQLite from
        # reading the table by them), or, past MANY_MATCHES, where gathering them costs more
        # than that, each row is sought in the word's list, which is indexed at that size.
        # Counting stops at each threshold, so choosing stays cheap.
        with self._tx() as conn:
            found = conn.execute(f"SELECT COUNT(*) FROM ({matches} LIMIT {COMMON_MATCHES + 1})",
                                 (expr,)).fetchone()[0]
            if found > COMMON_MATCHES:
                found = conn.execute(f"SELECT COUNT(*) FROM ({matches} LIMIT "
                                     f"{MANY_MATCHES + 1})", (expr,)).fetchone()[0]
        if found > MANY_MATCHES:
            return (f"EXISTS (SELECT 1 FROM {name}_fts WHERE {name}_fts MATCH ? AND "
                    f"{name}_fts.rowid = {name}.rowid)", [expr])
        if found > COMMON_MATCHES:
            return f"+{name}.rowid IN ({matches})", [expr]
        return f"{name}.rowid IN ({matches})", [expr]

    def text_ranked(self, name: str, query: Any) -> tuple[str, str, str, list[Any]]:
        # Driven from the index: FTS5 gives each match its BM25 rank as it finds it.
        return (f"{name}_fts JOIN {name} ON {name}.rowid = {name}_fts.rowid",
                f"{name}_fts MATCH ?", f"{name}_fts.rank", [search.fts5(query)])

    def _table_exists(self, conn: Any, name: str) -> bool:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                            (name,)).fetchone() is not None

    def wait_for_events(self, after: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            if self.head() > after:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(self.poll_interval, left))

    def close(self) -> None:
        # Closing a connection another thread is still running a statement on can crash the
        # interpreter, so only this thread's and dead threads' connections are closed here;
        # a live thread's connection closes when that thread ends and drops its locals.
        me = threading.current_thread()
        with self._lock:
            for owner, conn in self._all:
                if owner is me or not owner.is_alive():
                    _close_quietly(conn)
            self._all.clear()
        self._local = threading.local()
