"""Request body size limit, enforced while the body streams in, not after it is buffered."""

from __future__ import annotations

import asyncio
import time

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Answer 413 to a request whose body is, or turns out to be, larger than ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_bytes or declared < 0:
                    await self._reject(send)
                    return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except BodyTooLarge:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        body = orjson.dumps({"detail": f"request body larger than {self.max_bytes} bytes"})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class NoNulCharacters:
    """Answer 422 to a path or query holding a NUL character: no text column can store one
    (PostgreSQL refuses it outright), so it can only be a mistake or a probe."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            "\x00" in scope.get("path", "")
            or b"%00" in scope.get("query_string", b"")
            or b"\x00" in scope.get("query_string", b"")
        ):
            body = orjson.dumps({"detail": [{
                "loc": ["query" if "\x00" not in scope.get("path", "") else "path"],
                "msg": "NUL characters are not allowed in paths or query parameters",
                "type": "value_error"}]})
            await send({"type": "http.response.start", "status": 422,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


class BodyTimeout:
    """Answer 408 to a request whose body does not arrive within ``seconds`` in all: a
    client sending a byte now and then would otherwise hold a worker's request for ever.

    Only the body is timed: once it is in, ``receive`` waits for a disconnect, which a
    long answer (the live event stream) listens for as long as it runs. The application
    sees the timeout as a failed read, so whatever it answers then is replaced by the 408.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = time.monotonic() + self.seconds
        complete = too_slow = started = False

        async def timed() -> Message:
            nonlocal complete, too_slow
            if complete:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(),
                                                 max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                too_slow = True
                raise BodyTooSlow from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                complete = True
            return message

        async def answer_408() -> None:
            body = orjson.dumps({"detail": f"request body not received within "
                                           f"{self.seconds:g} s"})
            await send({"type": "http.response.start", "status": 408,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"connection", b"close"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                if too_slow and not started:
                    started = True
                    await answer_408()
                    return
                started = True
            if too_slow:
                return  # the rest of the application's answer to a read that failed
            await send(message)

        try:
            await self.app(scope, timed, tracking)
        except BodyTooSlow:
            if not started:
                await answer_408()


class BodyTooSlow(Exception):
    pass
