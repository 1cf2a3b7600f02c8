"""The HTTP server's own limits, below the application: how many connections one process
holds, and how long a client may take to send a request's headers.

uvicorn closes a kept-alive connection that goes quiet, but holds a fresh one that never
sends a request, or sends its headers a byte at a time, for ever: a few hundred such
sockets use up a process's file descriptors and the health check fails. Its
``limit_concurrency`` answers 503 only once a request's headers are in, too late for both.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .settings import Settings, get_settings


@dataclass(frozen=True)
class ServerLimits:
    max_connections: int
    header_timeout: float

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerLimits:
        return cls(settings.max_connections, settings.header_timeout)


def _answer(status: bytes, reason: str) -> bytes:
    body = reason.encode()
    return (b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n"
            + body)


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol with a connection cap and a deadline for headers.

    Pass the class as uvicorn's ``http``: each worker process reads the limits from its
    settings (a class, not an instance, is what uvicorn can hand to worker processes).
    """

    limits: ServerLimits | None = None  # set by tests; otherwise from the settings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limits = type(self).limits or ServerLimits.from_settings(get_settings())
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._limits.max_connections:
            transport.write(_answer(b"503 Service Unavailable", "too many connections\n"))
            transport.close()
            return
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._header_timer is None:  # a kept-alive connection's next request
            self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._header_timer = self.loop.call_later(self._limits.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.write(_answer(b"408 Request Timeout",
                                         "request headers not received in time\n"))
            self.transport.close()
