"""/letters.csv and /letters.atom: the letters in a spreadsheet and in a feed reader."""

from __future__ import annotations

import csv
import io

import feedparser
from fastapi.testclient import TestClient

from store import Store
from test_api_support import add_article, client, corpus, letter, refresh, settings  # noqa: F401


def rows(client: TestClient, **params: str) -> list[dict[str, str]]:
    r = client.get("/letters.csv", params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text)))


def test_csv_has_every_matching_letter_with_its_outlets_and_links(client: TestClient):
    every = rows(client)
    assert len(every) == len(client.get("/letters").json()["items"]) == 7
    merged = next(r for r in every if r["date"] == "2018-07-06")
    assert (merged["sender"], merged["recipient"], merged["kind"]) == (
        "Kim Jong Un", "Donald Trump", "letter")
    assert merged["outlets"] == "AP; Reuters" and merged["source_count"] == "2"
    assert len(merged["urls"].split()) == 2
    assert [r["sender"] for r in rows(client, person="Donald Trump", kind="letter")] == [
        "Kim Jong Un", "Donald Trump", "Kim Jong Un"]


def test_csv_pages_through_large_results_and_honours_the_limit(client: TestClient,
                                                                corpus: Store):
    from service.api import exports

    exports.CSV_BATCH, saved = 2, exports.CSV_BATCH
    try:
        ids = [r["letter_id"] for r in rows(client)]
        assert len(ids) == len(set(ids)) == 7
        assert len(rows(client, limit="3")) == 3
    finally:
        exports.CSV_BATCH = saved


def test_csv_quotes_crawled_text_that_looks_like_a_formula(client: TestClient, corpus: Store):
    add_article(corpus, "f1", site="Evil", published="2024-01-02", title="x", findings=[
        letter("=HYPERLINK(\"http://evil.example\")", "Kim Jong Un", "letter", "2024-01-01",
               "=cmd|' /C calc'!A0 sent Kim a letter.")])
    refresh(corpus)
    (row,) = rows(client, since="2024-01-01")
    assert row["sender"].startswith("'=") and row["evidence"].startswith("'=")


def test_atom_lists_the_newest_reports_first_and_parses_as_a_feed(client: TestClient,
                                                                  corpus: Store):
    r = client.get("/letters.atom", params={"person": "Kim Jong Un"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/atom+xml"
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 7
    add_article(corpus, "f2", site="KCNA", published="2024-02-02", title="Kim to Lukashenko",
                findings=[letter("Kim Jong Un", "Alexander Lukashenko", "telegram", "2024-02-01",
                                 "Kim sent Lukashenko a telegram.")])
    refresh(corpus)
    first = feedparser.parse(client.get("/letters.atom").content).entries[0]
    assert first.title == "Kim Jong Un → Alexander Lukashenko: telegram (2024-02-01)"
    assert "KCNA: Kim sent Lukashenko a telegram." in first.summary
    assert first.link == "https://kcna.example/f2"
    assert first.id.startswith("urn:letterwatch:letter:")


def test_exports_take_the_same_filters_and_errors_as_letters(client: TestClient):
    assert client.get("/letters.csv", params={"since": "June"}).status_code == 422
    assert client.get("/letters.atom", params={"limit": "0"}).status_code == 422
    assert rows(client, person="nobody at all") == []


def test_the_page_links_its_letters_as_csv_and_atom_with_its_filters(client: TestClient):
    html = client.get("/", params={"person": "Kim Jong Un", "kind": "letter"}).text
    assert 'href="/letters.csv?person=Kim+Jong+Un&amp;kind=letter"' in html
    assert 'href="/letters.atom?person=Kim+Jong+Un&amp;kind=letter"' in html
    assert 'rel="alternate" type="application/atom+xml"' in html  # feed readers discover it


def test_atom_escapes_crawled_markup(client: TestClient, corpus: Store):
    add_article(corpus, "f3", site="Evil", published="2024-03-02", title="x", findings=[
        letter("Kim Jong Un", "Xi Jinping", "letter", "2024-03-01",
               "Kim <script>alert(1)</script> wrote to Xi & thanked him.")])
    refresh(corpus)
    entry = feedparser.parse(client.get("/letters.atom").content).entries[0]
    assert "<script>" not in entry.summary
    assert "Kim &lt;script&gt;alert(1)&lt;/script&gt; wrote to Xi &amp; thanked him." in entry.summary
