"""The HTTP API and the page: ``create_app(settings)`` builds the FastAPI application."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from events.projections import ALL
from scrapers.policy import VERSION
from store import Store, open_store

from ..settings import Settings, get_settings
from . import (admin, articles, errors, events, exports, letters, login, page, pages, people,
               sources, watches)
from .admin import Metrics
from .events import Heads, Streams
from .guards import AuthFailures, Guard
from .login import Revocations
from .letters import LatestCache, LatestFastPath
from .lanes import READ, SEARCH, Lanes
from .limits import BodyLimit, BodyTimeout, NoNulCharacters
from .queries import AsOf, Memo

__all__ = ["create_app"]

DESCRIPTION = """Diplomatic correspondence found in the news: who sent a letter, message or
telegram to whom, when, through whom, and which articles report it.

Reads are open unless the server sets a read token; writes need the admin token as
`Authorization: Bearer <token>`. Every answer comes from projections of an append-only event
log (`/events`), and `/letters?as_of=` answers from the log as it stood at any past position.
"""


def create_app(settings: Settings | None = None, store: Store | None = None, *,
               poll: Callable[[Store, str], Any] | None = None,
               background: Any | None = None) -> FastAPI:
    """The application. Without ``store`` it opens the one the settings name (and closes it
    on shutdown); ``poll`` replaces the real fetcher for ``POST /sources/{id}/fetch``;
    ``background`` is started and stopped with the app (the worker, under ``serve``)."""
    from ..scheduler import Poller

    settings = settings or get_settings()
    owned = store is None
    store = store or open_store(settings.database_url)
    store.read_budget = settings.read_budget_seconds
    for projection in ALL.values():
        store.ensure_projection(projection)
    if poll is None and getattr(background, "poller", None) is not None:
        # "Poll now" through the worker's poll function: one memory of robots.txt and of
        # per-host pacing for scheduled and asked-for polls alike.
        poll = background.poller.poll

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await app.state.heads.start()
        if background is not None:
            background.start()
        # Everything built so far lives as long as the process: keep it out of the garbage
        # collector's scans, whose pauses otherwise show in the tail latency.
        gc.freeze()
        try:
            yield
        finally:
            if background is not None:
                background.stop()
            await app.state.heads.stop()
            app.state.poller.leases.close()
            if owned:
                store.close()

    app = FastAPI(title="letterwatch", version=VERSION, description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.settings = settings
    app.state.store = store
    app.state.latest = LatestCache(store)
    app.state.as_of = AsOf(every=settings.as_of_snapshot_every,
                           snapshots=settings.as_of_snapshots)
    app.state.memo = Memo(store)
    app.state.heads = Heads(store)
    app.state.streams = Streams(settings.sse_max_streams, settings.sse_max_streams_per_client)
    app.state.poller = Poller(store, settings, poll=poll)
    app.state.metrics = Metrics(store)
    app.state.revocations = Revocations(store)
    app.state.auth_failures = AuthFailures(settings.auth_failures_per_minute)

    errors.install(app)
    for module in (exports, letters, people, articles, sources, events, watches, admin, page,
                   pages, login):
        app.include_router(module.router)
    app.include_router(pages.data)
    app.mount("/static", StaticFiles(directory=str(page.WEB / "static")), name="static")
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(BodyTimeout, seconds=settings.body_timeout)
    app.add_middleware(NoNulCharacters)
    app.add_middleware(Lanes, slots={SEARCH: settings.search_slots, READ: settings.read_slots},
                       wait=settings.read_budget_seconds)
    tokens = tuple(t.encode() for t in (settings.read_token, settings.admin_token) if t)
    app.add_middleware(LatestFastPath, cache=app.state.latest,
                       read_tokens=tokens if settings.read_token else ())
    app.add_middleware(errors.StoreDown)

    def cookie_reads(scope: Any, value: str) -> bool:
        return login.cookie_reads(settings, value, app.state.revocations.generation())

    app.add_middleware(Guard, settings=settings, failures=app.state.auth_failures,
                       cookie_reads=cookie_reads)
    # Outermost, so that every answer is counted, rejections included.
    app.add_middleware(_MetricsMiddleware, metrics=app.state.metrics)
    return app


class _MetricsMiddleware:
    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = metrics.middleware(app)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


def app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory service.api:app_from_env`` (several API workers)."""
    return create_app(get_settings())
