"""/events: the log itself, paged, and as a live Server-Sent Events tail."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from events import known_types
from store import Store

from ..retry import Backoff
from .deps import get_store, require_read
from .errors import READ_RESPONSES, invalid
from .models import EventPage
from .serialise import json_response

router = APIRouter(prefix="/events", tags=["events"], dependencies=[Depends(require_read)],
                   responses=READ_RESPONSES)
KEEPALIVE_SECONDS = 15.0


@router.get("", response_model=EventPage, summary="Events after a position")
def list_events(
    store: Annotated[Store, Depends(get_store)],
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    type: Annotated[list[str] | None, Query(max_length=20,  # noqa: A002 - the API's word
                                            description="only these event types")] = None,
) -> Response:
    """Oldest first; page on with ``after=next_after``."""
    if type:
        unknown = sorted(set(type) - set(known_types()))
        if unknown:
            raise invalid("query", "type", f"unknown event types {unknown}; known: "
                          f"{sorted(known_types())}")
    items = [r.as_dict() for r in store.read_all(after=after, limit=limit, types=type)]
    return json_response({"items": items,
                          "next_after": items[-1]["position"] if items else after,
                          "head": store.head()})


class Heads:
    """Wakes every live tail when the log grows, from one waiting thread per process
    (not one per client)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.head = 0
        self._changed: asyncio.Condition | None = None
        self._stop = threading.Event()
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        self.head = await run_in_threadpool(self.store.head)
        self._task = asyncio.create_task(self._watch())

    async def _watch(self) -> None:
        backoff = Backoff(first=1.0, cap=15.0)
        while not self._stop.is_set():
            try:
                await run_in_threadpool(self.store.wait_for_events, self.head, 1.0)
                head = await run_in_threadpool(self.store.head)
            except Exception:  # noqa: BLE001 - the database may come back
                await asyncio.sleep(backoff.next())
                continue
            backoff.reset()
            if head != self.head:
                self.head = head
                async with self._changed:
                    self._changed.notify_all()

    async def wait(self, after: int, timeout: float) -> None:
        if self._changed is None:  # not started (no lifespan): poll instead
            await asyncio.sleep(min(timeout, 0.5))
            self.head = await run_in_threadpool(self.store.head)
            return
        if self.head > after:
            return
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait_for(lambda: self.head > after), timeout)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


class Streams:
    """Live tails open in this process, in all and per client address: each holds a
    connection and a task for as long as its client likes, so both are capped."""

    def __init__(self, total: int, per_client: int) -> None:
        self.total, self.per_client = total, per_client
        self.open: dict[str, int] = {}

    def take(self, client: str) -> Callable[[], None]:
        """Count a new tail in, or refuse it; returns what counts it out (once)."""
        if self.open.get(client, 0) >= self.per_client:
            raise HTTPException(429, f"{self.per_client} live streams are open from this "
                                "address already (sse_max_streams_per_client)",
                                headers={"Retry-After": "30"})
        if sum(self.open.values()) >= self.total:
            raise HTTPException(503, "too many live streams are open (sse_max_streams)",
                                headers={"Retry-After": "30"})
        self.open[client] = self.open.get(client, 0) + 1
        done = False

        def give_back() -> None:
            nonlocal done
            if not done:
                done = True
                self.open[client] -= 1
                if not self.open[client]:
                    del self.open[client]

        return give_back


@router.get("/stream", summary="Live tail (Server-Sent Events)",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}},
                             "description": "one SSE message per event; id is its position"},
                       429: {"description": "this address has sse_max_streams_per_client "
                                            "streams open (or too many failed tokens)"},
                       503: {"description": "sse_max_streams streams are open"}})
async def stream_events(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    after: Annotated[int | None, Query(ge=0, le=2**62, description="start after this position; "
                                       "default: the head (only new events)")] = None,
    limit: Annotated[int | None, Query(ge=1, le=100_000,
                                       description="close the stream after this many")] = None,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> StreamingResponse:
    """Each event as ``id: <position>``, ``event: <type>``, ``data: <json>``. A client that
    reconnects sends ``Last-Event-ID`` and resumes right after the last event it saw."""
    if last_event_id is not None:
        value = last_event_id.strip()
        # isascii: a header is read as Latin-1, and "²" (0xB2) passes isdigit() alone.
        if not (value.isascii() and value.isdigit()) or int(value) > 2**62:
            raise invalid("header", "last-event-id", "Last-Event-ID must be a log position")
        start = int(value)
    elif after is not None:
        start = after
    else:
        start = await run_in_threadpool(store.head)
    heads: Heads = request.app.state.heads
    give_back = request.app.state.streams.take(request.client.host if request.client else "")
    tail = _tail(request, store, heads, start, limit, give_back)
    # A tail cancelled before its first step never runs its ``finally``.
    weakref.finalize(tail, give_back)
    return StreamingResponse(tail,
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _read(store: Store, after: int) -> list:
    return list(store.read_all(after=after, limit=200))


async def _tail(request: Request, store: Store, heads: Heads, after: int,
                limit: int | None, give_back: Callable[[], None]) -> AsyncIterator[bytes]:
    try:
        async for chunk in _events_after(request, store, heads, after, limit):
            yield chunk
    finally:
        give_back()


async def _events_after(request: Request, store: Store, heads: Heads, after: int,
                        limit: int | None) -> AsyncIterator[bytes]:
    sent = 0
    yield b"retry: 2000\n\n"
    while True:
        batch = await run_in_threadpool(_read, store, after)
        for r in batch:
            after = r.position
            data = orjson.dumps(r.as_dict()).decode()
            yield f"id: {r.position}\nevent: {r.type}\ndata: {data}\n\n".encode()
            sent += 1
            if limit is not None and sent >= limit:
                return
        if batch:
            continue
        if await request.is_disconnected():
            return
        await heads.wait(after, KEEPALIVE_SECONDS)
        if heads.head <= after:
            yield b": keepalive\n\n"
