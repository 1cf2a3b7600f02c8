"""What strangers meet before any route: failed authentication slowed down, the operator's
pages (/docs, /openapi.json, /metrics) kept for readers, and headers that keep the page
out of other sites' frames and its scripts to its own."""

from __future__ import annotations

import hmac
import threading
import time
from http.cookies import CookieError, SimpleCookie

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..settings import Settings
from .login import COOKIE

# The operator's pages: what the API looks like and how busy it is.
OPERATOR_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json",
                            "/metrics"})
# Pages only: the API's JSON needs no policy, and /docs loads Swagger UI from a CDN.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; style-src-attr 'unsafe-inline'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
WINDOW = 60.0


class AuthFailures:
    """Failed authentication per client address in fixed one-minute windows: past the
    limit, every attempt from that address is refused until the window ends, so a token
    cannot be guessed at the speed of the server."""

    def __init__(self, per_minute: int, clock=time.monotonic) -> None:
        self.per_minute, self.clock = per_minute, clock
        self._seen: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def blocked(self, client: str) -> float:
        """Seconds until ``client`` may try again (0: now)."""
        with self._lock:
            started, count = self._seen.get(client, (0.0, 0))
            left = started + WINDOW - self.clock()
            return left if left > 0 and count >= self.per_minute else 0.0

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            started, count = self._seen.get(client, (now, 0))
            if now - started >= WINDOW:
                started, count = now, 0
            self._seen[client] = (started, count + 1)
            if len(self._seen) > 10_000:  # forget windows that are over
                self._seen = {k: v for k, v in self._seen.items() if now - v[0] < WINDOW}


def protects_operator_pages(settings: Settings) -> bool:
    if settings.protect_docs is not None:
        return settings.protect_docs
    return bool(settings.read_token)


def bearer_of(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else None
    return None


def token_matches(given: str | None, *tokens: str | None) -> bool:
    # Constant-time: response timing must not reveal how much of a guess matched.
    return given is not None and any(
        hmac.compare_digest(given.encode(), t.encode()) for t in tokens if t)


async def _json(send: Send, status: int, detail: str, headers: list | None = None) -> None:
    body = orjson.dumps({"detail": detail})
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """Refuses clients over their failed-authentication limit, asks for the read token on
    the operator's pages, and adds the security headers to every answer."""

    def __init__(self, app: ASGIApp, settings: Settings, failures: AuthFailures,
                 cookie_reads) -> None:
        self.app, self.settings, self.failures = app, settings, failures
        self.protect = protects_operator_pages(settings)
        self.cookie_reads = cookie_reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope["client"][0] if scope.get("client") else ""
        token = bearer_of(scope)
        if (token is not None or scope["path"] == "/login") and self.failures.blocked(client):
            wait = int(self.failures.blocked(client)) + 1
            await _json(send, 429, "too many failed attempts to authenticate; try again "
                        "later", [(b"retry-after", str(wait).encode())])
            return
        if self.protect and scope["path"] in OPERATOR_PATHS and not self._reader(scope, token):
            if token is not None:
                self.failures.failed(client)
            await _json(send, 401, "this page needs the read token",
                        [(b"www-authenticate", b"Bearer")])
            return
        page = not scope["path"].startswith(("/docs", "/redoc"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [self._location(scope, h) if h[0] == b"location" else h
                           for h in message.get("headers", [])]
                headers += [(b"x-frame-options", b"DENY"),
                            (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"same-origin")]
                if page:
                    headers.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)

    def _location(self, scope: Scope, header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
        """Starlette's redirects (a trailing slash) are absolute URLs built from the Host
        header, which the client chose: point them at the public URL, or make them relative."""
        location = header[1].decode("latin-1")
        host = next((v.decode("latin-1") for n, v in scope.get("headers", ()) if n == b"host"),
                    "")
        for scheme in ("http://", "https://"):
            if host and location.startswith(scheme + host + "/"):
                path = location[len(scheme + host):]
                base = (self.settings.public_url or "").rstrip("/")
                return (b"location", (base + path).encode("latin-1"))
        return header

    def _reader(self, scope: Scope, token: str | None) -> bool:
        if token_matches(token, self.settings.read_token, self.settings.admin_token):
            return True
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                jar: SimpleCookie = SimpleCookie()
                try:
                    jar.load(value.decode("latin-1"))
                except CookieError:  # a malformed cookie is no cookie
                    return False
                morsel = jar.get(COOKIE)
                return bool(morsel and self.cookie_reads(scope, morsel.value))
        return False
