"""/letters: the correspondence found, filtered, paged, as of any past position."""

from __future__ import annotations

import asyncio
import hmac
import time
from types import SimpleNamespace
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from store import Store

from . import queries
from .deps import get_store, require_read
from .errors import READ_RESPONSES, invalid
from .models import LetterDetail, LetterPage, LetterRef
from .queries import BadInput, LetterFilter, parse_statuses
from .serialise import json_response

router = APIRouter(prefix="/letters", tags=["letters"], dependencies=[Depends(require_read)],
                   responses=READ_RESPONSES)

DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
Name = Annotated[str | None, Query(min_length=1, max_length=200)]
Status = Annotated[str | None, Query(
    max_length=100, examples=["reported,claimed", "denied", "all"],
    description="comma-separated statuses to show: reported, claimed, denied, planned, or all; "
    "reported and claimed letters when not given")]


def statuses(status: Status = None) -> tuple[str, ...]:
    """The statuses a list shows, or a 422 naming the unknown ones."""
    try:
        return parse_statuses(status)
    except BadInput as exc:
        raise invalid("query", "status", str(exc)) from exc


def letter_filter(
    sender: Name = None,
    recipient: Name = None,
    person: Annotated[str | None, Query(min_length=1, max_length=200,
                                        description="sender or recipient")] = None,
    kind: Annotated[str | None, Query(min_length=1, max_length=40,
                                      description="letter, message, telegram, ...")] = None,
    since: Annotated[str | None, Query(pattern=DATE, description="YYYY[-MM[-DD]]")] = None,
    until: Annotated[str | None, Query(pattern=DATE, description="YYYY[-MM[-DD]], inclusive")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200,
                                   description=(
        "words in the evidence sentences: all must appear; \"a phrase\" in quotes; "
        "word* for a word's start; a OR b for either; -word to leave out. Case is ignored; "
        "punctuation only separates words"))] = None,
    status: Status = None,
) -> LetterFilter:
    if since and until and since > until + "~":
        raise invalid("query", "since", f"since ({since}) is after until ({until})")
    f = LetterFilter(sender, recipient, person, kind, since, until, q, statuses(status))
    try:
        f.search()
    except BadInput as exc:
        raise invalid("query", exc.field, str(exc)) from exc
    return f


@router.get("", response_model=LetterPage, summary="Letters, newest first")
def list_letters(
    request: Request,
    f: Annotated[LetterFilter, Depends(letter_filter)],
    store: Annotated[Store, Depends(get_store)],
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    as_of: Annotated[str | None, Query(
        max_length=64, description="a log position, or an ISO date/time: answer from the log "
        "as it stood then")] = None,
    sort: Annotated[Literal["date", "relevance"], Query(
        description="date: newest first; relevance: best match to q first")] = "date",
) -> Response:
    """Newest first by letter date, then by first report; undated letters last. With q and
    ``sort=relevance``, the best matches first instead."""
    try:
        if sort == "relevance":
            if as_of is not None:
                raise BadInput("sort=relevance answers from the live letters, not as_of", "sort")
            items, nxt = queries.page_by_relevance(store, f, limit, cursor)
            position = None
        elif as_of is None:
            items, nxt = queries.page_letters(store, f, limit, cursor)
            position = None
        else:
            asof: queries.AsOf = request.app.state.as_of
            position = asof.resolve(store, as_of)
            items, nxt = queries.page_letters_in(asof.letters(store, position), f, limit,
                                                 cursor)
    except BadInput as exc:
        raise invalid("query", exc.field, str(exc)) from exc
    # Serialised directly, as /letters/latest is: the rows already have the model's shape
    # (tests/test_api_letters.py checks it), and validating them again cost three times the
    # query.
    return Response(orjson.dumps({"items": items, "next_cursor": nxt, "as_of": position}),
                    media_type="application/json")


