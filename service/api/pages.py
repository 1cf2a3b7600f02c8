"""Pages a reader follows from the first one: a letter, a person, a thread, and the numbers
behind each chart as CSV. The JSON API answers the same questions for programs."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from store import Store

from ..web import charts
from . import queries, threads, timeline
from .deps import get_store, require_read, require_read_page
from .errors import READ_RESPONSES, invalid
from .letters import letter_filter
from .page import STATUS_HELP as STATUSES
from .queries import LetterFilter, norm, outlet
from .rendering import (Unit, common, counts, date_words, href, letter_path, person_path,
                        templates, thread_path, unit, unit_links)

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_read_page)])
# The charts' numbers are data, read as /letters.csv is: a missing token is a 401, not a
# redirect to the sign-in page.
data = APIRouter(tags=["letters"], dependencies=[Depends(require_read)],
                 responses=READ_RESPONSES)

CONTEXT_CHARS = 320  # article text shown either side of an evidence sentence
LATEST = 20
OFFICES = {"hos": "Head of state", "hog": "Head of government", "fm": "Foreign minister",
           "leader": "Leader", "crown_prince": "Crown prince", "speaker": "Speaker of parliament",
           "presidium": "President of the Presidium", "president": "President",
           "national_security_adviser": "National security adviser", "sg": "Secretary-General"}


# Words for a letter's claim status, wherever a template shows one.
templates.env.globals["statuses"] = STATUSES


# --- words -------------------------------------------------------------------------------------


def offices(name: str) -> list[dict[str, str]]:
    """Offices the gazetteer knows the person held, latest first."""
    from scrapers.letters.gazetteer import load_gazetteer  # parsed once, on first use

    g = load_gazetteer()
    person = name
    if not g.offices_of(person):
        from scrapers.letters.gazetteer import norm as gnorm

        found = g.full_names.get(gnorm(name)) or set()
        person = sorted(found)[0] if len(found) == 1 else name
    out = []
    for t in sorted(g.offices_of(person), key=lambda t: t.start, reverse=True):
        country = g.countries.get(t.country)
        out.append({"office": OFFICES.get(t.office, t.office.replace("_", " ").capitalize()),
                    "country": country.names[0] if country and country.names else t.country,
                    "start": t.start.isoformat(),
                    "end": t.end.isoformat() if t.end else ""})
    return out


def in_context(source: dict[str, Any], text: str | None) -> dict[str, str]:
    """The evidence sentence with the article text around it, cut at word boundaries."""
    evidence = source.get("evidence") or ""
    start, end = source.get("start", -1), source.get("end", -1)
    if text and not (isinstance(start, int) and 0 <= start < end <= len(text)
                     and text[start:end] == evidence):
        start = text.find(evidence) if evidence else -1
        end = start + len(evidence)
    if not text or start < 0:
        return {"before": "", "evidence": evidence, "after": ""}
    before = text[max(0, start - CONTEXT_CHARS):start]
    after = text[end:end + CONTEXT_CHARS]
    if start > CONTEXT_CHARS and " " in before:
        before = "…" + before[before.index(" ") + 1:]
    if end + CONTEXT_CHARS < len(text) and " " in after:
        after = after[:after.rindex(" ")] + "…"
    return {"before": before, "evidence": text[start:end], "after": after}


def _article_texts(store: Store, article_ids: list[str]) -> dict[str, str]:
    if not article_ids:
        return {}
    marks = ",".join("?" * len(article_ids))
    rows = store.query(f"SELECT article_id, text FROM {queries.ARTICLES_T} "
                       f"WHERE article_id IN ({marks})", article_ids)
    return {r["article_id"]: r["text"] or "" for r in rows}




def _not_found(request: Request, title: str, message: str) -> HTMLResponse:
    context = common(request, request.url.path)
    context.update(title=title, message=message)
    return templates.TemplateResponse(request, "missing.html", context, status_code=404)


# --- a letter ----------------------------------------------------------------------------------


@router.get("/letter/{letter_id}", response_class=HTMLResponse)
def letter_page(request: Request, letter_id: Annotated[str, Path(max_length=64)],
                store: Annotated[Store, Depends(get_store)]) -> HTMLResponse:
    row = queries.get_letter(store, letter_id)
    if row is None:
        return _not_found(request, "No such letter",
                          f"No letter has the id “{letter_id}”. It may have been withdrawn "
                          "when an article was extracted again.")
    letter = queries.letter_out(row)
    # The stored sources keep the evidence's offsets in the article, which the API leaves out.
    raw_sources = row["sources"]
    raw_sources = (orjson.loads(raw_sources) if isinstance(raw_sources, str | bytes)
                   else raw_sources) or []
    texts = _article_texts(store, sorted({s["article_id"] for s in raw_sources}))
    reports = []
    for raw, shown in zip(raw_sources, letter["sources"], strict=True):
        reports.append({**shown, "context": in_context(raw, texts.get(raw["article_id"])),
                        "outlet": outlet(shown), "link": href(shown.get("url"))})
    reports.sort(key=lambda r: (r["published"] or "~", r["position"] or 0))
    replies = [queries.letter_out(r) for r in threads.replies(store, letter_id)]
    parent_row = queries.get_letter(store, row["in_reply_to"]) if row["in_reply_to"] else None
    parent = queries.letter_out(parent_row) if parent_row else None
    context = common(request, letter_path(letter_id))
    context.update(
        letter=letter, reports=reports, parent=parent, replies=replies,
        positions=sorted({s["position"] for s in letter["sources"] if s["position"]}),
        versions=sorted({s["extractor_version"] for s in letter["sources"]
                         if s["extractor_version"]}),
        title=f"{letter['sender']} → {letter['recipient']}: {letter['kind']}, "
              f"{date_words(letter['date'])[0]}")
    return templates.TemplateResponse(request, "letter.html", context)


# --- a thread ----------------------------------------------------------------------------------


@router.get("/thread/{letter_id}", response_class=HTMLResponse)
def thread_page(request: Request, letter_id: Annotated[str, Path(max_length=64)],
                store: Annotated[Store, Depends(get_store)]) -> HTMLResponse:
    found = threads.thread(store, letter_id)
    if found is None:
        return _not_found(request, "No such letter", f"No letter has the id “{letter_id}”.")
    context = common(request, thread_path(found["root"]["letter_id"]))
    names = found["people"]
    title = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)
    context.update(thread=found, current=letter_id,
                   title=f"Correspondence between {title}" if len(names) > 1
                   else f"Letters of {title}")
    return templates.TemplateResponse(request, "thread.html", context)


# --- a person ----------------------------------------------------------------------------------


def person_timeline(request: Request, store: Store, key: str) -> dict[str, list[dict[str, Any]]]:
    return {side: counts(request, store, f)
            for side, f in timeline.person_sides(LetterFilter(), key).items()}


@router.get("/person/{key:path}", response_class=HTMLResponse)
def person_page(request: Request, key: Annotated[str, Path(max_length=1000)],
                store: Annotated[Store, Depends(get_store)], by: Unit = None) -> HTMLResponse:
    memo: queries.Memo = request.app.state.memo
    found = memo.get(("person", norm(key)), lambda: queries.person(store, key))
    if found is None:
        return _not_found(request, "Nobody of that name",
                          f"No letter from or to “{key}” has been found.")
    name = found["name"]
    sides = person_timeline(request, store, norm(key))
    chart = timeline.build(sides, unit(by))
    query = urlencode({"person": name})
    context = common(request, person_path(name))
    counterparts = found["counterparts"]
    context.update(
        person=found, name=name, offices=offices(name), chart=chart,
        chart_svg=charts.responsive(chart, f"Letters {name} sent and received, by {chart.unit}",
                             "person-chart"),
        legend=charts.legend(chart), units=unit_links(request, chart.unit),
        counterparts=counterparts[:30],
        most=max([c["sent"] + c["received"] for c in counterparts] or [1]),
        latest=found["letters_list"][:LATEST], query=query,
        timeline_csv=f"/timeline.csv?{urlencode({'person': name, 'split': 'direction'})}",
        title=f"{name}: letters sent and received")
    return templates.TemplateResponse(request, "person.html", context)


# --- the numbers behind the charts ------------------------------------------------------------


@data.get("/timeline.csv", summary="Letters per month and kind, as CSV",
          responses={200: {"content": {"text/csv": {}}}})
def timeline_csv(f: Annotated[LetterFilter, Depends(letter_filter)],
                 store: Annotated[Store, Depends(get_store)],
                 split: Annotated[str | None, Query(pattern="^direction$")] = None) -> Response:
    """Letters per month and kind for the filters (the first page's chart); with a person
    and ``split=direction``, sent and received apart (the person's chart)."""
    if split and not f.person:
        raise invalid("query", "split", "split=direction needs person=")
    if split:
        sides = {side: timeline.counts(store, g)
                 for side, g in timeline.person_sides(f, f.person or "").items()}
    else:
        sides = {"letters": timeline.counts(store, f)}
    return Response(timeline.csv_text(sides), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="timeline.csv"'})


