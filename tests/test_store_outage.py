"""The database goes away and comes back: the store, the API and a worker report it, retry,
and recover without a restart, and nothing written before, during or after is lost or
half-written.

PostgreSQL is reached through a proxy the test cuts (tests/faults.py); SQLite's equivalent is
a file another connection holds locked.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from conftest import POSTGRES_URL
from events import FeedPolled, PageSkipped, SourceAdded
from events.projections import ALL
from faults import CuttableProxy
from service.api import create_app
from service.app import Worker
from store import Store, StoreUnavailable
from store.sqlite import SQLiteStore
from test_api_support import AUTH, refresh, settings

def eventually(check: Callable[[], object], what: str, timeout: float = 30.0) -> object:
    """The first truthy result of ``check``; a failure if none comes within ``timeout``."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except (StoreUnavailable, LookupError) as exc:  # down, or not set up yet
            last = exc
        time.sleep(0.1)
    pytest.fail(f"{what}: still {last!r} after {timeout} s")


@pytest.fixture
def proxy() -> Iterator[CuttableProxy]:
    host, _, port = POSTGRES_URL.split("://", 1)[1].split("/", 1)[0].rpartition(":")
    with CuttableProxy((host, int(port or 5432))) as p:
        yield p


@pytest.fixture
def outage_store(proxy: CuttableProxy) -> Iterator[Store]:
    """A PostgresStore in a fresh schema, reached through the proxy."""
    from store.postgres import PostgresStore

    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        store = PostgresStore(proxy.url_for(POSTGRES_URL), schema=schema, connect_timeout=2)
    except StoreUnavailable as exc:
        pytest.skip(f"no PostgreSQL: {exc}")
    yield store
    proxy.restore()
    store.drop_schema()
    store.close()


def skipped(n: int, tag: str) -> list[PageSkipped]:
    return [PageSkipped(url=f"https://x.example/{tag}/{i}", reason="duplicate") for i in range(n)]


@pytest.mark.postgres
def test_the_store_reports_an_outage_and_recovers_by_itself(outage_store: Store, proxy):
    before = skipped(5, "before")
    outage_store.append("s-before", before)
    proxy.cut()
    assert not outage_store.healthy()
    with pytest.raises(StoreUnavailable, match="PostgreSQL at"):
        outage_store.head()
    during = skipped(20, "during")  # enough rows for the COPY path
    with pytest.raises(StoreUnavailable):
        outage_store.append("s-during", during)
    proxy.restore()
    eventually(outage_store.healthy, "the store answers again")
    ids = {r.event.id for r in outage_store.read_all()}
    assert {e.id for e in before} <= ids
    # The append that failed is wholly absent (or, had its commit landed, wholly present);
    # retried with the same ids, it is recorded once.
    assert len(ids & {e.id for e in during}) in (0, len(during))
    outage_store.append("s-during", during)
    assert outage_store.stream_version("s-during") == len(during)
    assert outage_store.head() == len(before) + len(during)


@pytest.mark.postgres
def test_a_restart_between_two_requests_fails_neither(outage_store: Store, proxy):
    outage_store.append("s", skipped(3, "a"))
    with ThreadPoolExecutor(4) as pool:  # several connections sit idle in the pool
        list(pool.map(lambda _: outage_store.query("SELECT pg_sleep(0.2)"), range(4)))
    proxy.cut()  # the server hangs up on every connection...
    proxy.restore()  # ...and is back before anyone asks
    for _ in range(8):
        assert outage_store.head() == 3


@pytest.mark.postgres
def test_the_api_answers_503_while_the_database_is_down_and_recovers(outage_store: Store, proxy):
    outage_store.append("s", skipped(3, "a"))
    app = create_app(settings(), store=outage_store)
    with TestClient(app, raise_server_exceptions=False) as client:
        refresh(outage_store)
        assert client.get("/readyz").status_code == 200
        proxy.cut()
        assert client.get("/healthz").status_code == 200
        ready = client.get("/readyz", headers=AUTH)
        assert ready.status_code == 503
        assert ready.json()["store"] is False
        assert ready.json()["detail"].startswith("the database does not answer: PostgreSQL at")
        # Without a token: no database address, no error text.
        assert client.get("/readyz").json()["detail"] == "unavailable"
        for path in ("/letters", "/letters/latest", "/events", "/sources", "/people", "/articles",
                     "/letters/x", "/sources/s", "/events?after=1"):
            r = client.get(path)
            assert r.status_code == 503, (path, r.text)
            assert "database is unavailable" in r.json()["detail"]
            assert r.headers["retry-after"]
        write = client.post("/sources", headers={"Authorization": f"Bearer {settings().admin_token}"},
                            json={"source_id": "s1", "url": "https://s1.example/feed",
                                  "kind": "feed"})
        assert write.status_code == 503
        metrics = client.get("/metrics")
        assert metrics.status_code == 200
        assert "letterwatch_store_up 0.0" in metrics.text
        proxy.restore()
        eventually(lambda: client.get("/readyz").status_code == 200, "/readyz is 200 again")
        assert client.get("/letters").status_code == 200
        assert [e["position"] for e in client.get("/events").json()["items"]] == [1, 2, 3]


