"""How failures reach clients: every error is JSON with a ``detail`` saying what went wrong."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from store import ConcurrencyError, QueryTimeout, StoreUnavailable

RETRY_AFTER = 5  # seconds a client is told to wait while the database is down
BUSY_RETRY_AFTER = 1  # seconds a client is told to wait when a request ran out of time


def install(app: FastAPI) -> None:
    """Map store errors to HTTP: a stale expected_version is 409, a database down is 503."""

    @app.exception_handler(ConcurrencyError)
    async def _conflict(request: Request, exc: ConcurrencyError) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "current_version": exc.actual}, status_code=409)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code != 405:
            return await http_exception_handler(request, exc)
        # Name every method the path supports, not only the first route's.
        path = request.url.path
        methods = sorted({m for r in request.app.routes if isinstance(r, APIRoute)
                          and r.path_regex.match(path) for m in r.methods})
        return JSONResponse({"detail": f"{request.method} is not allowed here; use "
                             f"{', '.join(methods)}"}, status_code=405,
                            headers={"Allow": ", ".join(methods)})

    @app.exception_handler(StoreUnavailable)
    async def _unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return unavailable(exc)

    @app.exception_handler(QueryTimeout)
    async def _timeout(request: Request, exc: QueryTimeout) -> JSONResponse:
        return unavailable(exc)


def unavailable(exc: StoreUnavailable | QueryTimeout) -> JSONResponse:
    if isinstance(exc, QueryTimeout):
        return busy(f"the request took too long: {exc}; try again, or narrow it")
    return JSONResponse({"detail": f"the database is unavailable: {exc}"}, status_code=503,
                        headers={"Retry-After": str(RETRY_AFTER)})


def busy(detail: str) -> JSONResponse:
    """503 for a request past its time budget: the server is up, only too busy right now."""
    return JSONResponse({"detail": detail}, status_code=503,
                        headers={"Retry-After": str(BUSY_RETRY_AFTER)})


class StoreDown:
    """The 503 for answers produced before routing (the /letters/latest fast path), which
    the exception handlers above never see."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except (StoreUnavailable, QueryTimeout) as exc:
            if started or scope["type"] != "http":
                raise
            await unavailable(exc)(scope, receive, send)


def invalid(location: str, name: str, message: str) -> RequestValidationError:
    """A 422 shaped like FastAPI's own validation errors, so clients parse one format:
    ``{"detail": [{"loc": [location, name], "msg": message, "type": "value_error"}]}``."""
    return RequestValidationError([{"loc": (location, name), "msg": message,
                                    "type": "value_error", "input": None}])


# Documented on routes that check tokens, so the schema lists every answer they give.
TOO_MANY_FAILURES = {"description": "too many failed attempts to authenticate from this "
                     "address (auth_failures_per_minute); see Retry-After"}
READ_RESPONSES: dict[int | str, dict] = {401: {"description": "a read token is needed"},
                                         429: TOO_MANY_FAILURES}
ADMIN_RESPONSES: dict[int | str, dict] = {
    401: {"description": "the admin token is needed"},
    429: TOO_MANY_FAILURES,
    408: {"description": "the body did not arrive within body_timeout"},
    403: {"description": "writes are disabled (no admin token configured)"},
    400: {"description": "the body is not JSON"},
    413: {"description": "the body is larger than max_request_bytes"},
}
