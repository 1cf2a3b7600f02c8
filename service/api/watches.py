"""/watches: register webhooks for a person or a pair; the worker delivers each new letter."""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response

from events import WatchAdded, WatchRemoved
from store import NO_STREAM, Store

from .. import watches as w
from .deps import get_settings, get_store, require_admin
from .errors import ADMIN_RESPONSES
from .models import WatchCreated, WatchDetail, WatchIn, WatchList

# Webhook URLs often carry a receiver's token: every watch endpoint needs the admin token.
router = APIRouter(prefix="/watches", tags=["watches"], dependencies=[Depends(require_admin)],
                   responses=ADMIN_RESPONSES)
WatchId = Annotated[str, Path(max_length=64)]


@router.post("", response_model=WatchCreated, status_code=201, summary="Watch a person or pair")
def add_watch(body: WatchIn, response: Response, store: Annotated[Store, Depends(get_store)],
              request: Request) -> dict[str, Any]:
    """Letters first reported after this call are POSTed to ``url``, each once, signed with
    the secret (returned here, and only here)."""
    watch_id = uuid.uuid4().hex[:16]
    secret = body.secret or secrets.token_urlsafe(32)
    result = store.append(w.stream(watch_id), [WatchAdded(
        watch_id=watch_id, url=body.url, person=body.person, sender=body.sender,
        recipient=body.recipient, secret=secret)], NO_STREAM)
    response.headers["Location"] = f"/watches/{watch_id}"
    return {"watch_id": watch_id, "url": body.url, "person": body.person,
            "sender": body.sender, "recipient": body.recipient,
            "position": result.last_position, "secret": secret,
            "delivered": 0, "failed": 0, "pending": 0}


@router.get("", response_model=WatchList, summary="Watches")
def list_watches(store: Annotated[Store, Depends(get_store)], request: Request) -> dict[str, Any]:
    attempts = get_settings(request).webhook_max_attempts
    return {"items": [s.public(attempts) for s in w.load_watches(store).values()
                      if not s.removed]}


def _load(store: Store, watch_id: str) -> w.WatchState:
    state = w.load_watch(store, watch_id)
    if state is None or state.removed:
        raise HTTPException(404, f"no watch {watch_id!r}")
    return state


@router.get("/{watch_id}", response_model=WatchDetail, summary="A watch and its deliveries",
            responses={404: {"description": "no such watch"}})
def get_watch(watch_id: WatchId, store: Annotated[Store, Depends(get_store)],
              request: Request) -> dict[str, Any]:
    state = _load(store, watch_id)
    deliveries = sorted(
        ({"letter_id": lid, "attempt": a.attempt, "ok": a.ok, "status": a.status,
          "detail": a.detail, "position": a.position, "recorded_at": a.recorded_at.isoformat()}
         for lid, tries in state.attempts.items() for a in tries),
        key=lambda d: d["position"], reverse=True)[:200]
    return {**state.public(get_settings(request).webhook_max_attempts), "deliveries": deliveries}


@router.delete("/{watch_id}", status_code=204, summary="Stop a watch",
               responses={404: {"description": "no such watch"}})
def remove_watch(watch_id: WatchId, store: Annotated[Store, Depends(get_store)]) -> Response:
    state = _load(store, watch_id)
    store.append(w.stream(watch_id), [WatchRemoved(watch_id=watch_id)], state.version)
    return Response(status_code=204)
