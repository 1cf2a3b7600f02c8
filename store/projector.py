"""Runs projections: catch up from the checkpoint, follow new events, rebuild by replay.

Each batch of events is folded and written in one transaction together with the checkpoint
that covers it, so a crash at any point neither applies an event twice nor skips one.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from events.projection import Key, Projection, Row

from .base import ProjectionTx, Store
from .errors import CheckpointMoved

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (projection name, position, head)

LIVE_BATCH = 1000
REBUILD_BATCH = 5000


class Written:
    """The keys a rebuild has written so far, as a one-hash Bloom filter (4 MB whatever the
    log's length): a key it has never seen is certainly not in the rebuild tables, so that
    row needs no query to load and goes in with a plain INSERT. A false "maybe" costs only
    the query. ``position`` is the checkpoint this runner last committed: the filter is
    valid only while nobody else writes those tables."""

    BITS = 1 << 25

    def __init__(self) -> None:
        self.bits = bytearray(self.BITS >> 3)
        self.position = 0

    def add(self, key: Any) -> None:
        h = hash(key) & (self.BITS - 1)
        self.bits[h >> 3] |= 1 << (h & 7)

    def __contains__(self, key: Any) -> bool:
        h = hash(key) & (self.BITS - 1)
        return bool(self.bits[h >> 3] >> (h & 7) & 1)


class BatchRows:
    """A write-back cache over one projection transaction: folds read and write rows here,
    and the whole batch reaches the database in a few statements at the end."""

    def __init__(self, tx: ProjectionTx, projection: Projection,
                 written: Written | None = None) -> None:
        self.tx, self.projection, self.written = tx, projection, written
        self._rows: dict[tuple[str, Key], Row | None] = {}
        self._dirty: set[tuple[str, Key]] = set()
        # Keys not in the database when the batch began: their rows are INSERTed, not upserted.
        self._absent: set[tuple[str, Key]] = set()
        self._key = {t.name: _key_getter(t) for t in projection.tables}

    def prefetch(self, events: list) -> None:
        """Load every row the batch's events will read, one query per table."""
        needs = self.projection.needs
        if needs is None:
            return
        handles = self.projection.handles
        rows, written, absent = self._rows, self.written, self._absent
        wanted: dict[str, dict[Key, None]] = {}
        for recorded in events:
            if not handles or recorded.type in handles:
                for table, key in needs(recorded):
                    k = (table, key)
                    if k in rows:
                        continue
                    if written is not None and k not in written:
                        rows[k] = None
                        absent.add(k)
                    else:
                        wanted.setdefault(table, {})[key] = None
        for table, keys in wanted.items():
            found = self.tx.load_many(table, list(keys))
            for key in keys:
                row = rows[(table, key)] = found.get(key)
                if row is None:
                    absent.add((table, key))

    def _load(self, k: tuple[str, Key]) -> Row | None:
        row = None if self.written is not None and k not in self.written else self.tx.load(*k)
        self._rows[k] = row
        if row is None:
            self._absent.add(k)
        return row

    def get(self, table: str, *key: Any) -> Row | None:
        k = (table, key)
        row = self._rows[k] if k in self._rows else self._load(k)
        return dict(row) if row is not None else None

    def put(self, table: str, row: Row) -> None:
        k = (table, self._key[table](row))
        if k not in self._rows and self.written is not None and k not in self.written:
            self._absent.add(k)
        self._rows[k] = dict(row)
        self._dirty.add(k)

    def delete(self, table: str, *key: Any) -> None:
        k = (table, key)
        if k not in self._rows and self.written is not None and k not in self.written:
            self._absent.add(k)
        self._rows[k] = None
        self._dirty.add(k)

    def flush(self) -> None:
        names = [t.name for t in self.projection.tables]
        upserts: dict[str, dict[Key, Row]] = {t: {} for t in names}
        inserts: dict[str, dict[Key, Row]] = {t: {} for t in names}
        deletes: dict[str, set[Key]] = {t: set() for t in names}
        rows, absent, written = self._rows, self._absent, self.written
        for k in self._dirty:
            table, key = k
            row = rows[k]
            if row is None:
                if k not in absent:
                    deletes[table].add(key)
            else:
                (inserts if k in absent else upserts)[table][key] = row
                if written is not None:
                    written.add(k)
        self.tx.write(upserts, deletes, inserts)
        for table, batch in inserts.items():  # in the database now: later writes update them
            absent.difference_update((table, key) for key in batch)
        self._dirty.clear()


def _key_getter(table: Any) -> Callable[[Row], Key]:
    if len(table.key) == 1:
        name = table.key[0]
        return lambda row: (row[name],)
    return table.key_of


def catch_up(store: Store, projection: Projection, *, target: str = "live",
             batch: int = LIVE_BATCH, progress: Progress | None = None) -> int:
    """Fold every event after the checkpoint; returns how many events were folded."""
    return _catch_up(store, projection, target, batch, progress, None)


def catch_up_all(store: Store, projections: Iterable[Projection], *, target: str = "live",
                 batch: int = LIVE_BATCH, progress: Progress | None = None) -> int:
    """Fold every event after each projection's checkpoint, reading the log once for all of
    them: each batch of events is read once and folded into every projection that is behind,
    each in a transaction of its own. Returns how many events were folded, summed over the
    projections."""
    return sum(_catch_up_many(store, list(projections), target, batch, progress, None).values())


def _catch_up_many(store: Store, projections: list[Projection], target: str, batch: int,
                   progress: Progress | None, written: dict[str, Written] | None
                   ) -> dict[str, int]:
    folded = {p.name: 0 for p in projections}
    while True:
        starts = {p.name: store.checkpoint(p.name, target).position for p in projections}
        head = store.head()
        behind = [p for p in projections if starts[p.name] < head]
        if not behind:
            return folded
        low = min(starts[p.name] for p in behind)
        types: set[str] | None = set()
        for p in behind:
            types = None if types is None or not p.handles else types | p.handles
        events = list(store.read_all(after=low, limit=batch, types=types))
        full = len(events) == batch
        end = events[-1].position if full else max(head, events[-1].position if events else 0)
        for p in behind:
            start = starts[p.name]
            if end <= start:
                continue  # ahead of this batch already: folds from a later one
            mine = [r for r in events if r.position > start
                    and (not p.handles or r.type in p.handles)]
            seen = written.get(p.name) if written is not None else None
            if seen is not None and start != seen.position:
                written.pop(p.name)  # another runner wrote these tables: the filter no longer knows
                seen = None
            try:
                with store.projection_tx(p, target) as tx:
                    if tx.checkpoint != start:
                        continue  # another runner got there first: the next round reads on
                    rows = BatchRows(tx, p, seen)
                    rows.prefetch(mine)
                    fold = p.fold if p.handles else p.apply
                    for recorded in mine:
                        fold(rows, recorded)
                    rows.flush()
                    tx.advance(end)
            except CheckpointMoved:
                continue
            if seen is not None:
                seen.position = end
            folded[p.name] += len(mine)
            if progress is not None:
                progress(p.name, end, head)


def _catch_up(store: Store, projection: Projection, target: str, batch: int,
              progress: Progress | None, written: Written | None) -> int:
    folded = 0
    types = projection.handles or None
    # read_all already leaves out the types the projection does not handle.
    fold = projection.fold if types else projection.apply
    while True:
        start = store.checkpoint(projection.name, target).position
        if written is not None and start != written.position:
            written = None  # another runner wrote these tables: the filter no longer knows
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
                rows = BatchRows(tx, projection, written)
                rows.prefetch(events)
                for recorded in events:
                    fold(rows, recorded)
                rows.flush()
                tx.advance(end)
        except CheckpointMoved:
            continue
        if written is not None:
            written.position = end
        folded += len(events)
        if progress is not None:
            progress(projection.name, end, head)


def rebuild_all(store: Store, projections: Iterable[Projection], *,
                progress: Progress | None = None) -> dict[str, int]:
    """Rebuild several projections in one read of the log: every batch of events is folded
    into each of them, each writing its own tables in batches; then each is swapped in.
    Returns the events folded into each."""
    projections = list(projections)
    for p in projections:
        store.reset_rebuild(p)
    with _rare_collections():
        folded = _catch_up_many(store, projections, "rebuild", REBUILD_BATCH, progress,
                                {p.name: Written() for p in projections})
    for p in projections:
        store.swap_in_rebuild(p)
    return folded


def rebuild(store: Store, projection: Projection, *, progress: Progress | None = None) -> int:
    """Replay the whole log into fresh tables, then swap them in; readers keep the old
    tables until the swap."""
    store.reset_rebuild(projection)
    with _rare_collections():
        folded = _catch_up(store, projection, "rebuild", REBUILD_BATCH, progress, Written())
    store.swap_in_rebuild(projection)
    return folded


_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def _rare_collections() -> Iterator[None]:
    """A replay allocates millions of short-lived objects that hold no cycles (events,
    envelopes, rows), all freed by reference counting. At the default threshold the cyclic
    collector runs every 700 of them and keeps walking the batch in hand; a fifth of a
    replay's time went there. Collections stay on, only rarer, while any replay runs."""
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(_gc_saved[0], 100_000), *_gc_saved[1:])
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0:
                gc.set_threshold(*_gc_saved)


def ensure_current(store: Store, projections: Iterable[Projection],
                   progress: Progress | None = None) -> None:
    """Set up each projection; those whose fold changed version are rebuilt first, together
    in one read of the log."""
    stale = []
    for p in projections:
        cp = store.ensure_projection(p)
        if cp.version != p.version:
            log.info("projection %s is at version %s, code at %s: rebuilding",
                     p.name, cp.version, p.version)
            stale.append(p)
    if stale:
        rebuild_all(store, stale, progress=progress)


def follow(store: Store, projections: Iterable[Projection], stop: threading.Event, *,
           idle_wait: float = 1.0, progress: Progress | None = None) -> None:
    """Keep every projection caught up until ``stop`` is set."""
    projections = list(projections)
    ensure_current(store, projections, progress)
    while not stop.is_set():
        catch_up_all(store, projections, progress=progress)
        low = min(store.checkpoint(p.name).position for p in projections)
        store.wait_for_events(low, idle_wait)
