"""What every page shares: the templates, safe links, addresses, dates in words, and the
charts of letters over time. The first page (``page``) and the others (``pages``) both use it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import Query, Request
from fastapi.templating import Jinja2Templates

from store import Store

from ..web import charts
from . import queries, timeline
from .deps import public_base
from .queries import LetterFilter, norm, outlet

WEB = Path(__file__).resolve().parent.parent / "web"
templates = Jinja2Templates(directory=str(WEB / "templates"))  # autoescape is on for .html

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
Unit = Annotated[str | None, Query(max_length=10, description="draw the chart by year or month")]


def href(url: str | None) -> str | None:
    """Only web addresses become links: a ``javascript:`` URL in crawled data must not run."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def unit(by: str | None) -> str | None:
    """The chart's unit asked for; anything else lets the page choose (a page never errs)."""
    return by if by in ("year", "month") else None


def base_url(request: Request) -> str:
    """Where readers reach the site, if configured (``public_url``); else "" and links stay
    relative: the Host header is the client's to say and must not make the page's links."""
    return public_base(request).rstrip("/")


def letter_path(letter_id: str) -> str:
    return f"/letter/{quote(letter_id, safe='')}"


def person_path(name: str) -> str:
    """A person's page by their name's key, so every spelling of the name lands on one page."""
    return f"/person/{quote(norm(name), safe='')}"


def thread_path(letter_id: str) -> str:
    return f"/thread/{quote(letter_id, safe='')}"


def date_words(value: str | None) -> tuple[str, str]:
    """A letter's date as a reader says it, and how precise it is."""
    if not value:
        return "date unknown", "not reported"
    try:
        parts = [int(p) for p in value[:10].split("-")]
        if len(parts) == 3:
            d = date(*parts)
            return f"{d.day} {MONTHS[d.month - 1]} {d.year}", "to the day"
        if len(parts) == 2:
            return f"{MONTHS[parts[1] - 1]} {parts[0]}", "to the month"
        return str(parts[0]), "to the year"
    except (ValueError, IndexError):
        return value, "as reported"


def common(request: Request, path: str) -> dict[str, Any]:
    """What every page's frame needs: its canonical URL and where static files are."""
    return {"canonical": base_url(request) + path, "base": public_base(request)}


# What the templates and their macros call, wherever they are rendered from.
templates.env.globals.update(href=href, outlet=outlet, letter_path=letter_path,
                             person_path=person_path, thread_path=thread_path,
                             date_words=date_words)


# --- charts of letters over time ----------------------------------------------------------------


def counts(request: Request, store: Store, f: LetterFilter) -> list[dict[str, Any]]:
    """A chart's counts, kept until the letters move: they read every matching letter."""
    memo: queries.Memo = request.app.state.memo
    return memo.get(("timeline", f), lambda: timeline.counts(store, f))


def unit_links(request: Request, chosen: str) -> list[tuple[str, str, bool]]:
    """(label, address, chosen) for drawing the chart by year or by month, other filters kept."""
    out = []
    for choice in ("year", "month"):
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "by"]
        query.append(("by", choice))
        out.append((f"by {choice}", f"{request.url.path}?{urlencode(query)}", choice == chosen))
    return out


def first_page_chart(request: Request, store: Store, f: LetterFilter,
                     by: str | None = None) -> tuple[charts.Timeline, Any]:
    """The first page's chart of letters over time for its filters."""
    chart = timeline.build({"letters": counts(request, store, f)}, unit(by))
    return chart, charts.responsive(chart, f"Letters over time, by {chart.unit} and kind",
                                    "letters-chart")
