"""Polling sources on their schedules.

The schedule is not stored here: the sources projection holds each source's ``next_poll_at``
(interval after a success, doubled per consecutive failure), folded from the log, so schedules
and backoff survive restarts and every worker sees the same ones. A tick finds the due
sources; each is polled under a lease, so two workers never poll one source at once. A worker
that was down finds an overdue source due once: missed runs coalesce into one poll.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from events import FetchFailed
from events.projections import SOURCES
from store import Store, StoreUnavailable, table_name
from store.projector import catch_up

from .leases import Leases
from .retry import Backoff
from .settings import Settings

log = logging.getLogger(__name__)

PollFn = Callable[[Store, str], Any]  # (store, source_id): poll it, appending what happened

SOURCES_T = table_name(SOURCES.name, "sources")


def fetcher_poll(settings: Settings, **overrides: Any) -> PollFn:
    """The real poll: ``scrapers.crawl.poll_source`` with a policy from the settings, and one
    memory of hosts for every poll, so robots.txt is read once per its lifetime rather than
    once per poll, and the pause between two requests to a host spans polls too."""
    from scrapers.hosts import HostMemory

    memory = HostMemory()

    def poll(store: Store, source_id: str) -> Any:
        from scrapers.crawl import poll_source
        from scrapers.policy import FetchPolicy

        policy = FetchPolicy.from_settings(settings, **overrides)
        result = poll_source(store, policy, source_id, memory=memory)
        if inspect.isawaitable(result):
            result = asyncio.run(_awaited(result))
        return result

    return poll


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def jitter_seconds(source_id: str, next_poll_at: str, interval: int, fraction: float) -> float:
    """A delay in [0, fraction * interval) that is the same in every worker and after a
    restart, and differs between sources, so sources added together do not poll together."""
    digest = hashlib.sha1(f"{source_id}|{next_poll_at}".encode()).digest()
    return fraction * interval * (int.from_bytes(digest[:4], "big") / 2**32)


def due_at(row: dict[str, Any], fraction: float) -> datetime | None:
    """When a source should next be polled, jitter included; None if it is not scheduled."""
    if not row["enabled"] or row["removed"] or not row["next_poll_at"]:
        return None
    at = datetime.fromisoformat(row["next_poll_at"])
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    # A new source is polled at once; later polls are spread by the jitter.
    if row["polls"]:
        at += timedelta(seconds=jitter_seconds(row["source_id"], row["next_poll_at"],
                                               int(row["interval_seconds"]), fraction))
    return at


class Poller:
    """Polls due sources, one lease per source."""

    BUSY = "another worker is polling this source right now"
    NO_FETCHER = "no fetcher is installed (scrapers.crawl is missing)"

    def __init__(self, store: Store, settings: Settings, leases: Leases | None = None,
                 poll: PollFn | None = None, clock: Callable[[], datetime] | None = None) -> None:
        self.store, self.settings = store, settings
        self.leases = leases or Leases.for_store(store)
        self.poll = poll or fetcher_poll(settings)
        self.clock = clock or (lambda: datetime.now(UTC))

    def sources(self) -> list[dict[str, Any]]:
        return self.store.query(f"SELECT * FROM {SOURCES_T} WHERE enabled = 1 AND removed = 0")

    def due(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Enabled sources whose (jittered) time has come, most overdue first."""
        now = now or self.clock()
        found = []
        for row in self.sources():
            at = due_at(row, self.settings.poll_jitter)
            if at is not None and at <= now:
                found.append((at, row))
        return [row for _, row in sorted(found, key=lambda p: (p[0], p[1]["source_id"]))]

    def poll_one(self, source_id: str, force: bool = False) -> tuple[bool, str]:
        """Poll a source under its lease; without ``force`` only if it is still due once the
        lease is held (another worker may have just polled it)."""
        with self.leases.hold(f"source:{source_id}") as got:
            if not got:
                return False, self.BUSY
            catch_up(self.store, SOURCES)
            rows = self.store.query(f"SELECT * FROM {SOURCES_T} WHERE source_id = ?", [source_id])
            if not rows or rows[0]["removed"]:
                return False, "no such source"
            row = rows[0]
            if not force:
                at = due_at(row, self.settings.poll_jitter)
                if at is None or at > self.clock():
                    return False, "not due"
            try:
                self.poll(self.store, source_id)
                detail = "polled"
            except ImportError:
                return False, self.NO_FETCHER
            except StoreUnavailable:
                # Nothing about the source can be recorded now; it stays due, so a tick after
                # the database is back polls it again.
                raise
            except Exception as exc:  # noqa: BLE001 - one broken source must not stop the rest
                log.exception("polling %s failed", source_id)
                # Record it, so the source backs off like any failing source instead of
                # being retried on every tick.
                self.store.append(f"source-{source_id}", [FetchFailed(
                    url=row["url"], reason="error", detail=f"{type(exc).__name__}: {exc}"[:500],
                    source_id=source_id)])
                detail = f"failed: {type(exc).__name__}: {exc}"
            # Fold the outcome before giving the lease up, so the next holder sees it.
            catch_up(self.store, SOURCES)
            return True, detail

    def run_due(self, pool: ThreadPoolExecutor | None = None) -> list[str]:
        """Poll every due source (in parallel when given a pool); the ids actually polled."""
        catch_up(self.store, SOURCES)
        ids = [row["source_id"] for row in self.due()]
        if pool is None:
            results = [self.poll_one(sid) for sid in ids]
        else:
            results = list(pool.map(self.poll_one, ids))
        return [sid for sid, (polled, _) in zip(ids, results, strict=True) if polled]


