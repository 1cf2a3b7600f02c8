"""The event record: a small immutable typed fact, and the envelope the log wraps it in."""

from __future__ import annotations

import dataclasses
import functools
import operator
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar


def new_id() -> str:
    """A fresh event id; callers that may retry an append choose the id once and reuse it.

    A time-ordered UUID (version 7, RFC 9562): ids made one after another sort next to each
    other, so the log's unique index on ids grows at its right edge. Random (version 4) ids
    land on a random index page each, and every append then rewrites a page per event.
    """
    ms = time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF
    rand = int.from_bytes(os.urandom(10), "big")
    h = f"{ms:012x}7{rand >> 68:03x}{0x8000_0000_0000_0000 | rand & 0x3FFF_FFFF_FFFF_FFFF:016x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base of every domain event.

    Subclasses declare ``TYPE`` (the stored type name, never renamed) and ``VERSION`` (the
    schema version, bumped with an upcaster whenever the payload's shape changes).
    """

    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1
    META: ClassVar[tuple[str, ...]] = ("id", "causation_id", "correlation_id")

    id: str = field(default_factory=new_id)
    causation_id: str | None = None
    correlation_id: str | None = None

    def data(self) -> dict[str, Any]:
        """The payload as stored: every field except the metadata the envelope carries."""
        names = _payload_fields(type(self))
        return dict(zip(names, _getter(type(self))(self)))

    @classmethod
    def from_data(cls, data: dict[str, Any], **meta: Any) -> Event:
        """Build the event from a stored payload already upcast to ``VERSION``."""
        # JSON has no tuples; payload sequences are tuples so that events stay immutable.
        for name in _tuple_fields(cls):
            if isinstance(data.get(name), list):
                data = {**data, name: tuple(data[name])}
        try:
            return cls(**data, **meta)
        except TypeError:  # a field an older release wrote and this one dropped
            known = _payload_fields(cls)
            return cls(**{k: v for k, v in data.items() if k in known}, **meta)

    def caused(self, **meta: str | None) -> dict[str, str | None]:
        """Metadata for an event this one causes: same correlation, causation = this id."""
        return {"causation_id": self.id, "correlation_id": self.correlation_id or self.id, **meta}


@dataclass(frozen=True, slots=True, kw_only=True)
class UnknownEvent(Event):
    """An event whose type this release does not know (written by a newer one): kept, not lost."""

    TYPE: ClassVar[str] = "Unknown"
    type_name: str = ""
    type_version: int = 0
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Recorded:
    """An event as the log holds it: its global position, its stream and when it was recorded."""

    position: int
    stream: str
    stream_version: int
    recorded_at: datetime
    event: Event

    @property
    def at(self) -> str:
        """``recorded_at`` as ISO text, what folds store; cached since a batch shares it."""
        return _iso(self.recorded_at)

    @property
    def type(self) -> str:
        e = self.event
        return e.type_name if isinstance(e, UnknownEvent) else e.TYPE

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready view for the API and the CLI."""
        e = self.event
        return {
            "position": self.position,
            "id": e.id,
            "stream": self.stream,
            "stream_version": self.stream_version,
            "recorded_at": self.recorded_at.isoformat(),
            "type": self.type,
            "version": e.type_version if isinstance(e, UnknownEvent) else e.VERSION,
            "causation_id": e.causation_id,
            "correlation_id": e.correlation_id,
            "data": e.payload if isinstance(e, UnknownEvent) else e.data(),
        }


_iso = functools.lru_cache(maxsize=256)(datetime.isoformat)
_FIELDS: dict[type, tuple[str, ...]] = {}
_GETTERS: dict[type, Any] = {}
_TUPLES: dict[type, tuple[str, ...]] = {}


def _tuple_fields(cls: type) -> tuple[str, ...]:
    try:
        return _TUPLES[cls]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(cls)
                      if f.name not in Event.META and str(f.type).startswith("tuple"))
        _TUPLES[cls] = names
        return names


def _getter(cls: type) -> Any:
    # One attrgetter per class reads every payload field in a single C call.
    try:
        return _GETTERS[cls]
    except KeyError:
        names = _payload_fields(cls)
        get = operator.attrgetter(*names) if len(names) > 1 else (
            (lambda o, _n=names[0]: (getattr(o, _n),)) if names else (lambda o: ()))
        _GETTERS[cls] = get
        return get


def _payload_fields(cls: type) -> tuple[str, ...]:
    # dataclasses.fields() is slow on a hot path (encode/decode of every event); cache per class.
    try:
        return _FIELDS[cls]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.name not in Event.META)
        _FIELDS[cls] = names
        return names