class LatestCache:
    """The first page of /letters, serialised once per change of the letters projection.

    It is what dashboards poll; answering from bytes in memory keeps it cheap, and the
    checkpoint is looked at no more than every ``ttl`` seconds.
    """

    def __init__(self, store: Store, ttl: float = 0.25) -> None:
        self.store, self.ttl = store, ttl
        self._position = -1
        self._checked = 0.0
        self._pages: dict[int, bytes] = {}
        self._checking: asyncio.Task | None = None

    async def get(self, limit: int) -> bytes:
        if time.monotonic() - self._checked > self.ttl and self._checking is None:
            # Look at the checkpoint in the background: requests meanwhile get the page as
            # it was a moment ago instead of queueing behind the look.
            self._checking = asyncio.create_task(self._check())
            if self._position < 0 or self.ttl <= 0:  # first use, or asked to be exact
                await self._checking
        body = self._pages.get(limit)
        if body is None:
            items, nxt = await run_in_threadpool(queries.page_letters, self.store,
                                                 LetterFilter(), limit)
            body = orjson.dumps({"items": items, "next_cursor": nxt, "as_of": None})
            self._pages[limit] = body
        return body

    async def _check(self) -> None:
        try:
            position = await run_in_threadpool(self._checkpoint)
            if position != self._position:
                self._pages = {}
                self._position = position
            self._checked = time.monotonic()
        finally:
            self._checking = None

    def _checkpoint(self) -> int:
        return self.store.checkpoint("letters").position


class LatestFastPath:
    """Serves ``GET /letters/latest`` from the cache before routing, the page dashboards poll
    most; anything unusual (other parameters, a bad limit, a missing token) falls through to
    the route, which validates and answers as documented."""

    ROUTE = SimpleNamespace(path="/letters/latest")

    def __init__(self, app: Any, cache: LatestCache, read_tokens: tuple[bytes, ...]) -> None:
        self.app, self.cache, self.read_tokens = app, cache, read_tokens

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (scope["type"] == "http" and scope["path"] == "/letters/latest"
                and scope["method"] == "GET"):
            limit = self._limit(scope["query_string"])
            if limit is not None and self._authorised(scope):
                scope["route"] = self.ROUTE  # for the metrics, as routing would have set it
                body = await self.cache.get(limit)
                await send({"type": "http.response.start", "status": 200, "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _limit(query: bytes) -> int | None:
        if not query:
            return 20
        name, _, value = query.partition(b"=")
        if name == b"limit" and value.isdigit() and b"&" not in value and 1 <= int(value) <= 200:
            return int(value)
        return None

    def _authorised(self, scope: Any) -> bool:
        if not self.read_tokens:
            return True
        for name, value in scope["headers"]:
            if name == b"authorization" and value.startswith(b"Bearer "):
                given = value[7:]
                return any(hmac.compare_digest(given, t) for t in self.read_tokens)
        return False


@router.get("/latest", response_model=LetterPage, summary="The newest letters")
async def latest_letters(request: Request,
                         limit: Annotated[int, Query(ge=1, le=200)] = 20) -> Response:
    """The first page of /letters (no filters), served from memory until new events fold."""
    body = await request.app.state.latest.get(limit)
    return Response(body, media_type="application/json")


def _ref(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in LetterRef.model_fields}


@router.get("/{letter_id}", response_model=LetterDetail, summary="One letter and its evidence",
            responses={404: {"description": "no such letter"}})
def get_letter(letter_id: Annotated[str, Path(max_length=64)],
               store: Annotated[Store, Depends(get_store)]) -> Response:
    """Every article reporting it with its evidence sentence, the log positions behind it,
    the letter it answers and the replies it got."""
    row = queries.get_letter(store, letter_id)
    if row is None:
        raise HTTPException(404, f"no letter {letter_id!r}")
    out = queries.letter_out(row)
    out["positions"] = sorted({s["position"] for s in out["sources"] if s["position"]})
    parent = queries.get_letter(store, row["in_reply_to"]) if row["in_reply_to"] else None
    out["in_reply_to_letter"] = _ref(parent) if parent else None
    out["replies"] = [_ref(r) for r in queries.replies_to(store, letter_id)]
    return json_response(out)
