"""Helpers to fold hand-made events in memory, as the store would record them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from events import Event, Recorded
from events.projection import MemoryRows, Projection

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def recorded(events: list[tuple[str, Event]]) -> list[Recorded]:
    """Wrap (stream, event) pairs in envelopes with positions and one-minute-apart times."""
    versions: dict[str, int] = {}
    out = []
    for i, (stream, e) in enumerate(events, 1):
        versions[stream] = versions.get(stream, 0) + 1
        out.append(Recorded(i, stream, versions[stream], T0 + timedelta(minutes=i), e))
    return out


def fold(projection: Projection, events: list[tuple[str, Event]]) -> MemoryRows:
    rows = MemoryRows(projection)
    for r in recorded(events):
        rows.fold(r)
    return rows
