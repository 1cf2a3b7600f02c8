"""Letters in the formats analysts' own tools read: CSV for spreadsheets, Atom for feed
readers. Both take the same filters as ``/letters``."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from feedgenerator import Atom1Feed

from store import Store

from . import queries
from .deps import get_store, public_base, require_read
from .errors import READ_RESPONSES
from .letters import letter_filter
from .page import href
from .queries import LetterFilter

router = APIRouter(tags=["letters"], dependencies=[Depends(require_read)],
                   responses=READ_RESPONSES)

# New columns go at the end, so spreadsheets that read columns by position keep working.
CSV_COLUMNS = ("letter_id", "date", "kind", "sender", "recipient", "via", "in_reply_to",
               "source_count", "outlets", "first_reported_at", "urls", "evidence", "status",
               "disputed", "sender_type", "recipient_type")
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
        sources[0]["evidence"] if sources else "", letter["status"],
        "yes" if letter["disputed"] else "", letter["sender_type"], letter["recipient_type"])]


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
    # A feed reader shows the title alone: a letter not reported as sent says so there.
    status = "" if letter["status"] == "reported" else f" [{letter['status']}]"
    return f"{letter['sender']} → {letter['recipient']}: {letter['kind']}{when}{status}"


def _summary(letter: dict[str, Any]) -> str:
    """Atom summaries are HTML to feed readers: crawled text is escaped, lines joined by <br>."""
    lines = [f"{queries.outlet(s)}: {s['evidence']}" for s in letter["sources"]]
    if letter["via"]:
        lines.insert(0, f"Delivered by {letter['via']}.")
    return "<br>".join(html.escape(line) for line in lines)


def _time(text: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return datetime(1970, 1, 1, tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# Characters XML 1.0 cannot hold, even escaped: one stored in a letter would fail the feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str | None) -> str | None:
    return _NOT_XML.sub("", text) if text else text


def atom_feed(letters: list[dict[str, Any]], self_url: str, base_url: str) -> bytes:
    feed = Atom1Feed(title="letterwatch: letters in the news", link=base_url,
                     description="Who wrote to whom, when, through whom, and who reported it.",
                     feed_url=self_url, feed_guid=self_url)
    for letter in letters:
        article = next((link for s in letter["sources"] if (link := href(s.get("url")))), None)
        feed.add_item(
            title=_xml(_title(letter)),
            # The first outlet's article is what a reader opens; the letter's page otherwise.
            link=_xml(article or f"{base_url}letter/{letter['letter_id']}"),
            description=_xml(_summary(letter)),
            unique_id=f"urn:letterwatch:letter:{letter['letter_id']}",
            pubdate=_time(letter["first_reported_at"]),
            categories=(letter["kind"], letter["status"]),
            updateddate=max((_time(s["recorded_at"]) for s in letter["sources"]),
                            default=_time(letter["first_reported_at"])))
    return feed.writeString("utf-8").encode()


@router.get("/letters.atom", summary="Newly reported letters as an Atom feed",
            responses={200: {"content": {"application/atom+xml": {}}}})
def letters_atom(request: Request, f: Annotated[LetterFilter, Depends(letter_filter)],
                 store: Annotated[Store, Depends(get_store)],
                 limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
    """The letters most recently reported, newest first, for a feed reader; each entry keeps
    its id as more outlets report the letter, and is updated instead of repeated."""
    letters = queries.recent_letters(store, f, limit)
    base = public_base(request)
    self_url = base + "letters.atom" + (f"?{request.url.query}" if request.url.query else "")
    body = atom_feed(letters, self_url, base)
    return Response(body, media_type="application/atom+xml")