class Polls:
    """A stand-in fetcher that records one FeedPolled per poll."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, store: Store, source_id: str) -> None:
        self.calls += 1
        store.append(f"source-{source_id}", [FeedPolled(
            source_id=source_id, url="https://s.example/feed", status=200, entries_seen=1)])


@pytest.mark.postgres
def test_a_worker_rides_out_an_outage_and_catches_up(outage_store: Store, proxy, caplog):
    caplog.set_level(logging.WARNING)
    polls = Polls()
    worker = Worker(settings(scheduler_tick_seconds=0.2), outage_store, poll=polls)
    worker.start()
    try:
        outage_store.append("source-s", [SourceAdded(source_id="s", url="https://s.example/feed",
                                                     kind="feed", interval_seconds=1)])
        eventually(lambda: polls.calls >= 1, "the source is polled")
        proxy.cut()
        eventually(lambda: "retrying in" in caplog.text, "the follower logs its retry")
        eventually(lambda: "scheduler: " in caplog.text, "the scheduler logs its retry")
        eventually(lambda: proxy.refused >= 3, "the worker keeps trying")
        calls_while_down = polls.calls
        assert worker.follower is not None and worker.follower._thread.is_alive()
        proxy.restore()
        eventually(lambda: polls.calls > calls_while_down + 1, "polls resume")
        head = outage_store.head()

        def caught_up() -> bool:
            return all(outage_store.checkpoint(name).position >= head for name in ALL)

        eventually(caught_up, "every projection catches up with the log")
    finally:
        worker.stop()
    # Every poll that returned was recorded exactly once; none half-written.
    polled = [r for r in outage_store.read_stream("source-s") if r.type == "FeedPolled"]
    assert len(polled) <= polls.calls
    assert len({r.event.id for r in polled}) == len(polled)
    assert [r.stream_version for r in outage_store.read_stream("source-s")] == \
        list(range(1, len(polled) + 2))
    assert "Traceback" not in "".join(r.getMessage() for r in caplog.records)


# --- SQLite: the file is locked by another process ---------------------------------------------


def test_a_locked_sqlite_file_is_a_503_not_a_500(tmp_path):
    path = tmp_path / "locked.db"
    store = SQLiteStore(path, timeout=0.2)
    store.append("s", skipped(3, "a"))
    other = sqlite3.connect(path, isolation_level=None)
    try:
        with TestClient(create_app(settings(), store=store), raise_server_exceptions=False) as client:
            other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            r = client.post("/sources", headers={"Authorization": f"Bearer {settings().admin_token}"},
                            json={"source_id": "s1", "url": "https://s1.example/feed",
                                  "kind": "feed"})
            assert r.status_code == 503, r.text
            assert "locked.db" in r.json()["detail"] and "locked" in r.json()["detail"]
            assert client.get("/events").status_code == 200  # WAL: readers are not blocked
            other.execute("ROLLBACK")
            r = client.post("/sources", headers={"Authorization": f"Bearer {settings().admin_token}"},
                            json={"source_id": "s1", "url": "https://s1.example/feed",
                                  "kind": "feed"})
            assert r.status_code == 201, r.text
    finally:
        other.close()
        store.close()
    with SQLiteStore(path) as again:
        assert [r.type for r in again.read_all()] == ["PageSkipped"] * 3 + ["SourceAdded"]


def test_retries_back_off_exponentially_up_to_a_cap():
    from service.retry import Backoff

    backoff = Backoff(first=0.5, cap=4.0, jitter=0.2)
    delays = [backoff.next() for _ in range(6)]
    for delay, full in zip(delays, [0.5, 1, 2, 4, 4, 4], strict=True):
        assert 0.8 * full <= delay <= full
    backoff.reset()
    assert backoff.next() <= 0.5


@pytest.mark.postgres
@pytest.mark.slow
def test_letterwatch_worker_process_rides_out_an_outage(outage_store: Store, proxy, tmp_path):
    """The real command: it logs the outage as JSON lines, stays up, and folds what other
    processes appended meanwhile once the database is back."""
    import json
    import os
    import signal
    import subprocess
    import sys

    from store.postgres import PostgresStore

    direct = PostgresStore(POSTGRES_URL, schema=outage_store.schema)  # type: ignore[attr-defined]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERWATCH_")}
    env.update(LETTERWATCH_DATABASE_URL=f"{proxy.url_for(POSTGRES_URL)}?schema="
               f"{outage_store.schema}", LETTERWATCH_LOG_FORMAT="json",  # type: ignore[attr-defined]
               LETTERWATCH_SCHEDULER_TICK_SECONDS="0.2")
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], env=env,
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        direct.append("s", skipped(3, "before"))

        def folded() -> bool:
            head = direct.head()
            return all(direct.checkpoint(name).position == head for name in ALL)

        eventually(folded, "the worker folds what was appended before", timeout=60)
        proxy.cut()
        direct.append("s", skipped(4, "during"))  # another process, still connected
        eventually(lambda: proxy.refused >= 3, "the worker keeps trying")
        assert proc.poll() is None
        proxy.restore()
        eventually(folded, "the worker folds what was appended during the outage")
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        direct.close()
    assert proc.returncode == 0, err
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    warnings = [line for line in lines if line["level"] == "WARNING"
                and line["logger"] == "letterwatch"]
    assert any("retrying in" in line["message"] and line["outcome"] == "store_unavailable"
               for line in warnings), lines
    assert not any("exception" in line for line in lines), lines
