"""Signing in from a browser when reads need a token: a form at ``/login`` trades the read
token for a cookie, since a browser opening the page cannot send a bearer header.

The cookie is signed with a key derived from the read token and the log's last
``LoginsRevoked`` event: ``POST /admin/logins/revoke`` rotates the key, and every browser
signed in before is signed out, on every API process, without changing the token.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from typing import Annotated
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from store import Store

from ..settings import Settings

COOKIE = "letterwatch_read"
MAX_FORM_BYTES = 4096
MAX_AGE = 30 * 86400
REVOCATIONS_TTL = 2.0  # seconds a process trusts its reading of the last revocation

router = APIRouter(include_in_schema=False)


class Revocations:
    """The position of the last ``LoginsRevoked`` event, read again every few seconds."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._value, self._read_at = 0, -REVOCATIONS_TTL
        self._lock = threading.Lock()

    def generation(self) -> int:
        with self._lock:
            if time.monotonic() - self._read_at >= REVOCATIONS_TTL:
                try:
                    rows = self.store.query(
                        "SELECT MAX(position) AS p FROM events WHERE type = 'LoginsRevoked'")
                except Exception:  # noqa: BLE001 - database away: the last reading stands
                    return self._value
                self._value, self._read_at = int(rows[0]["p"] or 0), time.monotonic()
            return self._value

    def forget(self) -> None:
        """Read again on the next request (this process has just revoked)."""
        with self._lock:
            self._read_at = -REVOCATIONS_TTL


def _key(token: str, generation: int) -> bytes:
    return hmac.new(token.encode(), f"letterwatch page reader {generation}".encode(),
                    hashlib.sha256).digest()


def cookie_value(token: str, generation: int, issued: int | None = None) -> str:
    """What the cookie holds: when it was issued and a MAC of that under the current key,
    never the token itself. A new token or a revocation signs every browser out."""
    issued = int(time.time()) if issued is None else issued
    mac = hmac.new(_key(token, generation), str(issued).encode(), hashlib.sha256).hexdigest()
    return f"{issued}.{mac}"


def cookie_reads(settings: Settings, cookie: str | None, generation: int = 0) -> bool:
    """The cookie was issued for the current read token, since the last revocation, and
    is less than MAX_AGE old."""
    if not cookie or not settings.read_token:
        return False
    issued, _, _ = cookie.partition(".")
    if not (issued.isascii() and issued.isdigit() and len(issued) < 12):
        return False
    if time.time() - int(issued) > MAX_AGE:
        return False
    expected = cookie_value(settings.read_token, generation, int(issued))
    return hmac.compare_digest(cookie.encode(), expected.encode())


def request_reads(request: Request, cookie: str | None) -> bool:
    if not cookie:
        return False
    return cookie_reads(request.app.state.settings, cookie,
                        request.app.state.revocations.generation())


def safe_next(target: str | None) -> str:
    """Only a path on this server: ``//evil.example`` or a full URL must not be followed."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _form(next_path: str, problem: str | None = None) -> str:
    note = f'<p class="problem">{problem}</p>' if problem else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>letterwatch — sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/app.css"></head>
<body><header class="top"><h1><a href="/">letterwatch</a></h1></header>
<form class="login" method="post" action="/login?next={quote(next_path, safe='/')}">
<p>This server needs its read token.</p>{note}
<label>Read token <input name="token" type="password" autocomplete="current-password" autofocus
required></label> <button type="submit">Sign in</button></form></body></html>"""


@router.get("/login", response_class=HTMLResponse)
async def login_form(next: Annotated[str | None, Query(max_length=500)] = None) -> HTMLResponse:
    return HTMLResponse(_form(safe_next(next)))


@router.post("/login")
async def login(request: Request,
                next: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    settings: Settings = request.app.state.settings
    target = safe_next(next)
    body = await request.body()
    token = parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", "replace")).get("token", [""])[0]
    valid = [t for t in (settings.read_token, settings.admin_token) if t]
    if not any(hmac.compare_digest(token.encode(), t.encode()) for t in valid):
        request.app.state.auth_failures.failed(request.client.host if request.client else "")
        return HTMLResponse(_form(target, "That is not this server's read token."),
                            status_code=401)
    answer = RedirectResponse(target, status_code=303)
    # The read token, not the admin one, goes in the cookie: a browser is only ever a reader.
    answer.set_cookie(COOKIE, cookie_value(settings.read_token or token,
                                           request.app.state.revocations.generation()),
                      httponly=True, samesite="lax", max_age=MAX_AGE,
                      secure=request.url.scheme == "https" or bool(
                          settings.public_url and settings.public_url.startswith("https:")))
    return answer


@router.get("/logout")
async def logout() -> Response:
    answer = RedirectResponse("/", status_code=303)
    answer.delete_cookie(COOKIE)
    return answer
