"""The event record: a small immutable typed fact, and the envelope the log wraps it in."""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from collections.abc import Callable
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
    # Payload fields stored in the log but left out of every view of it (as_dict).
    PRIVATE: ClassVar[tuple[str, ...]] = ()

    id: str = field(default_factory=new_id)
    causation_id: str | None = None
    correlation_id: str | None = None

    def data(self) -> dict[str, Any]:
        """The payload as stored: every field except the metadata the envelope carries."""
        fn = _DATA.get(type(self)) or _compile_data(type(self))
        return fn(self)

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
            "data": e.payload if isinstance(e, UnknownEvent) else _public(e),
        }


def _public(e: Event) -> dict[str, Any]:
    data = e.data()
    if e.PRIVATE:
        for name in e.PRIVATE:
            data.pop(name, None)
    return data


def _open_twin(cls: type) -> type | None:
    """A subclass of the frozen slotted dataclass ``cls`` that takes plain assignments.

    It adds no slots, so an object built through it can become a ``cls`` by ``__class__``
    assignment. Plain assignment runs as a direct slot store; ``object.__setattr__``, the
    only other way past a frozen class's guard (its ``__init__`` uses it too), is a generic
    call that builds and unpacks argument tuples: over three times the instructions, paid
    for every field of every event a replay reads. None if the layout does not allow it.
    """
    twin = type(f"_Open{cls.__name__}", (cls,), {
        "__slots__": (), "__setattr__": object.__setattr__,
        "__delattr__": object.__delattr__, "__module__": cls.__module__})
    try:
        object.__new__(twin).__class__ = cls
    except TypeError:
        return None
    return twin


def _positional_new(cls: type) -> Callable[..., Any]:
    """``cls(*fields)`` for a frozen slotted dataclass without its ``__init__`` (no keyword
    handling, no defaults): what building millions of envelopes in a replay costs less with."""
    names = [f.name for f in dataclasses.fields(cls)]
    twin = _open_twin(cls)
    if twin is None:
        body = "".join(f"    put(o, {n!r}, {n})\n" for n in names)
        first, last = "new(cls)", ""
    else:
        body = "".join(f"    o.{n} = {n}\n" for n in names)
        first, last = "new(twin)", "    o.__class__ = cls\n"
    namespace: dict[str, Any] = {"new": object.__new__, "put": object.__setattr__, "cls": cls,
                                 "twin": twin}
    exec(f"def make({', '.join(names)}):\n    o = {first}\n{body}{last}    return o\n",  # noqa: S102
         namespace)
    return namespace["make"]


# Recorded(position, stream, stream_version, recorded_at, event), for the stores' read loops.
make_recorded = _positional_new(Recorded)

_iso = functools.lru_cache(maxsize=256)(datetime.isoformat)
_FIELDS: dict[type, tuple[str, ...]] = {}
_TUPLES: dict[type, tuple[str, ...]] = {}
# Builds an event from a current-version payload and its envelope metadata
# (data, id, causation_id, correlation_id).
Builder = Callable[[dict[str, Any], str, "str | None", "str | None"], Event]
_DATA: dict[type, Callable[[Any], dict[str, Any]]] = {}
_BUILDERS: dict[type, Builder | None] = {}


def _tuple_fields(cls: type) -> tuple[str, ...]:
    try:
        return _TUPLES[cls]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(cls)
                      if f.name not in Event.META and str(f.type).startswith("tuple"))
        _TUPLES[cls] = names
        return names


def _payload_fields(cls: type) -> tuple[str, ...]:
    # dataclasses.fields() is slow on a hot path (encode/decode of every event); cache per class.
    try:
        return _FIELDS[cls]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.name not in Event.META)
        _FIELDS[cls] = names
        return names


def _compile_data(cls: type) -> Callable[[Any], dict[str, Any]]:
    # A dict display over plain attribute loads, generated once per class: several times
    # cheaper than reading the fields generically, and every appended event pays for it.
    # Field names are Python identifiers, so they are safe to splice into the source.
    items = ", ".join(f"{n!r}: self.{n}" for n in _payload_fields(cls))
    namespace: dict[str, Any] = {}
    exec(f"def data(self):\n    return {{{items}}}\n", namespace)  # noqa: S102
    fn = _DATA[cls] = namespace["data"]
    return fn


def builder(cls: type[Event]) -> Builder:
    """The fastest way to rebuild ``cls`` from a current-version payload, same result as
    ``cls.from_data(data, id=..., causation_id=..., correlation_id=...)``."""
    try:
        fn = _BUILDERS[cls]
    except KeyError:
        fn = _BUILDERS[cls] = _compile_builder(cls)
    if fn is None:
        from_data = cls.from_data
        return lambda data, id, causation_id, correlation_id: from_data(
            data, id=id, causation_id=causation_id, correlation_id=correlation_id)
    return fn


def _compile_builder(cls: type[Event]) -> Builder | None:
    """Set the slots directly when the payload has exactly the class's fields (what
    ``data()`` always writes); anything else goes through ``from_data``, which knows about
    dropped fields and defaults. Classes with their own ``from_data`` or ``__post_init__``,
    or fields left out of ``__init__``, always go through it."""
    if (getattr(cls.from_data, "__func__", None) is not Event.from_data.__func__
            or hasattr(cls, "__post_init__")
            or any(not f.init for f in dataclasses.fields(cls))):
        return None
    names = _payload_fields(cls)
    tuples = set(_tuple_fields(cls))
    twin = _open_twin(cls)

    def assign(name: str, value: str) -> str:
        return f"    o.{name} = {value}" if twin else f"    put(o, {name!r}, {value})"

    lines = ["def build(data, id, causation_id, correlation_id):",
             "    if data.keys() != names:",
             "        return from_data(data, id=id, causation_id=causation_id, "
             "correlation_id=correlation_id)",
             f"    o = new({'twin' if twin else 'cls'})",
             assign("id", "id"), assign("causation_id", "causation_id"),
             assign("correlation_id", "correlation_id")]
    for n in names:
        if n in tuples:  # JSON has no tuples; payload sequences are tuples, as in from_data
            lines += [f"    v = data[{n!r}]", assign(n, "tuple(v) if isinstance(v, list) else v")]
        else:
            lines.append(assign(n, f"data[{n!r}]"))
    if twin:
        lines.append("    o.__class__ = cls")
    lines.append("    return o")
    namespace: dict[str, Any] = {"new": object.__new__, "put": object.__setattr__, "cls": cls,
                                 "twin": twin, "names": frozenset(names),
                                 "from_data": cls.from_data}
    exec("\n".join(lines) + "\n", namespace)  # noqa: S102
    return namespace["build"]
