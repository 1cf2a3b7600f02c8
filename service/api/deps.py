"""What every route shares: the store, the settings and who may read or write."""

from __future__ import annotations

import hmac
from urllib.parse import quote
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from store import Store

from ..settings import Settings
from .login import COOKIE, request_reads

bearer = HTTPBearer(auto_error=False, description="LETTERWATCH_ADMIN_TOKEN for writes; "
                    "LETTERWATCH_READ_TOKEN (or the admin token) for reads when one is set")


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def public_base(request: Request) -> str:
    """Where links point: the configured public URL, else this server's root as a relative
    link. Never the Host header, which any client sets to whatever it likes."""
    url = request.app.state.settings.public_url
    return url.rstrip("/") + "/" if url else "/"


def _matches(given: HTTPAuthorizationCredentials | None, token: str | None) -> bool:
    if given is None or not token:
        return False
    # Constant-time comparison: response timing must not reveal how much of a guess matched.
    return hmac.compare_digest(given.credentials.encode(), token.encode())


# Async although they never await: FastAPI runs plain functions in a thread pool, a hop that
# costs more than the check itself on the hottest routes.
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _failed(request: Request, creds: HTTPAuthorizationCredentials | None) -> None:
    """A wrong token counts towards the client's limit (a missing one is no guess)."""
    if creds is not None:
        request.app.state.auth_failures.failed(request.client.host if request.client else "")


def bearer_in(request: Request) -> HTTPAuthorizationCredentials | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return HTTPAuthorizationCredentials(scheme=scheme, credentials=token.strip())


def is_reader(request: Request, creds: HTTPAuthorizationCredentials | None) -> bool:
    """The caller shows the read token, the admin token or a signed-in browser's cookie."""
    settings: Settings = request.app.state.settings
    return (_matches(creds, settings.read_token) or _matches(creds, settings.admin_token)
            or request_reads(request, request.cookies.get(COOKIE)))


async def require_read(request: Request, creds: Credentials) -> None:
    """Reads are open unless a read token is set; the admin token reads too."""
    settings: Settings = request.app.state.settings
    if not settings.read_token:
        return
    if is_reader(request, creds):
        return
    _failed(request, creds)
    raise HTTPException(401, "this server needs a bearer token for reads",
                        headers={"WWW-Authenticate": "Bearer"})


async def require_admin(request: Request, creds: Credentials) -> None:
    """Writes need the admin token; with none configured, writes are off."""
    settings: Settings = request.app.state.settings
    if not settings.admin_token:
        raise HTTPException(403, "writes are disabled: set LETTERWATCH_ADMIN_TOKEN to enable them")
    if not _matches(creds, settings.admin_token):
        _failed(request, creds)
        raise HTTPException(401, "writes need 'Authorization: Bearer <admin token>'",
                            headers={"WWW-Authenticate": "Bearer"})


async def require_read_page(request: Request, creds: Credentials) -> None:
    """As :func:`require_read`, but a browser without the token is sent to sign in."""
    try:
        await require_read(request, creds)
    except HTTPException:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise HTTPException(303, "sign in first",
                            headers={"Location": f"/login?next={quote(target, safe='')}"}) from None
