"""The processes users run: ``letterwatch serve`` and ``letterwatch worker``, as subprocesses
crawling the local demo site through the real fetcher."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import orjson
import pytest

from events import SourceAdded
from service.demo.server import DemoSite
from service.watches import verify
from store import Store
from test_api_support import ADMIN, AUTH, SEALING_KEY, refresh

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERWATCH_")}
    env.update({
        "LETTERWATCH_DATABASE_URL": database_url,
        "LETTERWATCH_ALLOW_PRIVATE": '["127.0.0.1"]',  # the demo site is on loopback
        "LETTERWATCH_PER_HOST_DELAY": "0.02",
        "LETTERWATCH_SCHEDULER_TICK_SECONDS": "0.3",
        "LETTERWATCH_ADMIN_TOKEN": ADMIN,
        "LETTERWATCH_SECRET_KEY": SEALING_KEY,
        **extra,
    })
    return env


def letterwatch(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "service.cli", *args], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def eventually(check: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except (httpx.HTTPError, LookupError):
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    return out


class Running:
    """Started processes, stopped at the end; on a failure their output joins the report."""

    def __init__(self, *procs: subprocess.Popen) -> None:
        self.procs, self.outs = procs, []

    def __enter__(self) -> Running:
        return self

    def __exit__(self, kind: object, error: BaseException | None, tb: object) -> None:
        self.outs = [stop(p) for p in self.procs]
        if error is not None:
            error.add_note("process output:\n" + "\n---\n".join(self.outs))


class Hook(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        self.received.append((dict(self.headers),
                              self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hook():
    Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


@pytest.fixture
def site():
    s = DemoSite().start()
    yield s
    s.stop()


def test_serve_runs_the_api_the_page_and_the_worker_in_one_process(tmp_path: Path, site, hook):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = letterwatch("serve", "--port", str(port), "--log-level", "warning",
                       env=env_for(f"sqlite:///{tmp_path / 'lw.db'}"), cwd=tmp_path)
    with Running(proc) as running:
        eventually(lambda: httpx.get(f"{base}/healthz").status_code == 200, 60, "the server")
        watch = httpx.post(f"{base}/watches", headers=AUTH,
                           json={"url": hook, "person": "Vladimir Putin"}).json()
        added = httpx.post(f"{base}/sources", headers=AUTH, json={
            "source_id": "gazette", "url": site.feed_url, "kind": "feed", "name": "Gazette"})
        assert added.status_code == 201, added.text
        # The worker in the same process sees the new source due, crawls it, and the
        # projections it folds answer the API.
        letters = eventually(lambda: httpx.get(f"{base}/letters").json()["items"], 90,
                             "letters from the crawled site")
        assert any(l["sender"] == "Kim Jong Un" and l["recipient"] == "Vladimir Putin"
                   for l in letters)
        health = httpx.get(f"{base}/sources/gazette").json()
        assert health["polls"] == 1 and health["healthy"] and health["last_success_at"]
        assert httpx.get(f"{base}/readyz").status_code == 200
        assert "letterwatch_log_head" in httpx.get(f"{base}/metrics").text
        assert "Kim Jong Un" in httpx.get(f"{base}/").text
        # The worker delivers each new letter involving Putin to the webhook, once, signed.
        def putin() -> list[str]:
            everything = httpx.get(f"{base}/letters", params={"person": "Vladimir Putin"})
            return sorted(l["letter_id"] for l in everything.json()["items"])

        def delivered() -> list[str]:
            return sorted(orjson.loads(body)["letter"]["letter_id"]
                          for _, body in Hook.received)

        eventually(lambda: delivered() and delivered() == putin(), 30, "webhook deliveries")
        time.sleep(1)  # a few more ticks: nothing is sent twice
        assert delivered() == putin() and len(set(delivered())) == len(delivered())
        headers, body = Hook.received[0]
        assert verify(watch["secret"], headers["X-Letterwatch-Timestamp"], body,
                      headers["X-Letterwatch-Signature"])
    # uvicorn stops gracefully, then re-raises the signal it caught.
    (out,) = running.outs
    assert proc.returncode in (0, -signal.SIGTERM) and "Traceback" not in out, out


def test_api_and_worker_run_apart_on_one_database(tmp_path: Path, site):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = env_for(f"sqlite:///{tmp_path / 'lw.db'}")
    api = letterwatch("api", "--port", str(port), "--log-level", "warning", env=env, cwd=tmp_path)
    worker = letterwatch("worker", "--log-level", "warning", env=env, cwd=tmp_path)
    with Running(api, worker) as running:
        eventually(lambda: httpx.get(f"{base}/healthz").status_code == 200, 60, "the API")
        httpx.post(f"{base}/sources", headers=AUTH,
                   json={"source_id": "gazette", "url": site.feed_url, "kind": "feed"})
        # The worker polls and folds; the API answers from the tables it keeps current.
        eventually(lambda: httpx.get(f"{base}/letters").json()["items"], 90, "letters")
        eventually(lambda: httpx.get(f"{base}/readyz").status_code == 200, 30, "readiness")
    outs = running.outs
    assert worker.returncode == 0 and api.returncode in (0, -signal.SIGTERM), outs
    assert not any("Traceback" in out for out in outs), outs


@pytest.mark.postgres
def test_two_workers_share_the_sources_and_fetch_each_feed_once(pg_store: Store, tmp_path: Path,
                                                                 site):
    feeds = [f"{site.feed_url}?edition={i}" for i in range(6)]
    for i, url in enumerate(feeds):
        pg_store.append(f"source-e{i}", [SourceAdded(source_id=f"e{i}", url=url, kind="feed")])
    env = env_for(f"{pg_store.url}?schema={pg_store.schema}")
    workers = [letterwatch("worker", "--log-level", "warning", env=env, cwd=tmp_path)
               for _ in range(2)]
    with Running(*workers) as running:
        def all_polled() -> bool:
            refresh(pg_store)
            rows = pg_store.query("SELECT polls FROM p_sources_sources")
            return len(rows) == 6 and all(r["polls"] >= 1 for r in rows)

        eventually(all_polled, 90, "every source polled")
        time.sleep(2)  # several more ticks of both workers: nothing is due any more
    outs = running.outs
    assert [w.returncode for w in workers] == [0, 0], outs
    assert not any("Traceback" in out for out in outs), outs
    fetched = Counter(path for path in site.requests if path.startswith("/feed.xml"))
    assert fetched == {f"/feed.xml?edition={i}": 1 for i in range(6)}
    refresh(pg_store)
    assert {r["polls"] for r in pg_store.query("SELECT polls FROM p_sources_sources")} == {1}
    assert pg_store.count().get("ArticleExtracted", 0) >= 9
