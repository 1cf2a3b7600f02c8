"""How failures reach clients: every error is JSON with a ``detail`` saying what went wrong."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from store import ConcurrencyError, StoreUnavailable


def install(app: FastAPI) -> None:
    """Map store errors to HTTP: a stale expected_version is 409, a database down is 503."""

    @app.exception_handler(ConcurrencyError)
    async def _conflict(request: Request, exc: ConcurrencyError) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "current_version": exc.actual}, status_code=409)

    @app.exception_handler(StoreUnavailable)
    async def _unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return JSONResponse({"detail": f"the database is unavailable: {exc}"}, status_code=503,
                            headers={"Retry-After": "5"})
