"""Polling on schedule: due sources, jitter, coalesced missed runs, backoff, restarts, leases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from events import FeedPolled, SourceAdded, SourceChanged, SourceRemoved
from service.leases import Leases, PgLeases
from service.scheduler import Poller, due_at, jitter_seconds
from store import Store
from test_api_support import refresh, settings

HOUR = 3600


class Clock:
    """Real time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


class Polls:
    """A stand-in fetcher: records each poll, and succeeds or fails as told."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.failing: set[str] = set()

    def __call__(self, store: Store, source_id: str) -> None:
        self.calls.append(source_id)
        if source_id in self.failing:
            raise ConnectionError("connection refused")
        store.append(f"source-{source_id}", [FeedPolled(
            source_id=source_id, url=f"https://{source_id}.example/feed", status=200,
            entries_seen=3)])


def add_source(store: Store, source_id: str, interval: int = HOUR, **kw: object) -> None:
    store.append(f"source-{source_id}", [SourceAdded(
        source_id=source_id, url=f"https://{source_id}.example/feed", kind="feed",
        interval_seconds=interval, **kw)])
    refresh(store)


def row(store: Store, source_id: str) -> dict:
    refresh(store)
    return store.query("SELECT * FROM p_sources_sources WHERE source_id = ?", [source_id])[0]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def polls() -> Polls:
    return Polls()


@pytest.fixture
def poller(store: Store, clock: Clock, polls: Polls) -> Poller:
    return Poller(store, settings(poll_jitter=0.1), poll=polls, clock=clock)


def test_a_new_source_is_polled_at_once_then_after_its_interval(store, poller, polls, clock):
    add_source(store, "nk-news")
    assert poller.run_due() == ["nk-news"]
    assert poller.run_due() == []  # just polled: not due again
    clock.advance(HOUR * 0.9)
    assert poller.run_due() == []
    clock.advance(HOUR * 0.25)  # past the interval plus at most 10% jitter
    assert poller.run_due() == ["nk-news"]
    assert polls.calls == ["nk-news", "nk-news"]


def test_missed_runs_coalesce_into_one_poll(store, poller, polls):
    add_source(store, "yonhap", interval=1)
    poller.run_due()
    time.sleep(3.5)  # the worker was down for three intervals
    assert poller.run_due() == ["yonhap"]
    assert poller.run_due() == []
    assert polls.calls == ["yonhap", "yonhap"]


def test_a_failing_source_backs_off_and_recovers(store, poller, polls, clock):
    add_source(store, "kcna")
    polls.failing.add("kcna")
    started = datetime.now(UTC)
    delays = []
    for expected_failures in (1, 2, 3):
        clock.offset = timedelta()
        poller.poll_one("kcna", force=True)
        r = row(store, "kcna")
        assert r["consecutive_failures"] == expected_failures
        assert r["last_error"].startswith("error: ConnectionError: connection refused")
        delays.append((datetime.fromisoformat(r["next_poll_at"]) - started).total_seconds())
    # Each failure doubles the wait: 2, 4, 8 intervals (a few seconds of test run aside).
    assert [round(d / HOUR) for d in delays] == [2, 4, 8]
    polls.failing.clear()
    clock.advance(HOUR * 9)
    assert poller.run_due() == ["kcna"]
    r = row(store, "kcna")
    assert r["consecutive_failures"] == 0 and r["last_error"] is None
    assert r["last_success_at"] is not None


def test_the_schedule_survives_a_restart(store, poller, polls, clock):
    add_source(store, "tass")
    poller.run_due()
    # A new worker process knows nothing but the store: the schedule comes from the log.
    restarted = Poller(store, settings(poll_jitter=0.1), poll=polls, clock=clock)
    assert restarted.run_due() == []
    clock.advance(HOUR * 1.2)
    assert restarted.run_due() == ["tass"]


def test_disabled_and_removed_sources_are_not_polled(store, poller, polls):
    add_source(store, "off", enabled=False)
    add_source(store, "gone")
    add_source(store, "paused")
    store.append("source-gone", [SourceRemoved(source_id="gone")])
    store.append("source-paused", [SourceChanged(source_id="paused", changes={"enabled": False})])
    refresh(store)
    assert poller.run_due() == []
    assert polls.calls == []


def test_jitter_spreads_sources_the_same_way_in_every_worker():
    a = jitter_seconds("a", "2024-01-01T00:00:00+00:00", HOUR, 0.1)
    b = jitter_seconds("b", "2024-01-01T00:00:00+00:00", HOUR, 0.1)
    assert 0 <= a < 360 and 0 <= b < 360 and a != b
    assert a == jitter_seconds("a", "2024-01-01T00:00:00+00:00", HOUR, 0.1)
    polled = {"source_id": "a", "enabled": 1, "removed": 0, "polls": 1,
              "next_poll_at": "2024-01-01T00:00:00+00:00", "interval_seconds": HOUR}
    assert due_at(polled, 0.1) == datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=a)
    assert due_at({**polled, "polls": 0}, 0.1) == datetime(2024, 1, 1, tzinfo=UTC)


def test_a_lease_has_one_holder_at_a_time():
    leases = Leases()
    with (leases.hold("source:x") as first, leases.hold("source:x") as second,
          leases.hold("source:y") as other):
        assert (first, second, other) == (True, False, True)
    with leases.hold("source:x") as again:
        assert again


@pytest.mark.postgres
def test_postgres_leases_exclude_other_processes(pg_store):
    import psycopg

    from service.leases import lock_key

    def other_process_can_take(name: str) -> bool:
        # Another worker process is another database session.
        with psycopg.connect(pg_store.url, autocommit=True) as conn:
            return conn.execute("SELECT pg_try_advisory_lock(%s)",
                                (lock_key(pg_store.schema, name),)).fetchone()[0]

    leases = PgLeases(pg_store.url, pg_store.schema)
    elsewhere = PgLeases(pg_store.url, "another_schema")
    try:
        with leases.hold("source:x") as got:
            assert got
            assert not other_process_can_take("source:x")
            assert other_process_can_take("source:y")
            with elsewhere.hold("source:x") as unrelated:
                assert unrelated  # leases are per store schema
        assert other_process_can_take("source:x")
    finally:
        leases.close()
        elsewhere.close()


WORKER = textwrap.dedent("""
    import json, os, sys, time
    from events import FeedPolled
    from service.scheduler import Poller
    from store.postgres import PostgresStore
    from test_api_support import settings

    url, schema, log_path, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    store = PostgresStore(url, schema=schema)

    def poll(store, source_id):
        with open(log_path, "a") as log:
            log.write(json.dumps([source_id, os.getpid()]) + "\\n")
        time.sleep(0.05)  # a fetch takes a while: the other worker gets every chance to clash
        store.append(f"source-{source_id}", [FeedPolled(
            source_id=source_id, url="https://x.example/feed", status=200, entries_seen=1)])

    poller = Poller(store, settings(poll_jitter=0.1), poll=poll)
    # Both workers go on until every source has been polled (however slow the machine),
    # then a moment more, in which a second poll of any source would show.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and store.count().get("FeedPolled", 0) < 12:
        poller.run_due()
        time.sleep(0.01)
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        poller.run_due()
        time.sleep(0.01)
    poller.leases.close()
    store.close()
