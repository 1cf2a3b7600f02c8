"""Operations: rebuild projections, liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import os
import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from events import LoginsRevoked
from events.projections import ALL
from store import Store
from store.projector import rebuild_all

from ..metrics import DefaultRegistry, LogCollector
from .deps import bearer_in, get_settings, get_store, is_reader, require_admin
from .errors import ADMIN_RESPONSES, invalid
from .models import RebuildIn, RebuildOut, Ready

router = APIRouter(tags=["admin"])


@router.post("/admin/rebuild", response_model=RebuildOut, dependencies=[Depends(require_admin)],
             responses=ADMIN_RESPONSES,
             summary="Rebuild projections from the log")
def rebuild_projections(store: Annotated[Store, Depends(get_store)],
                        body: RebuildIn | None = None) -> dict[str, Any]:
    """Replays the log into fresh tables and swaps them in; reads go on meanwhile."""
    names = (body.projections if body and body.projections else None) or list(ALL)
    unknown = sorted(set(names) - set(ALL))
    if unknown:
        raise invalid("body", "projections", f"unknown projections {unknown}; known: {sorted(ALL)}")
    return {"rebuilt": rebuild_all(store, [ALL[name] for name in dict.fromkeys(names)])}


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def readiness(store: Store, max_lag: int) -> dict[str, Any]:
    try:
        head = store.head()
        checkpoints = store.checkpoints()
    except Exception as exc:  # noqa: BLE001 - whatever the database did, it is not ready
        # The first line says why (refused, timed out, read-only…); the rest is advice
        # meant for a terminal.
        reason = str(exc).splitlines()[0]
        return {"ready": False, "store": False, "head": 0, "projections": [],
                "detail": f"the database does not answer: {reason}"}
    lags = [{"name": cp.name, "version": cp.version, "position": cp.position,
             "lag": head - cp.position} for cp in checkpoints if cp.target == "live"]
    behind = [p["name"] for p in lags if p["lag"] > max_lag]
    missing = sorted(set(ALL) - {p["name"] for p in lags})
    detail = ""
    if behind:
        detail = f"projections more than {max_lag} events behind: {', '.join(behind)}"
    if missing:
        detail = f"projections not set up: {', '.join(missing)}"
    return {"ready": not behind and not missing, "store": True, "head": head,
            "projections": lags, "detail": detail}


@router.get("/readyz", response_model=Ready, summary="Database reachable, projections current",
            responses={503: {"model": Ready, "description": "not ready"}})
def readyz(request: Request, store: Annotated[Store, Depends(get_store)]) -> Any:
    """The details (lags, the database's error) go to readers who show a token, or to
    anyone where no token is set; others learn only ready or unavailable."""
    settings = get_settings(request)
    out = readiness(store, settings.ready_max_lag)
    # The token is read here, not declared: anyone may ask (load balancers do).
    if (settings.read_token or settings.admin_token) and not is_reader(request,
                                                                       bearer_in(request)):
        out = {"ready": out["ready"], "store": out["ready"], "head": 0, "projections": [],
               "detail": "" if out["ready"] else "unavailable"}
    return out if out["ready"] else JSONResponse(out, status_code=503)


@router.post("/admin/logins/revoke", status_code=204, dependencies=[Depends(require_admin)],
             responses=ADMIN_RESPONSES, summary="Sign every browser out")
def revoke_logins(request: Request, store: Annotated[Store, Depends(get_store)]) -> Response:
    """Every cookie issued by /login so far stops working, on every API process within
    a few seconds; the read token stays the same."""
    store.append("logins", [LoginsRevoked(reason="revoked by the admin")])
    request.app.state.revocations.forget()
    return Response(status_code=204)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {}}}})
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry),
                    media_type=CONTENT_TYPE_LATEST)


class Metrics:
    """Request counts and latencies per route, the log's figures read at scrape time, and
    the default registry's collectors (the crawl's, under ``serve``)."""

    OWN = frozenset({"letterwatch_http_requests", "letterwatch_http_request_seconds"})

    def __init__(self, store: Store) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("letterwatch_http_requests", "HTTP requests answered",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("letterwatch_http_request_seconds", "time to answer",
                                 ["route"], registry=self.registry,
                                 buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5))
        self.store = store
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            # One of several API processes (letterwatch api --workers N): the counters above
            # live in the shared directory, and a scrape reports all processes' sums.
            self.registry = CollectorRegistry()
            MultiProcessCollector(self.registry)
        else:
            self.registry.register(DefaultRegistry(self.OWN | LogCollector.NAMES))
        self.registry.register(LogCollector(store))

    def middleware(self, app: ASGIApp) -> ASGIApp:
        async def measure(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            start = time.perf_counter()
            status = 500

            async def record(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            try:
                await app(scope, receive, record)
            finally:
                route = scope.get("route")
                name = getattr(route, "path", "unmatched")
                self.requests.labels(scope["method"], name, str(status)).inc()
                self.latency.labels(name).observe(time.perf_counter() - start)

        return measure
