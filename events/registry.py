"""Type names to event classes, and the upcasters that lift old payloads to the current schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .base import Builder, Event, UnknownEvent, builder

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

_TYPES: dict[str, type[Event]] = {}
_UPCASTERS: dict[tuple[str, int], Upcaster] = {}
_DECODERS: dict[tuple[str, int], Builder] = {}


def register(cls: type[Event]) -> type[Event]:
    """Class decorator: make an event type known to the log by its ``TYPE``."""
    if not cls.TYPE:
        raise ValueError(f"{cls.__name__} has no TYPE")
    if cls.TYPE in _TYPES and _TYPES[cls.TYPE] is not cls:
        raise ValueError(f"event type {cls.TYPE!r} registered twice")
    _TYPES[cls.TYPE] = cls
    _DECODERS.clear()
    return cls


def upcaster(type_name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Decorator: register the function that turns a ``from_version`` payload into the next one."""

    def deco(fn: Upcaster) -> Upcaster:
        _UPCASTERS[(type_name, from_version)] = fn
        _DECODERS.clear()
        return fn

    return deco


def event_class(type_name: str) -> type[Event] | None:
    return _TYPES.get(type_name)


def known_types() -> dict[str, type[Event]]:
    return dict(_TYPES)


def decode(type_name: str, version: int, data: dict[str, Any], **meta: Any) -> Event:
    """Rebuild a stored event, upcasting its payload step by step to the class's version."""
    cls = _TYPES.get(type_name)
    if cls is None or version > cls.VERSION:
        return UnknownEvent(type_name=type_name, type_version=version, payload=data, **meta)
    while version < cls.VERSION:
        step = _UPCASTERS.get((type_name, version))
        if step is None:
            raise LookupError(f"no upcaster for {type_name} v{version}")
        data = step(data)
        version += 1
    return cls.from_data(data, **meta)


def decoder(type_name: str, version: int) -> Builder:
    """``decode`` for one stored (type, version), resolved once: reading the log decodes every
    event, so the class lookup and the way to build it are settled here rather than per
    event. Called as ``fn(data, id, causation_id, correlation_id)``; same result as
    ``decode``."""
    key = (type_name, version)
    try:
        return _DECODERS[key]
    except KeyError:
        pass
    cls = _TYPES.get(type_name)
    if cls is None or version != cls.VERSION:  # unknown, or needs upcasting
        def fn(data: dict[str, Any], id: str, causation_id: str | None,
               correlation_id: str | None) -> Event:
            return decode(type_name, version, data, id=id, causation_id=causation_id,
                          correlation_id=correlation_id)
    else:
        fn = builder(cls)
    _DECODERS[key] = fn
    return fn