""")


@pytest.mark.postgres
@pytest.mark.slow
def test_two_workers_poll_each_due_source_once(pg_store, tmp_path: Path):
    for i in range(12):
        add_source(pg_store, f"s{i:02d}")
    log_path = tmp_path / "polls.jsonl"
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent),
                                                        os.getcwd()])}
    workers = [subprocess.Popen([sys.executable, str(script), pg_store.url, pg_store.schema,
                                 str(log_path), "300"], env=env) for _ in range(2)]
    for w in workers:
        assert w.wait(timeout=600) == 0
    polls = [json.loads(line) for line in log_path.read_text().splitlines()]
    ids = sorted(source_id for source_id, _ in polls)
    assert ids == [f"s{i:02d}" for i in range(12)]  # each one polled, none twice
    assert len({pid for _, pid in polls}) == 2  # and both workers did some of the work
    refresh(pg_store)
    polled = pg_store.query("SELECT source_id, polls FROM p_sources_sources ORDER BY source_id")
    assert {r["polls"] for r in polled} == {1}


def test_a_poll_in_progress_is_not_started_twice(store, clock):
    add_source(store, "slow")
    entered = threading.Event()
    release = threading.Event()

    def slow_poll(store: Store, source_id: str) -> None:
        entered.set()
        release.wait(5)
        Polls()(store, source_id)

    poller = Poller(store, settings(), poll=slow_poll, clock=clock)
    first = threading.Thread(target=poller.poll_one, args=("slow", True))
    first.start()
    assert entered.wait(5)
    assert poller.poll_one("slow", force=True) == (False, Poller.BUSY)
    release.set()
    first.join()
    assert row(store, "slow")["polls"] == 1
