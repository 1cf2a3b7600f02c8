"""Lanes: each class of read request gets its own bounded number of slots, so slow requests
(text searches, exports, reads of the past) cannot take every worker thread and stall the
cheap ones queued behind them. A request that finds no slot within the read budget answers
503 with Retry-After instead of waiting without end."""

from __future__ import annotations

import asyncio
from typing import Any

from .errors import busy

SEARCH, READ = "search", "read"
_SLOW_PATHS = ("/letters.csv", "/letters.atom")
_SLOW_PARAMS = (b"q=", b"as_of=")


def lane(scope: dict[str, Any]) -> str | None:
    """The lane of a request, or None for requests that are not limited (writes, live tails,
    health checks and metrics, which must answer even when reads are backed up)."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return None
    path: str = scope["path"]
    if path.endswith("/stream") or path.startswith(("/healthz", "/readyz", "/metrics",
                                                    "/static")):
        return None
    if path in _SLOW_PATHS:
        return SEARCH
    query: bytes = scope.get("query_string", b"")
    if any(query.startswith(p) or b"&" + p in query for p in _SLOW_PARAMS):
        return SEARCH
    return READ


class Lanes:
    """ASGI middleware holding a semaphore per lane."""

    def __init__(self, app: Any, slots: dict[str, int], wait: float) -> None:
        self.app, self.wait = app, wait
        self.slots = {name: asyncio.Semaphore(n) for name, n in slots.items()}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        name = lane(scope)
        if name is None:
            await self.app(scope, receive, send)
            return
        slots = self.slots[name]
        try:
            await asyncio.wait_for(slots.acquire(), self.wait)
        except TimeoutError:
            await busy(f"too many {name} requests in progress; try again shortly")(
                scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()
