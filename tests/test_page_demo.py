"""What ``make demo`` gives a reader: from the first page to a letter, its sender, a thread and
back, on letters the real crawler found on the bundled demo site, never meeting raw JSON."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from service.api import create_app
from store.sqlite import SQLiteStore
from test_api_support import settings
from test_page_reader import accessible, browser, desktop, fits, shoot  # noqa: F401


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    done = subprocess.run([sys.executable, "-m", "service.cli", "demo", "--once", "--database",
                           str(db)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    store = SQLiteStore(db)
    server = uvicorn.Server(uvicorn.Config(create_app(settings(), store), host="127.0.0.1",
                                           port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    store.close()


def no_json(page) -> None:  # noqa: ANN001
    assert "application/json" not in page.evaluate("document.contentType")
    assert not page.locator("body").inner_text().lstrip().startswith("{")


@pytest.mark.slow
@pytest.mark.browser
def test_a_reader_follows_the_demo_from_letter_to_sender_to_thread(desktop, demo_site):  # noqa: F811
    page = desktop
    page.goto(demo_site + "/")
    assert page.locator("li.letter").count() >= 10
    thread_start = page.locator("li.letter", has=page.locator("a.thread-link")).first
    thread_start.locator(".when a").click()
    page.wait_for_url("**/letter/*")
    no_json(page)
    # The evidence stands highlighted in the article's own words, with text around it.
    context = page.locator("blockquote.context").first.inner_text()
    mark = page.locator("blockquote.context mark").first.inner_text()
    assert mark and len(context) > len(mark) + 40
    shoot(page, "demo-letter")
    accessible(page, "demo-letter")

    page.locator(".facts-box dd a.person").first.click()
    page.wait_for_url("**/person/*")
    no_json(page)
    assert page.locator("ul.offices li").count() >= 1  # every demo sender is a known leader
    shoot(page, "demo-person")
    accessible(page, "demo-person")

    page.go_back()
    page.locator("a", has_text="Read the whole thread").click()
    page.wait_for_url("**/thread/*")
    no_json(page)
    assert page.locator("ol.thread > li").count() >= 2
    fits(page)
    shoot(page, "demo-thread")
    accessible(page, "demo-thread")

    page.locator("nav.crumbs a", has_text="Letters").click()
    page.wait_for_url(demo_site + "/")
    shoot(page, "demo-first")
    accessible(page, "demo-first")
    assert Path(__file__).parent.parent.joinpath("test-artifacts", "pages",
                                                 "demo-thread.png").exists()
