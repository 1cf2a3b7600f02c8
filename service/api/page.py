"""The page at ``/``: the latest letters as a timeline, who writes to whom, and source health."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlencode
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from store import Store

from ..web import charts
from . import queries, threads
from .deps import get_store, require_read_page
from .letters import DATE
from .queries import BadInput, LetterFilter, parse_statuses
from .rendering import WEB, common, first_page_chart, href, templates, unit_links

# The page's status choices: (value of ?status=, label); "" is the lists' default.
STATUS_HELP = {"reported": "reported as sent", "claimed": "one side says it was sent",
               "denied": "said not to have been sent", "planned": "announced, not yet sent"}
STATUS_CHOICES = (("", "sent (reported or claimed)"), ("reported", "reported"),
                  ("claimed", "claimed by one side"), ("denied", "denied"),
                  ("planned", "planned"), ("all", "any status"))

__all__ = ["router", "href", "templates", "WEB"]  # href and WEB: used by exports and the app

PAGE = 100  # letters on the first page; older ones a link away

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_read_page)])


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
    q: Annotated[str | None, Query(max_length=200)] = None,
    by: Annotated[str | None, Query(max_length=10)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    status: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    person, kind, q = _clean(person), _clean(kind), _clean(q)
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
    f = LetterFilter(person=person, kind=kind, since=since, until=until, q=q, statuses=statuses)
    try:
        letters, older = queries.page_letters(store, f, PAGE, cursor)
    except BadInput as exc:  # a search with nothing to look for, a stale cursor
        problems.append(str(exc))
        if exc.field == "q":
            q, f = None, replace(f, q=None)
        letters, older = queries.page_letters(store, f, PAGE)
    memo: queries.Memo = request.app.state.memo
    ids = [lt["letter_id"] for lt in letters]
    kinds = memo.get("kinds", lambda: queries.kinds(store))
    sources = store.query(f"SELECT * FROM {queries.SOURCES_T} WHERE removed = 0 "
                          f"ORDER BY source_id")
    filters = {"q": q or "", "person": person or "", "kind": kind or "", "since": since or "",
               "until": until or "", "status": status or ""}
    export_query = urlencode({k: v for k, v in filters.items() if v})
    older_href = "/?" + urlencode({**{k: v for k, v in filters.items() if v}, "cursor": older}) \
        if older else None
    chart, chart_svg = first_page_chart(request, store, f, by)
    context: dict[str, Any] = common(request, "/" + (f"?{export_query}" if export_query
                                                           else ""))
    context.update({
        "letters": letters, "filters": filters, "older_href": older_href,
        "paged": bool(cursor),
        "export_query": export_query, "filtered": bool(export_query),
        "chart": chart, "chart_svg": chart_svg, "legend": charts.legend(chart),
        "units": unit_links(request, chart.unit),
        "answered": memo.get(("answered", tuple(ids)), lambda: threads.answered(store, ids)),
        "timeline_csv": "/timeline.csv" + (f"?{export_query}" if export_query else ""),
        "problems": problems, "kinds": kinds, "status_choices": STATUS_CHOICES,
        "status_help": STATUS_HELP,
        "matrix": memo.get(("matrix", f), lambda: queries.matrix(store, 8, f)),
        "people": memo.get(("people", None, 200, 0), lambda: queries.people(store, None, 200, 0)),
        "sources": sources,
        "head": store.head(),
    })
    return templates.TemplateResponse(request, "index.html", context)
