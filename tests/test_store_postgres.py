"""PostgreSQL specifics: readers that checkpoint on position never skip a late commit."""

from __future__ import annotations

import threading
import time

import pytest

from events import PageSkipped
from store import StoreUnavailable
from store.postgres import PostgresStore

pytestmark = pytest.mark.postgres


def test_a_follower_checkpointing_on_position_sees_every_event_of_concurrent_writers(pg_store):
    writers, batches, size = 4, 60, 5
    done = threading.Event()
    seen: list[int] = []
    ids: list[str] = []

    def write(w: int) -> None:
        for b in range(batches):
            pg_store.append(f"w{w}-{b}", [PageSkipped(url=f"u{w}/{b}/{i}", reason="r")
                                          for i in range(size)])

    def follow() -> None:
        checkpoint = 0
        while True:
            finished = done.is_set()
            for r in pg_store.read_all(after=checkpoint):
                seen.append(r.position)
                ids.append(r.event.id)
                checkpoint = r.position
            if finished:
                return

    follower = threading.Thread(target=follow)
    follower.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    follower.join()
    total = writers * batches * size
    assert seen == list(range(1, total + 1))  # in order, no gap, nothing skipped
    assert len(set(ids)) == total


def test_listen_notify_wakes_a_waiting_follower_at_once(pg_store):
    other = PostgresStore(pg_store.url, schema=pg_store.schema)
    try:
        threading.Timer(0.2, lambda: other.append("s", [PageSkipped(url="u", reason="r")])).start()
        t0 = time.monotonic()
        assert pg_store.wait_for_events(0, timeout=120) is True
        # Woken by the notification, long before the timeout (the bound is loose on purpose:
        # a busy machine may be slow, but not by a minute).
        assert time.monotonic() - t0 < 60
    finally:
        other.close()


def test_an_unreachable_server_is_a_clear_error():
    with pytest.raises(StoreUnavailable, match="PostgreSQL at postgresql://127.0.0.1:1/"):
        PostgresStore("postgresql://127.0.0.1:1/test", connect_timeout=1)


def test_connections_probe_a_silent_server_with_keepalives(pg_store):
    # A proxy cannot play a host that vanished (its own kernel answers the probes), so this
    # checks what libpq was told: every pooled and listening connection probes and times out.
    pg_store.wait_for_events(pg_store.head(), timeout=0.1)
    with pg_store.pool.connection() as conn:
        pooled = conn.info.get_parameters()
    listening = pg_store._listener.info.get_parameters()
    for params in (pooled, listening):
        assert params["keepalives"] == "1" and params["keepalives_idle"] == "30"
        assert params["tcp_user_timeout"] == "60000"
