"""The app served by a real uvicorn on a free loopback port, for the tests a browser drives."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from service.api import create_app
from store import Store
from test_api_support import settings


@contextmanager
def served(store: Store, start_within: float = 60.0) -> Iterator[str]:
    """Serve the app over `store`; yields its base URL and stops the server afterwards."""
    server = uvicorn.Server(uvicorn.Config(create_app(settings(), store), host="127.0.0.1",
                                           port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_within
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
