"""/sources: what to poll, its settings and health; writes append events to the source's stream."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from events import SourceAdded, SourceChanged, SourceRemoved, url_key
from events.projections import SOURCES
from store import ANY, NO_STREAM, Store
from store.projector import catch_up

from .deps import get_store, require_admin, require_read
from .errors import ADMIN_RESPONSES, READ_RESPONSES, invalid
from .models import FetchResult, Source, SourceIn, SourceList, SourcePatch
from .queries import SOURCES_T
from .serialise import json_response

router = APIRouter(prefix="/sources", tags=["sources"], responses={**READ_RESPONSES,
                                                                   **ADMIN_RESPONSES})
SourceId = Annotated[str, Path(max_length=64, description="the source's id")]


def stream(source_id: str) -> str:
    return f"source-{source_id}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-")


def source_out(store: Store, row: dict[str, Any], version: int | None = None) -> dict[str, Any]:
    out = {k: row.get(k) for k in Source.model_fields if k not in ("version", "healthy")}
    for k in ("enabled", "may_change", "removed"):
        out[k] = bool(out[k])
    for k in ("consecutive_failures", "polls", "entries_seen", "new_urls", "pages_fetched",
              "pages_failed", "interval_seconds"):
        out[k] = int(out[k] or 0)
    out["version"] = (store.stream_version(stream(row["source_id"])) if version is None
                      else version)
    out["healthy"] = out["consecutive_failures"] == 0
    return out


def _row(store: Store, source_id: str) -> dict[str, Any] | None:
    rows = store.query(f"SELECT * FROM {SOURCES_T} WHERE source_id = ?", [source_id])
    return rows[0] if rows else None


def load(store: Store, source_id: str) -> dict[str, Any]:
    """The source's row, brought up to date with the log; 404 when unknown or removed."""
    catch_up(store, SOURCES)
    row = _row(store, source_id)
    if row is None or row["removed"]:
        raise HTTPException(404, f"no source {source_id!r}")
    return row


@router.get("", response_model=SourceList, dependencies=[Depends(require_read)],
            summary="Sources and their health")
def list_sources(store: Annotated[Store, Depends(get_store)],
                 removed: Annotated[bool, Query(description="include removed ones")] = False,
                 ) -> Response:
    sql = f"SELECT * FROM {SOURCES_T}" + ("" if removed else " WHERE removed = 0")
    rows = store.query(sql + " ORDER BY source_id")
    versions = store.stream_versions([stream(r["source_id"]) for r in rows])
    return json_response(
        {"items": [source_out(store, r, versions[stream(r["source_id"])]) for r in rows]})


@router.get("/{source_id}", response_model=Source, dependencies=[Depends(require_read)],
            summary="One source and its health", responses={404: {"description": "no such source"}})
def get_source(source_id: SourceId, store: Annotated[Store, Depends(get_store)]) -> Response:
    """Settings, last success, last error, consecutive failures and the next poll."""
    return json_response(source_out(store, load(store, source_id)))


@router.post("", response_model=Source, status_code=201, dependencies=[Depends(require_admin)],
             summary="Add a source", responses={409: {"description": "the id is taken"}})
def add_source(body: SourceIn, response: Response,
               store: Annotated[Store, Depends(get_store)]) -> dict[str, Any]:
    """Appends SourceAdded; the scheduler polls it on its next tick."""
    source_id = body.source_id or slug(body.name or "") or f"src-{url_key(body.url)[:12]}"
    catch_up(store, SOURCES)
    existing = _row(store, source_id)
    if existing is not None and not existing["removed"]:
        raise HTTPException(409, f"source {source_id!r} exists: PATCH it, or choose another id")
    # A removed source's id can be used again: its stream goes on from where it was.
    expected = store.stream_version(stream(source_id)) if existing is not None else NO_STREAM
    store.append(stream(source_id), [SourceAdded(
        source_id=source_id, url=body.url, kind=body.kind, interval_seconds=body.interval_seconds,
        enabled=body.enabled, name=body.name, may_change=body.may_change)], expected)
    response.headers["Location"] = f"/sources/{source_id}"
    return source_out(store, load(store, source_id))


@router.patch("/{source_id}", response_model=Source, dependencies=[Depends(require_admin)],
              summary="Change a source's settings",
              responses={404: {"description": "no such source"},
                         409: {"description": "expected_version is stale"}})
def change_source(source_id: SourceId, body: SourcePatch,
                  store: Annotated[Store, Depends(get_store)]) -> dict[str, Any]:
    """Appends SourceChanged with only the new values; with ``expected_version`` the change is
    refused (409) if anything was appended to the source's stream since you read it."""
    if not body.changes():
        raise invalid("body", "changes", "nothing to change: give at least one setting")
    row = load(store, source_id)
    changes = {k: v for k, v in body.changes().items() if row.get(k) != v}
    expected = ANY if body.expected_version is None else body.expected_version
    if changes:
        store.append(stream(source_id), [SourceChanged(source_id=source_id, changes=changes)],
                     expected)
    elif expected != ANY and store.stream_version(stream(source_id)) != expected:
        raise HTTPException(409, f"source {source_id!r} has moved past version {expected}")
    return source_out(store, load(store, source_id))


@router.delete("/{source_id}", status_code=204, dependencies=[Depends(require_admin)],
               summary="Remove a source", responses={404: {"description": "no such source"}})
def remove_source(source_id: SourceId, store: Annotated[Store, Depends(get_store)],
                  expected_version: Annotated[int | None, Query(ge=0)] = None) -> Response:
    """Appends SourceRemoved: polling stops; its articles and history stay."""
    load(store, source_id)
    store.append(stream(source_id), [SourceRemoved(source_id=source_id)],
                 ANY if expected_version is None else expected_version)
    catch_up(store, SOURCES)
    return Response(status_code=204)


@router.post("/{source_id}/fetch", response_model=FetchResult,
             dependencies=[Depends(require_admin)], summary="Poll a source now",
             responses={404: {"description": "no such source"},
                        409: {"description": "a worker is polling it right now"},
                        503: {"description": "no fetcher is installed"}})
async def fetch_source(source_id: SourceId, request: Request,
                       store: Annotated[Store, Depends(get_store)]) -> dict[str, Any]:
    """Poll now, whatever its schedule, and answer with its health afterwards."""
    await run_in_threadpool(load, store, source_id)
    poller = request.app.state.poller
    polled, detail = await run_in_threadpool(poller.poll_one, source_id, True)
    if not polled and detail == poller.BUSY:
        raise HTTPException(409, detail)
    if not polled and detail == poller.NO_FETCHER:
        raise HTTPException(503, detail)
    row = await run_in_threadpool(load, store, source_id)
    return {"source": source_out(store, row), "polled": polled, "detail": detail}
