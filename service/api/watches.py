"""/watches: register webhooks for a person or a pair; the worker delivers each new letter."""

from __future__ import annotations

import secrets
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request, Response

from events import WatchAdded, WatchRemoved, WatchResealed
from store import NO_STREAM, Store

from .. import watches as w
from ..sealing import Sealer, SealingUnavailable
from .deps import get_settings, get_store, require_admin
from .errors import ADMIN_RESPONSES
from .models import SecretIn, WatchCreated, WatchDetail, WatchIn, WatchList, WatchSecret

# Webhook URLs often carry a receiver's token: every watch endpoint needs the admin token.
router = APIRouter(prefix="/watches", tags=["watches"], dependencies=[Depends(require_admin)],
                   responses=ADMIN_RESPONSES)
WatchId = Annotated[str, Path(max_length=64)]


def sealer(request: Request) -> Sealer:
    return Sealer.from_settings(get_settings(request))


def _seal(request: Request, url: str, secret: str) -> str:
    try:
        return sealer(request).seal({"url": url, "secret": secret})
    except SealingUnavailable as exc:
        raise HTTPException(503, f"watches are disabled: {exc}") from None


@router.post("", response_model=WatchCreated, status_code=201, summary="Watch a person or pair")
def add_watch(body: WatchIn, response: Response, store: Annotated[Store, Depends(get_store)],
              request: Request) -> dict[str, Any]:
    """Letters first reported after this call are POSTed to ``url``, each once, signed with
    the secret (returned here, and only here)."""
    watch_id = uuid.uuid4().hex[:16]
    secret = body.secret or secrets.token_urlsafe(32)
    result = store.append(w.stream(watch_id), [WatchAdded(
        watch_id=watch_id, person=body.person, sender=body.sender, recipient=body.recipient,
        sealed=_seal(request, body.url, secret))], NO_STREAM)
    response.headers["Location"] = f"/watches/{watch_id}"
    return {"watch_id": watch_id, "url": body.url, "person": body.person,
            "sender": body.sender, "recipient": body.recipient,
            "position": result.last_position, "secret": secret,
            "delivered": 0, "failed": 0, "pending": 0}


@router.get("", response_model=WatchList, summary="Watches")
def list_watches(store: Annotated[Store, Depends(get_store)], request: Request) -> dict[str, Any]:
    attempts = get_settings(request).webhook_max_attempts
    return {"items": [s.public(attempts) for s in w.load_watches(store, sealer(request)).values()
                      if not s.removed]}


def _load(store: Store, watch_id: str, request: Request) -> w.WatchState:
    state = w.load_watch(store, watch_id, sealer(request))
    if state is None or state.removed:
        raise HTTPException(404, f"no watch {watch_id!r}")
    return state


@router.get("/{watch_id}", response_model=WatchDetail, summary="A watch and its deliveries",
            responses={404: {"description": "no such watch"}})
def get_watch(watch_id: WatchId, store: Annotated[Store, Depends(get_store)],
              request: Request) -> dict[str, Any]:
    state = _load(store, watch_id, request)
    deliveries = sorted(
        ({"letter_id": lid, "attempt": a.attempt, "ok": a.ok, "status": a.status,
          "detail": a.detail, "position": a.position, "recorded_at": a.recorded_at.isoformat()}
         for lid, tries in state.attempts.items() for a in tries),
        key=lambda d: d["position"], reverse=True)[:200]
    return {**state.public(get_settings(request).webhook_max_attempts), "deliveries": deliveries}


@router.delete("/{watch_id}", status_code=204, summary="Stop a watch",
               responses={404: {"description": "no such watch"}})
def remove_watch(watch_id: WatchId, store: Annotated[Store, Depends(get_store)],
                 request: Request) -> Response:
    state = _load(store, watch_id, request)
    store.append(w.stream(watch_id), [WatchRemoved(watch_id=watch_id)], state.version)
    return Response(status_code=204)


@router.post("/{watch_id}/secret", response_model=WatchSecret, summary="Rotate a watch's secret",
             responses={404: {"description": "no such watch"}})
def rotate_secret(watch_id: WatchId, store: Annotated[Store, Depends(get_store)],
                  request: Request, body: SecretIn | None = None) -> dict[str, Any]:
    """Deliveries from now on are signed with a new secret (returned here, and only here);
    the receiver should stop accepting the old one."""
    state = _load(store, watch_id, request)
    if state.problem:
        raise HTTPException(409, f"watch {watch_id}: {state.problem}")
    secret = (body.secret if body and body.secret else None) or secrets.token_urlsafe(32)
    store.append(w.stream(watch_id), [WatchResealed(
        watch_id=watch_id, sealed=_seal(request, state.url, secret))], state.version)
    return {"watch_id": watch_id, "secret": secret}
