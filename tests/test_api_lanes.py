"""No head-of-line blocking: a read past its budget is stopped by the database and answers
503 with Retry-After, and slow classes of request wait for slots of their own instead of
taking every thread from the cheap ones."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from service.api import create_app, queries
from service.api.lanes import READ, SEARCH, Lanes, lane
from store import QueryTimeout, Store
from test_api_support import corpus, settings  # noqa: F401 - fixtures

# Counts to a billion: minutes of work for either database, unless stopped.
SLOW_SQLITE = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
               "WHERE x < 1000000000) SELECT COUNT(*) AS n FROM c")
SLOW_POSTGRES = "SELECT pg_sleep(60) AS n"


def slow_sql(store: Store) -> str:
    return SLOW_SQLITE if type(store).__name__ == "SQLiteStore" else SLOW_POSTGRES


def test_a_read_past_its_budget_is_stopped_and_the_store_goes_on(store: Store):
    store.read_budget = 0.2
    with pytest.raises(QueryTimeout, match="longer than 0.2 s"):
        store.query(slow_sql(store))
    # The connection is fine afterwards, and writes are not limited.
    assert store.query("SELECT 1 AS one") == [{"one": 1}]
    assert store.healthy()
    store.read_budget = None
    assert store.query("SELECT 2 AS two") == [{"two": 2}]


def test_a_request_past_its_budget_answers_503_with_retry_after(corpus: Store, monkeypatch):
    def slow_page(store: Store, *args: object) -> tuple[list, None]:
        store.query(slow_sql(store))
        return [], None

    monkeypatch.setattr(queries, "page_letters", slow_page)
    with TestClient(create_app(settings(read_budget_seconds=0.2), corpus)) as client:
        r = client.get("/letters")
        assert r.status_code == 503
        assert r.headers["Retry-After"] == "1"
        assert "took too long" in r.json()["detail"]
        # Other routes still answer from the same store.
        assert client.get("/people").status_code == 200


@pytest.mark.parametrize(("path", "query", "expected"), [
    ("/letters", b"q=birthday", SEARCH),
    ("/letters", b"limit=5&q=x", SEARCH),
    ("/letters", b"as_of=5", SEARCH),
    ("/letters.csv", b"", SEARCH),
    ("/letters.atom", b"person=kim", SEARCH),
    ("/letters", b"limit=5&person=kim", READ),
    ("/letters", b"faq=1", READ),  # a parameter merely ending in "q"
    ("/people", b"", READ),
    ("/events/stream", b"", None),
    ("/healthz", b"", None),
])
def test_requests_are_sorted_into_lanes(path: str, query: bytes, expected: str | None):
    assert lane({"type": "http", "method": "GET", "path": path,
                 "query_string": query}) == expected
    assert lane({"type": "http", "method": "POST", "path": path, "query_string": query}) is None


def test_slow_requests_wait_in_their_own_lane_and_cheap_ones_pass():
    release = asyncio.Event()
    started = asyncio.Event()

    async def search(request: Request) -> PlainTextResponse:
        started.set()
        await release.wait()
        return PlainTextResponse("found")

    async def people(request: Request) -> PlainTextResponse:
        return PlainTextResponse("people")

    app = Lanes(Starlette(routes=[Route("/letters", search), Route("/people", people)]),
                slots={SEARCH: 1, READ: 4}, wait=0.2)

    async def run() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            first = asyncio.create_task(client.get("/letters", params={"q": "a"}))
            await started.wait()
            # The search lane is full: a second search waits its budget, then 503.
            second = await client.get("/letters", params={"q": "b"})
            assert second.status_code == 503
            assert second.headers["Retry-After"] == "1"
            assert "too many search requests" in second.json()["detail"]
            # Reads are in a lane of their own and answer at once.
            assert (await client.get("/people")).text == "people"
            release.set()
            assert (await first).text == "found"
            # Its slot is free again.
            assert (await client.get("/letters", params={"q": "c"})).text == "found"

    asyncio.run(run())
