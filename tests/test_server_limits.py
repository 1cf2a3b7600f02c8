"""What a stranger's sockets may hold: connections past the cap are turned away, slow
headers and slow bodies are cut off, and live streams are capped per client and in all;
the server keeps answering its health check throughout."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from service.api import create_app
from service.server import GuardedProtocol, ServerLimits
from store import Store
from test_api_support import load_corpus, settings

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve(sqlite_store: Store) -> Iterator:
    """Start the API on a real socket with the given settings; yields its address.
    (Limits are the server's, the same on every backend: SQLite only.)"""
    corpus = sqlite_store
    load_corpus(corpus)
    servers: list[uvicorn.Server] = []

    def start(**overrides: object) -> str:
        s = settings(**overrides)

        class Limited(GuardedProtocol):
            limits = ServerLimits.from_settings(s)

        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(s, corpus), host="127.0.0.1",
                                               port=port, http=Limited, log_level="warning",
                                               lifespan="on"))
        threading.Thread(target=server.run, daemon=True).start()
        servers.append(server)
        for _ in range(200):
            if server.started:
                break
            time.sleep(0.02)
        return f"127.0.0.1:{port}"

    yield start
    for server in servers:
        server.should_exit = True
        server.force_exit = True
    time.sleep(0.3)


def held(address: str) -> socket.socket:
    host, port = address.split(":")
    return socket.create_connection((host, int(port)), timeout=5)


def healthy(address: str) -> bool:
    try:
        return httpx.get(f"http://{address}/healthz", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def closed_with(sock: socket.socket, timeout: float) -> bytes:
    """What the server sent before closing, or raise if it keeps the socket open."""
    sock.settimeout(timeout)
    got = b""
    while True:
        chunk = sock.recv(4096)  # socket.timeout if the server holds the connection
        if not chunk:
            return got
        got += chunk


def test_a_connection_that_never_sends_its_headers_is_closed(serve):
    address = serve(header_timeout=0.5)
    idle, slow = held(address), held(address)
    slow.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
    started = time.monotonic()
    assert b"408" in closed_with(idle, 4) and b"408" in closed_with(slow, 4)
    assert time.monotonic() - started < 3
    assert healthy(address)


def test_connections_past_the_cap_are_turned_away_and_idle_ones_expire(serve):
    address = serve(max_connections=20, header_timeout=1.5)
    sockets = [held(address) for _ in range(20)]
    extra = held(address)
    assert b"503" in closed_with(extra, 3)
    assert not healthy(address)  # the cap holds, for everyone
    time.sleep(2)  # the idle ones sent nothing within header_timeout: closed
    assert healthy(address)
    for s in sockets:
        s.close()


def test_a_body_that_trickles_in_is_cut_off(serve):
    address = serve(body_timeout=0.5)
    s = held(address)
    s.sendall(b"POST /sources HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Authorization: Bearer admin-token-for-tests\r\nContent-Length: 100\r\n\r\n{")
    started = time.monotonic()
    answer = closed_with(s, 4)
    assert answer.startswith(b"HTTP/1.1 408") and b"not received within 0.5 s" in answer
    assert time.monotonic() - started < 3


def open_stream(address: str) -> tuple[socket.socket, bytes]:
    s = held(address)
    s.sendall(b"GET /events/stream HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(3)
    return s, s.recv(4096)


def test_live_streams_are_capped_per_client_and_in_all(serve):
    address = serve(sse_max_streams_per_client=2, sse_max_streams=5)
    first = [open_stream(address) for _ in range(2)]
    assert all(head.startswith(b"HTTP/1.1 200") for _, head in first)
    s, head = open_stream(address)
    assert head.startswith(b"HTTP/1.1 429") and b"sse_max_streams_per_client" in head
    s.close()
    # A stream that ends gives its place back.
    first[0][0].close()
    for _ in range(50):
        s, head = open_stream(address)
        if head.startswith(b"HTTP/1.1 200"):
            break
        s.close()
        time.sleep(0.1)
    assert head.startswith(b"HTTP/1.1 200")
    assert healthy(address)

    other = serve(sse_max_streams_per_client=10, sse_max_streams=3)
    streams = [open_stream(other) for _ in range(3)]
    s, head = open_stream(other)
    assert head.startswith(b"HTTP/1.1 503") and b"sse_max_streams" in head
    assert healthy(other)
    for s, _ in streams:
        s.close()
