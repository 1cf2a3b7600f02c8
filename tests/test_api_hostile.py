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


# --- values that once answered 500 ------------------------------------------------------------

TOO_BIG = 2**63


@pytest.mark.parametrize("value", [
    "²",                           # a digit to str.isdigit(), not to int()
    "9999-12-31T23:59:59-01:00",   # past the last datetime once in UTC
    "0001-01-01T00:00:00+01:00",   # before the first one
    str(TOO_BIG),                  # no database integer holds it
    "9" * 5000,                    # more digits than int() converts
])
def test_as_of_values_out_of_range_are_refused(client: TestClient, value: str):
    r = client.get("/letters", params={"as_of": value})
    assert r.status_code in (200, 422), (value, r.status_code, r.text[:200])
    if r.status_code == 422:
        assert "as_of" in r.text


def test_a_cursor_holding_2_to_the_63_is_refused(client: TestClient):
    from service.api.queries import encode_cursor

    for route, key in (("/letters", ["2024-01-01", TOO_BIG, "x"]), ("/articles", [TOO_BIG]),
                       ("/letters", ["2024-01-01", -TOO_BIG, "x"])):
        r = client.get(route, params={"cursor": encode_cursor(key)})
        assert r.status_code == 422 and "cursor is not valid" in r.text, (route, key)
    r = client.get("/letters", params={"cursor": encode_cursor(["2024", TOO_BIG, "x"]),
                                       "as_of": "1"})
    assert r.status_code == 422


@pytest.mark.parametrize("value", [b"\xb2", b"\xb9\xb2", b"99999999999999999999", b"-1",
                                   b"1e5", b" 12x"])
def test_a_bad_last_event_id_is_refused_before_the_stream_starts(client: TestClient,
                                                                 value: bytes):
    r = client.get("/events/stream", headers={"Last-Event-ID": value})
    assert r.status_code == 422 and "Last-Event-ID" in r.text, (value, r.status_code)


def test_a_control_character_in_a_letter_leaves_the_atom_feed_whole(client: TestClient,
                                                                     corpus: Store):
    import feedparser

    from test_api_support import add_article, letter, refresh

    add_article(corpus, "cc1", site="Odd", published="2024-03-01", title="x\x0b", findings=[
        letter("Kim\x1bJong Un", "Xi\x01Jinping", "letter", "2024-03-01",
               "Kim\x08 wrote\x0c to Xi.\ufffe")])
    refresh(corpus)
    r = client.get("/letters.atom")
    assert r.status_code == 200
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.bozo_exception
    assert any("KimJong Un" in e.title for e in feed.entries)
