"""Helpers to fold hand-made events in memory, as the store would record them, and to compare
projections folded in a store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

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


def projection_rows(store: Any) -> dict[str, list[dict]]:
    """Every projection table's rows in a store, in key order: what two folds must agree on."""
    from events.projections import ALL

    return {f"p_{p.name}_{t.name}": store.query(
        f"SELECT * FROM p_{p.name}_{t.name} ORDER BY {', '.join(t.key)}")
        for p in ALL.values() for t in p.tables}
