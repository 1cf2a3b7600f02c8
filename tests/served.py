"""The app served by a real uvicorn on a free loopback port, and Debian's Chromium to drive it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

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


@contextmanager
def chromium(path: str, args: list[str]) -> Iterator[object]:
    """A headless Chromium, or a skip (a failure under CI, where a browser must not pass as
    "skipped") when the machine has none."""
    if not Path(path).exists():
        message = "needs Debian's chromium: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=args)
        try:
            yield browser
        finally:
            browser.close()
