"""Sources and their health: settings, last success, last error, backoff and next poll."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..base import Recorded
from ..projection import Projection, Rows, Table
from ..types import (
    FeedPolled,
    FetchFailed,
    PageFetched,
    SourceAdded,
    SourceChanged,
    SourceRemoved,
)

MAX_BACKOFF_SECONDS = 24 * 3600

SOURCES_TABLE = Table(
    "sources",
    {
        "source_id": "text",
        "url": "text",
        "kind": "text",
        "name": "text",
        "interval_seconds": "int",
        "enabled": "bool",
        "may_change": "bool",
        "removed": "bool",
        "added_at": "text",
        "last_polled_at": "text",
        "last_success_at": "text",
        "last_error_at": "text",
        "last_error": "text",
        "consecutive_failures": "int",
        "next_poll_at": "text",
        "polls": "int",
        "entries_seen": "int",
        "new_urls": "int",
        "pages_fetched": "int",
        "pages_failed": "int",
        "etag": "text",
        "last_modified": "text",
    },
    key=("source_id",),
    indexes=(("next_poll_at",), ("removed", "source_id")),
)


def next_poll(when: str, interval: int, failures: int) -> str:
    """Poll again after the interval, doubled per consecutive failure up to a day."""

    delay = min(interval * (2 ** min(failures, 10)), max(interval, MAX_BACKOFF_SECONDS))
    return (datetime.fromisoformat(when) + timedelta(seconds=delay)).isoformat()


def fold(rows: Rows, r: Recorded) -> None:
    e = r.event
    at = r.at
    if isinstance(e, SourceAdded):
        rows.put("sources", {
            "source_id": e.source_id, "url": e.url, "kind": e.kind, "name": e.name,
            "interval_seconds": e.interval_seconds, "enabled": e.enabled,
            "may_change": e.may_change, "removed": False, "added_at": at,
            "last_polled_at": None, "last_success_at": None, "last_error_at": None,
            "last_error": None, "consecutive_failures": 0, "next_poll_at": at, "polls": 0,
            "entries_seen": 0, "new_urls": 0, "pages_fetched": 0, "pages_failed": 0,
            "etag": None, "last_modified": None,
        })
        return
    source_id = getattr(e, "source_id", None)
    if source_id is None:
        return
    row = rows.get("sources", source_id)
    if row is None:
        return
    if isinstance(e, SourceChanged):
        allowed = {"url", "kind", "name", "interval_seconds", "enabled", "may_change"}
        # Validators belong to what was fetched: another address, or the same one read as
        # another kind (a site's home page is fetched whole), must not be asked conditionally.
        stale = any(k in e.changes and e.changes[k] != row[k] for k in ("url", "kind"))
        row.update({k: v for k, v in e.changes.items() if k in allowed})
        if stale:
            row["etag"] = row["last_modified"] = None
    elif isinstance(e, SourceRemoved):
        row["removed"] = True
        row["enabled"] = False
    elif isinstance(e, FeedPolled):
        row["polls"] += 1
        row["last_polled_at"] = row["last_success_at"] = at
        row["consecutive_failures"] = 0
        row["last_error"] = None
        row["entries_seen"] = e.entries_seen
        row["new_urls"] += len(e.new_urls)
        if not e.not_modified:
            row["etag"], row["last_modified"] = e.etag, e.last_modified
        row["next_poll_at"] = next_poll(at, row["interval_seconds"], 0)
    elif isinstance(e, FetchFailed) and e.url == row["url"]:
        row["polls"] += 1
        row["last_polled_at"] = row["last_error_at"] = at
        row["last_error"] = f"{e.reason}: {e.detail}" if e.detail else e.reason
        row["consecutive_failures"] += 1
        row["next_poll_at"] = next_poll(at, row["interval_seconds"], row["consecutive_failures"])
    elif isinstance(e, FetchFailed):
        row["pages_failed"] += 1
    elif isinstance(e, PageFetched):
        row["pages_fetched"] += 1
    else:
        return
    rows.put("sources", row)


def needs(r: Recorded) -> list[tuple[str, tuple]]:
    source_id = getattr(r.event, "source_id", None)
    return [("sources", (source_id,))] if source_id else []


SOURCES = Projection(
    name="sources",
    version=3,  # 2: a change of kind drops the ETag and Last-Modified; 3: listing index
    tables=(SOURCES_TABLE,),
    fold=fold,
    handles=frozenset({"SourceAdded", "SourceChanged", "SourceRemoved", "FeedPolled",
                       "FetchFailed", "PageFetched"}),
    needs=needs,
)
