"""The narrow interface every backend implements: an event log, raw pages, projection tables."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from events import Event, Recorded
from events.projection import Key, Projection, Row

ANY = -1  # expected_version that accepts any current version
NO_STREAM = 0  # expected_version of a stream that must not exist yet

try:
    # ISA-L writes the same zlib format (zlib.decompress reads it) about four times faster
    # than zlib at level 1, with the same ratio on news HTML: a fixed cost of every page a
    # crawl or an archive import records.
    from isal.isal_zlib import compress as _compress
except ImportError:  # no wheel for this platform: the standard library does the same job
    from zlib import compress as _compress


@dataclass(frozen=True)
class AppendResult:
    """Where an append landed: the stream's new version and the last global position."""

    stream_version: int
    last_position: int
    written: int


@dataclass(frozen=True, slots=True)
class PackedPage:
    """A raw page ready to store: its sha256, its size and its zlib-compressed body."""

    sha256: str
    size: int
    packed: bytes


def pack_page(body: bytes) -> PackedPage:
    """Hash and compress a raw page as the store keeps it; runs anywhere (extraction workers
    do it), so the process that writes only hands over bytes."""
    # Level 1: news HTML still shrinks about fourfold (level 6: fivefold) for a third of the CPU.
    return PackedPage(hashlib.sha256(body).hexdigest(), len(body), _compress(body, 1))


@dataclass(frozen=True)
class Checkpoint:
    name: str
    target: str  # "live" or "rebuild"
    version: int
    position: int
    updated_at: str | None


class ProjectionTx(ABC):
    """One transaction over a projection's tables and its checkpoint."""

    checkpoint: int

    @abstractmethod
    def load(self, table: str, key: Key) -> Row | None: ...

    def load_many(self, table: str, keys: list[Key]) -> dict[Key, Row]:
        """Rows for many keys at once (missing keys absent); backends do it in one query."""
        return {k: r for k in keys if (r := self.load(table, k)) is not None}

    @abstractmethod
    def write(self, upserts: dict[str, dict[Key, Row]], deletes: dict[str, set[Key]],
              inserts: dict[str, dict[Key, Row]] | None = None) -> None:
        """Store a batch: ``upserts`` replace or add rows, ``inserts`` add rows whose keys
        are known not to be stored (cheaper than an upsert), ``deletes`` remove rows."""

    @abstractmethod
    def advance(self, position: int) -> None: ...


class Store(ABC):
    """Event log, raw page store and projection storage in one database."""

    url: str
    # Seconds one read (``query``) may run before it is stopped with QueryTimeout; None: no
    # limit. The API sets it, so one slow request cannot hold a connection for long.
    read_budget: float | None = None

    # --- the log -------------------------------------------------------------------------
    @abstractmethod
    def append(
        self, stream: str, events: Sequence[Event], expected_version: int = ANY
    ) -> AppendResult:
        """Append events to a stream atomically.

        ``expected_version`` is the stream's version the caller last saw (``NO_STREAM`` for a
        new stream, ``ANY`` to skip the check); a mismatch raises ConcurrencyError and writes
        nothing. Events whose ids are already in the log are not stored again.
        """

    @abstractmethod
    def append_streams(
        self, appends: Sequence[tuple[str, Sequence[Event], int]], *,
        page: PackedPage | None = None,
    ) -> list[AppendResult]:
        """Append to several streams, and store ``page`` if given, in one transaction.

        ``appends`` holds (stream, events, expected_version) with each stream once; events
        get consecutive positions in that order. A version mismatch on any stream raises
        ConcurrencyError and writes nothing at all; ids already stored are skipped as in
        :meth:`append`. One result per stream, in order.
        """

    @abstractmethod
    def read_all(
        self, after: int = 0, limit: int | None = None, types: Iterable[str] | None = None
    ) -> Iterator[Recorded]:
        """Events in position order after ``after``, streamed page by page."""

    @abstractmethod
    def read_stream(self, stream: str, after_version: int = 0) -> list[Recorded]: ...

    @abstractmethod
    def stream_version(self, stream: str) -> int: ...

    def stream_versions(self, streams: Sequence[str]) -> dict[str, int]:
        """Each stream's version (0 for one with no events), for many streams at once."""
        return {s: self.stream_version(s) for s in streams}

    @abstractmethod
    def head(self) -> int:
        """The last position written: every event at or below it can be read."""

    @abstractmethod
    def count(self) -> dict[str, int]:
        """Events per type."""

    @abstractmethod
    def get_event(self, event_id: str) -> Recorded | None: ...

    @abstractmethod
    def wait_for_events(self, after: int, timeout: float) -> bool:
        """Block until the head passes ``after`` or the timeout ends; True if it did."""

    # --- raw pages -----------------------------------------------------------------------
    @abstractmethod
    def put_page(self, body: bytes) -> str:
        """Store a raw page once by content hash (compressed); return its sha256."""

    @abstractmethod
    def get_page(self, sha256: str) -> bytes | None: ...

    # --- projections ---------------------------------------------------------------------
    @abstractmethod
    def ensure_projection(self, projection: Projection) -> Checkpoint:
        """Create the projection's live tables and checkpoint if missing."""

    @abstractmethod
    def reset_rebuild(self, projection: Projection) -> None:
        """Fresh empty rebuild tables, checkpoint 0."""

    @abstractmethod
    def swap_in_rebuild(self, projection: Projection) -> None:
        """Replace the live tables and checkpoint by the rebuilt ones in one transaction."""

    @abstractmethod
    def projection_tx(
        self, projection: Projection, target: str = "live"
    ) -> AbstractContextManager[ProjectionTx]: ...

    @abstractmethod
    def checkpoint(self, name: str, target: str = "live") -> Checkpoint: ...

    @abstractmethod
    def checkpoints(self) -> list[Checkpoint]: ...

    # --- queries over projection tables --------------------------------------------------
    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a read-only SQL statement written with ``?`` placeholders; rows as dicts."""

    @abstractmethod
    def healthy(self) -> bool:
        """True when the database answers a trivial query."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def table_name(projection: str, table: str, target: str = "live") -> str:
    """Physical table name; queries use the live one."""
    prefix = "p" if target == "live" else "r"
    return f"{prefix}_{projection}_{table}"
