"""A flaky upstream for crawl tests: pages whose every request follows a script of faults
(connection resets, stalls, truncated bodies, 5xx bursts) before, perhaps, answering well.

Each URL's script is fixed, so a test knows what the crawl should make of it: a page whose
faults run out within the fetch policy's retries ends fetched, the others fail with the
reason their last fault gives.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sites import Reply, Request, Site

Fault = Callable[[bytes, Reply], Awaitable[None]]
HTML = "text/html; charset=utf-8"


def _reset(reply: Reply) -> None:
    """Abort the connection with a TCP RST rather than an orderly FIN."""
    sock = reply.writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    reply.writer.transport.abort()


async def ok(body: bytes, reply: Reply) -> None:
    await reply.send(200, body, {"Content-Type": HTML})


async def reset_in_headers(body: bytes, reply: Reply) -> None:
    await reply.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Len")
    _reset(reply)


async def reset_in_body(body: bytes, reply: Reply) -> None:
    await reply.head(200, {"Content-Type": HTML, "Content-Length": str(len(body))})
    await reply.write(body[: len(body) // 2])
    await asyncio.sleep(0.05)  # let the client take the first half before the RST
    _reset(reply)


async def truncated(body: bytes, reply: Reply) -> None:
    """Content-Length promises the whole page; half is sent, then an orderly close."""
    await reply.head(200, {"Content-Type": HTML, "Content-Length": str(len(body))})
    await reply.write(body[: len(body) // 2])


async def truncated_chunked(body: bytes, reply: Reply) -> None:
    """A chunked body whose closing zero-length chunk never comes."""
    await reply.head(200, {"Content-Type": HTML, "Transfer-Encoding": "chunked"})
    half = body[: len(body) // 2]
    await reply.write(f"{len(half):x}\r\n".encode() + half + b"\r\n")


async def truncated_gzip(body: bytes, reply: Reply) -> None:
    """A gzip body delimited by the close, not by a length: only the gzip stream itself can
    tell that the close came early."""
    packed = gzip.compress(body)
    await reply.head(200, {"Content-Type": HTML, "Content-Encoding": "gzip"})
    await reply.write(packed[: len(packed) // 2])


async def stall_before_headers(body: bytes, reply: Reply) -> None:
    await asyncio.sleep(60)


async def stall_in_body(body: bytes, reply: Reply) -> None:
    await reply.head(200, {"Content-Type": HTML, "Content-Length": str(len(body))})
    await reply.write(body[: len(body) // 3])
    await asyncio.sleep(60)


def status(code: int) -> Fault:
    async def fault(body: bytes, reply: Reply) -> None:
        await reply.send(code, b"upstream trouble", {"Content-Type": "text/plain"})

    return fault


# The reason the fetcher should record when a page's last attempt meets each fault.
REASONS: dict[Fault, str] = {
    reset_in_headers: "network", reset_in_body: "network", truncated: "network",
    truncated_chunked: "network", truncated_gzip: "network",
    stall_before_headers: "timeout", stall_in_body: "timeout",
}


@dataclass
class Script:
    """What the n-th request for a page gets: ``faults[n]``, then ``ok`` once they run out;
    with ``forever`` the last fault repeats instead."""

    faults: list[Fault]
    forever: bool = False

    def fault_for(self, attempt: int) -> Fault:
        if attempt < len(self.faults):
            return self.faults[attempt]
        return self.faults[-1] if self.forever and self.faults else ok

    def expected(self, max_retries: int) -> tuple[str, str | None]:
        """("fetched", None) or ("failed", reason) after 1 + ``max_retries`` attempts."""
        attempts = 1 + max_retries
        if not self.forever and len(self.faults) < attempts:
            return "fetched", None
        last = self.fault_for(attempts - 1)
        return "failed", REASONS.get(last, "http_5xx")


def scripted(site: Site, path: str, body: bytes, script: Script) -> None:
    """Serve ``body`` at ``path`` through ``script``'s faults."""
    async def handler(req: Request, reply: Reply) -> None:
        attempt = site.hits[path] - 1  # the site counts the request before handing it over
        await script.fault_for(attempt)(body, reply)

    site.route(path, handler)
