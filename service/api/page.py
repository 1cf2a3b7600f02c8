"""The page at ``/``: the latest letters as a timeline, who writes to whom, and source health."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from store import Store

from . import queries
from .deps import get_store, require_read_page
from .letters import DATE
from .queries import BadInput, LetterFilter, outlet, parse_statuses

# The page's status choices: (value of ?status=, label); "" is the lists' default.
STATUS_HELP = {"reported": "reported as sent", "claimed": "one side says it was sent",
               "denied": "said not to have been sent", "planned": "announced, not yet sent"}
STATUS_CHOICES = (("", "sent (reported or claimed)"), ("reported", "reported"),
                  ("claimed", "claimed by one side"), ("denied", "denied"),
                  ("planned", "planned"), ("all", "any status"))

WEB = Path(__file__).resolve().parent.parent / "web"
templates = Jinja2Templates(directory=str(WEB / "templates"))  # autoescape is on for .html

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_read_page)])


def href(url: str | None) -> str | None:
    """Only web addresses become links: a ``javascript:`` URL in crawled data must not run."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


@router.get("/", response_class=HTMLResponse)
def index(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    person: Annotated[str | None, Query(max_length=200)] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    status: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    person, kind = _clean(person), _clean(kind)
    # The page is for people: a malformed date is shown as a note rather than an error.
    problems = []
    since, until = _clean(since), _clean(until)
    for label, value in (("from", since), ("to", until)):
        if value and not re.match(DATE, value):
            problems.append(f"'{value}' is not a date like 2019, 2019-06 or 2019-06-30 ({label})")
    if problems:
        since = until = None
    status = _clean(status)
    try:
        statuses = parse_statuses(status)
    except BadInput as exc:
        problems.append(str(exc))
        status, statuses = None, parse_statuses(None)
    f = LetterFilter(person=person, kind=kind, since=since, until=until, statuses=statuses)
    letters, _ = queries.page_letters(store, f, 100)
    memo: queries.Memo = request.app.state.memo
    kinds = memo.get("kinds", lambda: [r["kind"] for r in store.query(
        f"SELECT kind, COUNT(*) AS n FROM {queries.LETTERS_T} GROUP BY kind ORDER BY n DESC, kind")])
    sources = store.query(f"SELECT * FROM {queries.SOURCES_T} WHERE removed = 0 "
                          f"ORDER BY source_id")
    filters = {"person": person or "", "kind": kind or "", "since": since or "",
               "until": until or "", "status": status or ""}
    context: dict[str, Any] = {
        "letters": letters, "filters": filters,
        "export_query": urlencode({k: v for k, v in filters.items() if v}),
        "problems": problems, "kinds": kinds, "status_choices": STATUS_CHOICES,
        "status_help": STATUS_HELP,
        "matrix": memo.get(("matrix", f), lambda: queries.matrix(store, 8, f)),
        "people": memo.get(("people", None, 200, 0), lambda: queries.people(store, None, 200, 0)),
        "sources": sources,
        "head": store.head(), "outlet": outlet, "href": href,
    }
    return templates.TemplateResponse(request, "index.html", context)
