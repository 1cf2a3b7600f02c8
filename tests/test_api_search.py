"""Text search in /letters (q=): words, phrases, prefixes, OR and exclusions, the same on
both backends and in the as_of view, ranked on request; hostile queries are words or 422."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from store import Store, search
from test_api_support import add_article, client, corpus, letter, refresh  # noqa: F401


def ids(client: TestClient, **params: str) -> list[str]:
    r = client.get("/letters", params={"limit": 200, **params})
    assert r.status_code == 200, r.text
    return [x["letter_id"] for x in r.json()["items"]]


def evidence_of(client: TestClient, **params: str) -> set[str]:
    items = client.get("/letters", params={"limit": 200, **params}).json()["items"]
    return {s["evidence"] for x in items for s in x["sources"]}


@pytest.mark.parametrize(("q", "expected"), [
    ("liberation", {"Putin sent Kim Jong Un a telegram on Liberation Day."}),
    ("LIBERATION day", {"Putin sent Kim Jong Un a telegram on Liberation Day."}),
    ('"russia day"', {"Kim Jong Un sent greetings to Putin on Russia Day."}),
    ('"day russia"', set()),  # a phrase keeps its order
    ("liber*", {"Putin sent Kim Jong Un a telegram on Liberation Day."}),
    ("telegram OR greetings", {"Putin sent Kim Jong Un a telegram on Liberation Day.",
                               "Kim Jong Un sent greetings to Putin on Russia Day."}),
    ("putin -telegram", {"Kim Jong Un sent greetings to Putin on Russia Day.",
                         "A North Korean official handed a written message to Putin from "
                         "Kim Jong Un."}),
    ("trump's", {"Kim Jong Un answered Trump's letter on June 22, KCNA said."}),
    ("liberat", set()),  # whole words unless asked for a prefix
])
def test_search_syntax(client: TestClient, q: str, expected: set[str]):
    assert evidence_of(client, q=q) == expected
    # The as_of view folds the log in memory and must find the same letters.
    assert evidence_of(client, q=q, as_of="1000") == expected


@pytest.mark.parametrize("q", ['"unbalanced', "a OR", "OR OR", "-", "***", ")(", "NEAR(a b)",
                               "kim:*", "'", "x" * 200, "AND NOT", "^kim", "kim\tjong"])
def test_hostile_queries_are_words_or_refused(client: TestClient, q: str):
    r = client.get("/letters", params={"q": q})
    assert r.status_code in (200, 422), (q, r.status_code, r.text)
    if r.status_code == 422:
        assert r.json()["detail"][0]["loc"] == ["query", "q"]
        with pytest.raises(search.SearchError):
            search.parse(q)
    else:
        query = search.parse(q)
        for item in r.json()["items"]:
            assert search.matches(query, "\n".join(s["evidence"] for s in item["sources"]))


@pytest.mark.parametrize("q", ["kim", "letter OR telegram", '"kim jong"', "kim -trump", "jun*"])
def test_common_and_rare_words_find_the_same_letters_in_the_same_order(
        client: TestClient, corpus: Store, monkeypatch, q: str):
    """SQLite reads a common word's matches in listing order, a rare word's from the text
    index: both ways give the same pages."""
    import store.sqlite

    rare = ids(client, q=q)
    kim = [i for i in rare if i in ids(client, person="Kim Jong Un")]
    monkeypatch.setattr(store.sqlite, "COMMON_MATCHES", 0)  # every word is common now
    assert ids(client, q=q) == rare
    assert ids(client, q=q, person="Kim Jong Un") == kim
    monkeypatch.setattr(store.sqlite, "MANY_MATCHES", 0)  # and very common
    assert ids(client, q=q) == rare
    assert ids(client, q=q, person="Kim Jong Un") == kim


def test_a_query_with_only_exclusions_or_punctuation_is_refused(client: TestClient):
    for q in ("-kim", "!!!", '""'):
        r = client.get("/letters", params={"q": q})
        assert r.status_code == 422, q
        assert "no word to look for" in r.json()["detail"][0]["msg"]


def test_relevance_puts_the_best_match_first_and_pages_through_every_match(
        client: TestClient, corpus: Store):
    add_article(corpus, "r1", site="AP", published="2001-01-01", title="Birthday",
                findings=[letter("Ann Example", "Bob Example", "letter", "2001-01-01",
                                 "Birthday greetings: a birthday letter for a birthday.")])
    add_article(corpus, "r2", site="AP", published="2024-01-01", title="Later",
                findings=[letter("Cy Example", "Di Example", "letter", "2024-01-01",
                                 "A long report that mentions, among very many other things "
                                 "said on the day by the officials present, a birthday.")])
    refresh(corpus)
    by_date = ids(client, q="birthday")
    by_rank = ids(client, q="birthday", sort="relevance")
    assert len(by_date) == 2 and set(by_rank) == set(by_date)
    assert by_date[0] == by_rank[1]  # the newer letter is the weaker match
    seen, cursor = [], None
    while True:
        params = {"q": "kim", "sort": "relevance", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/letters", params=params).json()
        seen += [x["letter_id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids(client, q="kim"))


def test_relevance_needs_a_query(client: TestClient):
    r = client.get("/letters", params={"sort": "relevance"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "sort"]
    assert client.get("/letters", params={"sort": "relevance", "q": "kim",
                                          "as_of": "3"}).status_code == 422