class Scheduler:
    """The worker's clock: polls due sources and delivers webhooks on APScheduler jobs."""

    def __init__(self, poller: Poller, deliverer: Any | None = None) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        self.poller = poller
        self.deliverer = deliverer
        settings = poller.settings
        self._pool = ThreadPoolExecutor(max_workers=max(1, min(settings.concurrency, 8)),
                                        thread_name_prefix="poll")
        self.scheduler = BackgroundScheduler(timezone=UTC, job_defaults={
            # One tick at a time; ticks missed while one ran (or while the process was
            # stopped) fold into the next.
            "coalesce": True, "max_instances": 1, "misfire_grace_time": None,
        })
        self.scheduler.add_job(self.tick, "interval", seconds=settings.scheduler_tick_seconds,
                               id="poll-due", next_run_time=datetime.now(UTC))
        if deliverer is not None:
            # The job only starts passes: a slow receiver's pass outlives the tick and holds
            # up neither the next tick nor any other watch.
            self.scheduler.add_job(deliverer.run_once, "interval", kwargs={"wait": 0},
                                   seconds=settings.scheduler_tick_seconds,
                                   id="deliver-webhooks", next_run_time=datetime.now(UTC))
        self.polled = 0
        self._inflight: set[str] = set()
        self._lock = threading.Lock()
        # While the database is down, ticks back off instead of failing every few seconds.
        self.backoff = Backoff(first=settings.scheduler_tick_seconds)
        self._resume_at = 0.0

    def tick(self) -> None:
        """Hand each due source to the pool and return: a slow source delays no other, and
        a source still being polled is not handed over again."""
        if time.monotonic() < self._resume_at:
            return
        try:
            catch_up(self.poller.store, SOURCES)
            due = [row["source_id"] for row in self.poller.due()]
        except StoreUnavailable as exc:
            delay = self.backoff.next()
            self._resume_at = time.monotonic() + delay
            log.warning("scheduler: %s; next try in %.1f s", exc, delay,
                        extra={"outcome": "store_unavailable", "retry_in": delay})
            return
        except Exception:  # noqa: BLE001 - keep ticking; the store may come back
            log.exception("scheduler tick failed")
            return
        self.backoff.reset()
        for source_id in due:
            with self._lock:
                if source_id in self._inflight:
                    continue
                self._inflight.add(source_id)
            self._pool.submit(self._poll, source_id)

    def _poll(self, source_id: str) -> None:
        try:
            polled, detail = self.poller.poll_one(source_id)
            if polled:
                log.info("polled %s: %s", source_id, detail,
                         extra={"source_id": source_id, "outcome": detail})
                with self._lock:
                    self.polled += 1
        except StoreUnavailable as exc:
            log.warning("polling %s: %s; it stays due", source_id, exc,
                        extra={"source_id": source_id, "outcome": "store_unavailable"})
        except Exception:  # noqa: BLE001 - the next tick tries again
            log.exception("polling %s failed", source_id)
        finally:
            with self._lock:
                self._inflight.discard(source_id)

    def start(self) -> None:
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=True)
        self._pool.shutdown(wait=True)
