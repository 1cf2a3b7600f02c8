"""Prometheus metrics read from the log at scrape time, and the worker's metrics server.

The API serves them at /metrics next to its request metrics; ``letterwatch worker`` serves
them on LETTERWATCH_WORKER_METRICS_PORT. Both also export prometheus_client's default
registry, where the crawl's metrics live (fetch outcomes, extraction times, events appended
by this process), so ``serve`` shows the crawl of its in-process worker.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from store import Store

log = logging.getLogger(__name__)


class EventCounts:
    """Events in the log by type, whoever appended them. The first scrape counts the whole
    log once; later ones count only the positions appended since, a range of the primary
    key, so a scrape stays cheap however long the log grows."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.position = 0
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def read(self, head: int) -> dict[str, int]:
        with self._lock:
            if head > self.position:
                for row in self.store.query(
                        "SELECT type, COUNT(*) AS n FROM events WHERE position > ? "
                        "AND position <= ? GROUP BY type", [self.position, head]):
                    self.counts[row["type"]] += int(row["n"])
                self.position = head
            return dict(self.counts)


class LogCollector(Collector):
    """The log's head, each projection's lag, event counts by type, and whether the database
    answers; a database that does not still gives a scrape, with ``letterwatch_store_up 0``."""

    NAMES = frozenset({"letterwatch_log_head", "letterwatch_projection_lag",
                       "letterwatch_store_up", "letterwatch_log_events"})

    def __init__(self, store: Store) -> None:
        self.store = store
        self.events = EventCounts(store)

    def collect(self) -> Iterator[Any]:
        head = GaugeMetricFamily("letterwatch_log_head", "last position in the event log")
        lag = GaugeMetricFamily("letterwatch_projection_lag", "events not yet folded",
                                labels=["projection"])
        events = GaugeMetricFamily("letterwatch_log_events",
                                   "events in the log by type, appended by any process",
                                   labels=["type"])
        up = GaugeMetricFamily("letterwatch_store_up", "1 when the database answers")
        try:
            h = self.store.head()
            checkpoints = self.store.checkpoints()
            counts = self.events.read(h)
        except Exception:  # noqa: BLE001 - a scrape must not fail because the store did
            up.add_metric([], 0)
            yield up
            return
        head.add_metric([], h)
        for cp in checkpoints:
            if cp.target == "live":
                lag.add_metric([cp.name], h - cp.position)
        for name, n in sorted(counts.items()):
            events.add_metric([name], n)
        up.add_metric([], 1)
        yield from (head, lag, events, up)


class DefaultRegistry(Collector):
    """prometheus_client's default registry seen from another one, leaving out any family
    the other registry makes itself, so no name is exported twice."""

    def __init__(self, own: Iterable[str]) -> None:
        self.own = frozenset(own)

    def collect(self) -> Iterator[Any]:
        for family in REGISTRY.collect():
            if family.name not in self.own:
                yield family


def worker_registry(store: Store) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(LogCollector(store))
    registry.register(DefaultRegistry(LogCollector.NAMES))
    return registry


def serve_worker_metrics(store: Store, host: str, port: int) -> Any:
    """Serve the worker's metrics on ``host:port`` from a daemon thread; returns the server
    (``shutdown()`` stops it)."""
    server, _thread = start_http_server(port, addr=host, registry=worker_registry(store))
    log.info("metrics on http://%s:%d/metrics", host, port)
    return server
