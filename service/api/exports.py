"""Letters in the formats analysts' own tools read: CSV for spreadsheets, Atom for feed
readers. Both take the same filters as ``/letters``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from feedgen.feed import FeedGenerator

from store import Store

from . import queries
from .deps import get_store, require_read
from .errors import READ_RESPONSES
from .letters import letter_filter
from .page import href
from .queries import LetterFilter

router = APIRouter(tags=["letters"], dependencies=[Depends(require_read)],
                   responses=READ_RESPONSES)

CSV_COLUMNS = ("letter_id", "date", "kind", "sender", "recipient", "via", "in_reply_to",
               "source_count", "outlets", "first_reported_at", "urls", "evidence")
CSV_BATCH = 1000


def _cell(value: Any) -> str:
    """A value as a spreadsheet cell. Crawled text that starts like a formula is quoted, so
    opening the file never runs it (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_row(letter: dict[str, Any]) -> list[str]:
    sources = letter["sources"]
    return [_cell(v) for v in (
        letter["letter_id"], letter["date"], letter["kind"], letter["sender"],
        letter["recipient"], letter["via"], letter["in_reply_to"], letter["source_count"],
        "; ".join(letter["outlets"]), letter["first_reported_at"],
        " ".join(s["url"] for s in sources if s.get("url")),
        sources[0]["evidence"] if sources else "")]


def csv_lines(store: Store, f: LetterFilter, limit: int) -> Iterator[str]:
    """The header, then every matching letter, newest first, read a page at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    cursor, left = None, limit
    while True:
        items, cursor = queries.page_letters(store, f, min(CSV_BATCH, left), cursor)
        for letter in items:
            writer.writerow(csv_row(letter))
        left -= len(items)
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if cursor is None or left <= 0:
            return


@router.get("/letters.csv", summary="Letters as CSV",
            responses={200: {"content": {"text/csv": {}}}})
def letters_csv(f: Annotated[LetterFilter, Depends(letter_filter)],
                store: Annotated[Store, Depends(get_store)],
                limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000) -> StreamingResponse:
    """Every matching letter (up to ``limit``), newest first, one row each: the outlets that
    report it, their article links, and the first report's evidence sentence."""
    return StreamingResponse(csv_lines(store, f, limit), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="letters.csv"'})


def _title(letter: dict[str, Any]) -> str:
    when = f" ({letter['date']})" if letter["date"] else ""
    return f"{letter['sender']} → {letter['recipient']}: {letter['kind']}{when}"


def _summary(letter: dict[str, Any]) -> str:
    lines = [f"{queries.outlet(s)}: {s['evidence']}" for s in letter["sources"]]
    if letter["via"]:
        lines.insert(0, f"Delivered by {letter['via']}.")
    return "\n".join(lines)


def _time(text: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def atom_feed(letters: list[dict[str, Any]], self_url: str, base_url: str) -> bytes:
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title("letterwatch: letters in the news")
    feed.subtitle("Who wrote to whom, when, through whom, and who reported it.")
    feed.link(href=self_url, rel="self")
    feed.link(href=base_url, rel="alternate")
    times = [_time(s["recorded_at"]) for letter in letters for s in letter["sources"]]
    feed.updated(max(times, default=datetime(1970, 1, 1, tzinfo=UTC)))
    for letter in reversed(letters):  # feedgen puts each new entry first
        entry = feed.add_entry()
        entry.id(f"urn:letterwatch:letter:{letter['letter_id']}")
        entry.title(_title(letter))
        entry.published(_time(letter["first_reported_at"]))
        entry.updated(max((_time(s["recorded_at"]) for s in letter["sources"]),
                          default=_time(letter["first_reported_at"])))
        entry.summary(_summary(letter))
        entry.link(href=f"{base_url}letters/{letter['letter_id']}", rel="related")
        for s in letter["sources"]:
            if link := href(s.get("url")):
                entry.link(href=link, rel="alternate", title=queries.outlet(s))
                break
    return feed.atom_str(pretty=True)


@router.get("/letters.atom", summary="Newly reported letters as an Atom feed",
            responses={200: {"content": {"application/atom+xml": {}}}})
def letters_atom(request: Request, f: Annotated[LetterFilter, Depends(letter_filter)],
                 store: Annotated[Store, Depends(get_store)],
                 limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
    """The letters most recently reported, newest first, for a feed reader; each entry keeps
    its id as more outlets report the letter, and is updated instead of repeated."""
    letters = queries.recent_letters(store, f, limit)
    body = atom_feed(letters, str(request.url), str(request.base_url))
    return Response(body, media_type="application/atom+xml")
