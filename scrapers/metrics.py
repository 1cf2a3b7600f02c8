"""The crawl's Prometheus metrics, in prometheus_client's default registry: what fetches
ended in, how long extraction takes where it runs, and which events this process appended."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Histogram

from events import Event

FETCHES = Counter(
    "letterwatch_fetches", "Fetches of listings and pages by outcome "
    "(fetched, not_modified, skipped, failed) and the failure's or skip's reason",
    ["outcome", "reason"])
EXTRACTION_SECONDS = Histogram(
    "letterwatch_extraction_seconds", "Seconds of extraction per page by stage "
    "(text, letters), timed in the process that did the work",
    ["stage"], buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 10.0))
EVENTS_APPENDED = Counter(
    "letterwatch_events_appended", "Events this process's crawl appended to the log, by type",
    ["type"])


def fetch_outcome(outcome: str, reason: str | None = None) -> None:
    FETCHES.labels(outcome, reason or "").inc()


def extraction_timings(timings: Iterable[tuple[str, float]]) -> None:
    for stage, seconds in timings:
        EXTRACTION_SECONDS.labels(stage).observe(seconds)


def appended(events: Iterable[Event]) -> None:
    """Count events once the append that wrote them has committed."""
    for event in events:
        EVENTS_APPENDED.labels(event.TYPE).inc()
