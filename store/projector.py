"""Runs projections: catch up from the checkpoint, follow new events, rebuild by replay.

Each batch of events is folded and written in one transaction together with the checkpoint
that covers it, so a crash at any point neither applies an event twice nor skips one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from events.projection import Key, Projection, Row

from .base import ProjectionTx, Store
from .errors import CheckpointMoved

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (projection name, position, head)

LIVE_BATCH = 1000
REBUILD_BATCH = 5000


class BatchRows:
    """A write-back cache over one projection transaction: folds read and write rows here,
    and the whole batch reaches the database in a few statements at the end."""

    def __init__(self, tx: ProjectionTx, projection: Projection) -> None:
        self.tx, self.projection = tx, projection
        self._rows: dict[tuple[str, Key], Row | None] = {}
        self._dirty: set[tuple[str, Key]] = set()

    def prefetch(self, events: list) -> None:
        """Load every row the batch's events will read, one query per table."""
        needs = self.projection.needs
        if needs is None:
            return
        wanted: dict[str, list[Key]] = {}
        for recorded in events:
            if not self.projection.handles or recorded.type in self.projection.handles:
                for table, key in needs(recorded):
                    if (table, key) not in self._rows:
                        wanted.setdefault(table, []).append(key)
        for table, keys in wanted.items():
            keys = list(dict.fromkeys(keys))
            found = self.tx.load_many(table, keys)
            for key in keys:
                self._rows[(table, key)] = found.get(key)

    def get(self, table: str, *key: Any) -> Row | None:
        k = (table, key)
        if k in self._rows:
            row = self._rows[k]
        else:
            row = self._rows[k] = self.tx.load(table, key)
        return dict(row) if row is not None else None

    def put(self, table: str, row: Row) -> None:
        k = (table, self.projection.table(table).key_of(row))
        self._rows[k] = dict(row)
        self._dirty.add(k)

    def delete(self, table: str, *key: Any) -> None:
        k = (table, key)
        self._rows[k] = None
        self._dirty.add(k)

    def flush(self) -> None:
        upserts: dict[str, dict[Key, Row]] = {t.name: {} for t in self.projection.tables}
        deletes: dict[str, set[Key]] = {t.name: set() for t in self.projection.tables}
        for table, key in self._dirty:
            row = self._rows[(table, key)]
            if row is None:
                deletes[table].add(key)
            else:
                upserts[table][key] = row
        self.tx.write(upserts, deletes)
        self._dirty.clear()


def catch_up(store: Store, projection: Projection, *, target: str = "live",
             batch: int = LIVE_BATCH, progress: Progress | None = None) -> int:
    """Fold every event after the checkpoint; returns how many events were folded."""
    folded = 0
    types = projection.handles or None
    while True:
        start = store.checkpoint(projection.name, target).position
        head = store.head()  # all positions up to here are committed and readable
        if head <= start:
            return folded
        events = list(store.read_all(after=start, limit=batch, types=types))
        full = len(events) == batch
        end = events[-1].position if full else max(head, events[-1].position if events else 0)
        try:
            with store.projection_tx(projection, target) as tx:
                if tx.checkpoint != start:
                    continue  # another runner got there first: read again from its point
                rows = BatchRows(tx, projection)
                rows.prefetch(events)
                for recorded in events:
                    projection.apply(rows, recorded)
                rows.flush()
                tx.advance(end)
        except CheckpointMoved:
            continue
        folded += len(events)
        if progress is not None:
            progress(projection.name, end, head)


def rebuild(store: Store, projection: Projection, *, progress: Progress | None = None) -> int:
    """Replay the whole log into fresh tables, then swap them in; readers keep the old
    tables until the swap."""
    store.reset_rebuild(projection)
    folded = catch_up(store, projection, target="rebuild", batch=REBUILD_BATCH,
                      progress=progress)
    store.swap_in_rebuild(projection)
    return folded


def ensure_current(store: Store, projections: Iterable[Projection],
                   progress: Progress | None = None) -> None:
    """Set up each projection; one whose fold changed version is rebuilt first."""
    for p in projections:
        cp = store.ensure_projection(p)
        if cp.version != p.version:
            log.info("projection %s is at version %s, code at %s: rebuilding",
                     p.name, cp.version, p.version)
            rebuild(store, p, progress=progress)


def follow(store: Store, projections: Iterable[Projection], stop: threading.Event, *,
           idle_wait: float = 1.0, progress: Progress | None = None) -> None:
    """Keep every projection caught up until ``stop`` is set."""
    projections = list(projections)
    ensure_current(store, projections, progress)
    while not stop.is_set():
        for p in projections:
            catch_up(store, p, progress=progress)
        low = min(store.checkpoint(p.name).position for p in projections)
        store.wait_for_events(low, idle_wait)
