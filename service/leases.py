"""Leases: one holder at a time for a named job (polling a source, delivering a watch's letters).

On PostgreSQL several worker processes share the work, so a lease is a session advisory lock
held on a connection of its own: if the process dies, the database drops its locks with the
connection. On SQLite there is one worker process, and an in-process lock is enough.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from store import Store

log = logging.getLogger(__name__)


# Held in this process, by (namespace, name): shared by every Leases object, so the API's
# "poll now" and the worker's scheduler exclude each other too.
_HELD: set[tuple[str, str]] = set()
_MUTEX = threading.Lock()


class Leases:
    """Non-blocking named leases: ``with leases.hold(name) as got:`` runs the job only if got."""

    def __init__(self, namespace: str = "") -> None:
        self.namespace = namespace

    @classmethod
    def for_store(cls, store: Store) -> Leases:
        from store.postgres import PostgresStore

        if isinstance(store, PostgresStore):
            return PgLeases(store.url, store.schema)
        return cls(store.url)

    @contextmanager
    def hold(self, name: str) -> Iterator[bool]:
        # Threads of one process exclude each other here first: PostgreSQL advisory locks are
        # re-entrant within a session, so they cannot tell two threads of one process apart.
        key = (self.namespace, name)
        with _MUTEX:
            got = key not in _HELD
            if got:
                _HELD.add(key)
        if not got:
            yield False
            return
        try:
            if not self._acquire(name):
                yield False
                return
            try:
                yield True
            finally:
                self._release(name)
        finally:
            with _MUTEX:
                _HELD.discard(key)

    def _acquire(self, name: str) -> bool:
        return True

    def _release(self, name: str) -> None:
        pass

    def close(self) -> None:
        pass


def lock_key(namespace: str, name: str) -> int:
    """A signed 64-bit advisory-lock key for a lease name within one store's schema."""
    digest = hashlib.sha1(f"letterwatch:{namespace}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PgLeases(Leases):
    """Leases as ``pg_try_advisory_lock`` on a dedicated autocommit connection."""

    def __init__(self, url: str, schema: str) -> None:
        super().__init__(f"{url}#{schema}")
        self.url, self.schema = url, schema
        self._conn_lock = threading.Lock()
        self._conn = None

    def _connection(self):  # noqa: ANN202 - psycopg is imported lazily
        import psycopg

        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        return self._conn

    def _acquire(self, name: str) -> bool:
        import psycopg

        with self._conn_lock:
            try:
                row = self._connection().execute("SELECT pg_try_advisory_lock(%s)",
                                                 (lock_key(self.schema, name),)).fetchone()
                return bool(row and row[0])
            except psycopg.Error as exc:
                # A lost connection lost its locks too: start afresh next time.
                log.warning("lease %s not taken: %s", name, exc)
                self._drop()
                return False

    def _release(self, name: str) -> None:
        import psycopg

        with self._conn_lock:
            try:
                if self._conn is not None and not self._conn.closed:
                    self._conn.execute("SELECT pg_advisory_unlock(%s)",
                                       (lock_key(self.schema, name),))
            except psycopg.Error as exc:
                log.warning("lease %s not released cleanly: %s", name, exc)
                self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # it is being thrown away
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        with self._conn_lock:
            self._drop()
