"""Signing in from a browser when reads need a token: a form at ``/login`` trades the read
token for a cookie, since a browser opening the page cannot send a bearer header."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..settings import Settings

COOKIE = "letterwatch_read"
MAX_FORM_BYTES = 4096

router = APIRouter(include_in_schema=False)


def cookie_value(token: str) -> str:
    """What the cookie holds: a digest of the token, never the token itself. Changing the
    token signs every browser out."""
    return hmac.new(token.encode(), b"letterwatch page reader", hashlib.sha256).hexdigest()


def cookie_reads(settings: Settings, cookie: str | None) -> bool:
    """The cookie was issued for the current read token."""
    if not cookie or not settings.read_token:
        return False
    return hmac.compare_digest(cookie.encode(), cookie_value(settings.read_token).encode())


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
        return HTMLResponse(_form(target, "That is not this server's read token."),
                            status_code=401)
    answer = RedirectResponse(target, status_code=303)
    # The read token, not the admin one, goes in the cookie: a browser is only ever a reader.
    answer.set_cookie(COOKIE, cookie_value(settings.read_token or token), httponly=True,
                      samesite="lax", secure=request.url.scheme == "https", max_age=30 * 86400)
    return answer


@router.get("/logout")
async def logout() -> Response:
    answer = RedirectResponse("/", status_code=303)
    answer.delete_cookie(COOKIE)
    return answer
