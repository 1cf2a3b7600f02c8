"""Hostile strings in every filter and id: answered with 200, 404 or 422, never a 500, and
nothing in the database changes (every SQL statement is parameterised)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from store import Store, search
from test_api_support import AUTH, client, corpus  # noqa: F401 - fixtures

HOSTILE = [
    "'; DROP TABLE p_letters_letters; --",
    "\" OR 1=1 --",
    "Kim' OR '1'='1",
    "%' OR sender LIKE '%",
    "_%\\",
    "1; DELETE FROM events",
    "\x00",
    "Robert'); DROP TABLE events;--",
    "𝕂𝕚𝕞 ☃ ' \" ` ; -- /* */",
    "a" * 5000,
]

FILTERS = ["sender", "recipient", "person", "kind", "q", "since", "until", "cursor", "as_of"]
ID_ROUTES = ["/letters/{}", "/people/{}", "/articles/{}", "/sources/{}", "/watches/{}"]


def test_a_nul_character_is_refused_with_a_message(client: TestClient):
    r = client.get("/letters", params={"person": "Kim\x00"})
    assert r.status_code == 422
    assert "NUL characters are not allowed" in r.json()["detail"][0]["msg"]


def snapshot(store: Store) -> tuple:
    return (store.head(),
            store.query("SELECT COUNT(*) AS n FROM p_letters_letters")[0]["n"],
            store.query("SELECT COUNT(*) AS n FROM p_articles_articles")[0]["n"])


@pytest.mark.parametrize("name", FILTERS)
def test_hostile_filter_values_are_answered_or_refused_and_change_nothing(
        client: TestClient, corpus: Store, name: str):
    before = snapshot(corpus)
    for value in HOSTILE:
        r = client.get("/letters", params={name: value})
        assert r.status_code in (200, 422), (name, value, r.status_code, r.text[:200])
        if r.status_code == 200 and name in ("sender", "recipient", "person", "kind"):
            assert r.json()["items"] == []  # matched as text, never as SQL
        if r.status_code == 200 and name == "q":
            # Words of the query, never SQL or search syntax: "Kim' OR '1'='1" finds the
            # letters that say "Kim" (or "1 1"), and only those.
            query = search.parse(value)
            for item in r.json()["items"]:
                evidence = "\n".join(s["evidence"] for s in item["sources"])
                assert search.matches(query, evidence), (value, evidence)
        for path in ("/articles", "/people", "/sources", "/events"):
            r = client.get(path, params={name: value, "q": value})
            assert r.status_code in (200, 422), (path, name, value, r.status_code)
    assert snapshot(corpus) == before


@pytest.mark.parametrize("route", ID_ROUTES)
def test_hostile_ids_are_not_found_or_refused(client: TestClient, corpus: Store, route: str):
    before = snapshot(corpus)
    for value in HOSTILE:
        r = client.get(route.format(quote(value, safe="")), headers=AUTH)
        assert r.status_code in (404, 422), (route, value, r.status_code)
    assert snapshot(corpus) == before
