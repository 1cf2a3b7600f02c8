"""The reader's pages as HTML: what each one says, its address, and what happens with an
unknown id. The browser tests (test_page_reader.py) follow them as a person would."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from service.api.pages import date_words, in_context, offices, person_path
from service.api.queries import LETTERS_T
from store import Store
from test_api_support import SCRIPT, client, corpus  # noqa: F401


def letter_id(store: Store, sender: str, date: str | None) -> str:
    rows = store.query(f"SELECT letter_id, date FROM {LETTERS_T} WHERE sender = ?", [sender])
    return next(r["letter_id"] for r in rows if r["date"] == date)


@pytest.mark.parametrize("value, words", [
    ("2018-07-06", ("6 July 2018", "to the day")), ("2019-08", ("August 2019", "to the month")),
    ("2021", ("2021", "to the year")), (None, ("date unknown", "not reported")),
    ("2019-13", ("2019-13", "as reported"))])
def test_dates_read_as_a_reader_says_them_with_their_precision(value, words):
    assert date_words(value) == words


def test_the_evidence_is_found_in_its_article_by_offsets_or_else_by_text():
    text = "First sentence here. Kim sent a letter. Last one."
    exact = in_context({"evidence": "Kim sent a letter.", "start": 21, "end": 39}, text)
    assert exact == {"before": "First sentence here. ", "evidence": "Kim sent a letter.",
                     "after": " Last one."}
    moved = in_context({"evidence": "Kim sent a letter.", "start": 0, "end": 5}, text)
    assert moved == exact  # offsets from another version of the text: found by its words
    alone = in_context({"evidence": "Not in the text.", "start": -1, "end": -1}, text)
    assert alone == {"before": "", "evidence": "Not in the text.", "after": ""}
    long = "word " * 200 + "Kim sent a letter." + " word" * 200
    cut = in_context({"evidence": "Kim sent a letter.", "start": -1, "end": -1}, long)
    assert cut["before"].startswith("…word") and cut["after"].endswith("word…")


def test_offices_come_from_the_gazetteer():
    assert {"office": "Head of state", "country": "United States", "start": "2017-01-20",
            "end": "2021-01-20"} in offices("Donald Trump")
    assert offices("Kim Jong-un")[0]["country"] == "North Korea"  # a variant of the name
    assert offices("Nobody Known") == []


def test_a_letters_page_shows_every_report_highlighted_and_its_record(client: TestClient,
                                                                      corpus: Store):
    lid = letter_id(corpus, "Kim Jong Un", "2018-07-06")
    r = client.get(f"/letter/{lid}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<title>Kim Jong Un → Donald Trump: letter, 6 July 2018 · letterwatch</title>" in html
    assert f'<link rel="canonical" href="/letter/{lid}">' in html
    assert html.count("<mark>") == 2  # Reuters and AP
    assert "<mark>Trump said Kim Jong Un sent him a very nice letter on July 6.</mark>" in html
    assert 'href="https://reuters.example/a1" rel="noopener nofollow"' in html
    assert f'href="{person_path("Kim Jong Un")}"' in html
    assert re.search(r"Log positions</dt><dd>.*>2</a>, <a .*>4</a></dd>", html)
    assert "<code>1.0</code>" in html  # the extractor's version


def test_canonical_addresses_use_the_public_address_when_one_is_set(corpus: Store):
    from service.api import create_app
    from test_api_support import settings

    app = create_app(settings(), corpus)
    # Set on the app's settings as the public_url setting would be.
    app.state.settings = settings().model_copy(update={"public_url": "https://news.example/"})
    lid = letter_id(corpus, "Kim Jong Un", "2018-07-06")
    with TestClient(app) as c:
        html = c.get(f"/letter/{lid}", headers={"Host": "evil.example"}).text
    assert f'<link rel="canonical" href="https://news.example/letter/{lid}">' in html
    assert "evil.example" not in html


def test_a_reply_links_to_what_it_answers_and_to_its_thread(client: TestClient, corpus: Store):
    first = letter_id(corpus, "Donald Trump", "2019-06-12")
    reply = letter_id(corpus, "Kim Jong Un", "2019-06-22")
    html = client.get(f"/letter/{reply}").text
    assert f'href="/letter/{first}">12 June 2019</a>' in html
    assert f'href="/thread/{reply}">Read the whole thread' in html
    assert f'href="/letter/{reply}">22 June 2019</a>' in client.get(f"/letter/{first}").text
    thread = client.get(f"/thread/{reply}").text
    assert f'<link rel="canonical" href="/thread/{first}">' in thread
    assert 'aria-current="true"' in thread


def test_the_first_page_links_both_ends_of_a_reply_to_their_thread(client: TestClient,
                                                                   corpus: Store):
    first = letter_id(corpus, "Donald Trump", "2019-06-12")
    reply = letter_id(corpus, "Kim Jong Un", "2019-06-22")
    html = client.get("/").text
    assert f'href="/thread/{first}">answered · thread</a>' in html
    assert f'href="/thread/{reply}">a reply · thread</a>' in html
    assert html.count('class="thread-link"') == 2


def test_a_persons_page(client: TestClient):
    r = client.get("/person/kim jong-un")  # any spelling of the name
    html = r.text
    assert r.status_code == 200
    assert '<link rel="canonical" href="/person/kimjongun">' in html
    assert "7 letters: 4 sent, 3 received" in html
    assert "Leader</strong>, North Korea" in html
    assert 'href="/letters.csv?person=Kim+Jong+Un"' in html
    assert 'href="/letters.atom?person=Kim+Jong+Un"' in html
    assert 'href="/timeline.csv?person=Kim+Jong+Un&amp;split=direction"' in html
    # Drawn wide and narrow; the style sheet shows the one that fits the screen.
    assert html.count('<svg class="chart wide"') == 1 and html.count('<svg class="chart narrow"') == 1


def test_charts_are_drawn_by_year_or_month_as_asked_keeping_the_filters(client: TestClient):
    html = client.get("/", params={"person": "Kim Jong Un", "by": "month"}).text
    assert "<title id=\"letters-chart-t\">Letters over time, by month and kind</title>" in html
    assert 'href="/?person=Kim+Jong+Un&amp;by=year" rel="nofollow">by year</a>' in html
    html = client.get("/person/kimjongun", params={"by": "month"}).text
    assert "sent and received, by month</title>" in html
    for nonsense in ("/?by=week", "/person/kimjongun?by=week"):  # the page chooses instead
        assert "by year and kind</title>" in client.get(nonsense).text \
            or "by year</title>" in client.get(nonsense).text


def test_a_name_with_a_slash_has_a_page_of_its_own(client: TestClient, corpus: Store):
    from test_api_support import add_article, letter, refresh

    add_article(corpus, "slash", site="Odd", published="2020-01-02", title="t", findings=[
        letter("AC/DC Fan Club", "Kim Jong Un", "letter", "2020-01-01", "The club wrote.")])
    refresh(corpus)
    assert person_path("AC/DC Fan Club") == "/person/ac%2Fdcfanclub"
    r = client.get(person_path("AC/DC Fan Club"))
    assert r.status_code == 200 and "<h1><bdi>AC/DC Fan Club</bdi></h1>" in r.text


def test_the_first_page_leads_on_to_older_letters(client: TestClient, corpus: Store):
    from test_api_support import add_article, letter, refresh

    add_article(corpus, "many", site="Wire", published="2001-01-01", title="Many", findings=[
        letter(f"Sender {i:03d}", "Kim Jong Un", "letter", "2000-01-01", f"Letter {i}.")
        for i in range(100)])
    refresh(corpus)
    first = client.get("/", params={"kind": "letter"}).text
    older = re.search(r'href="(/\?kind=letter&amp;cursor=[^"]+)" rel="next">older letters', first)
    assert older and first.count(' data-letter="') == 100
    rest = client.get(older.group(1).replace("&amp;", "&")).text
    assert rest.count(' data-letter="') == 3  # 103 letters of kind "letter" in all
    assert ">newest letters</a>" in rest and 'rel="next"' not in rest
    stale = client.get("/", params={"cursor": "not-a-cursor"})
    assert stale.status_code == 200 and "cursor is not valid" in stale.text


def test_a_letters_page_says_its_claim_status_and_each_reports(client: TestClient,
                                                                corpus: Store):
    from test_api_letters_status import COMMITTEE, add_statuses

    add_statuses(corpus)
    claimed = client.get(f"/letter/{letter_id(corpus, 'Kim Jong Un', '2020-01')}").text
    assert "<dt>Status</dt><dd>one side says it was sent" in claimed
    assert 'class="person org" href="/person/' in claimed and COMMITTEE.replace("'", "&#39;") in claimed
    disputed = client.get(f"/letter/{letter_id(corpus, 'Donald Trump', '2019-02-05')}").text
    assert "(disputed: the reports disagree)" in disputed
    assert ", said not to have been sent.</p>" in disputed  # CNN's report, as CNN read it


def test_unknown_ids_and_names_get_a_page_that_says_so(client: TestClient):
    for path, words in (("/letter/0000000000000000", "No such letter"),
                        ("/thread/0000000000000000", "No such letter"),
                        ("/person/nobody", "Nobody of that name")):
        r = client.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert f"<h1>{words}</h1>" in r.text


def test_markup_in_crawled_text_is_escaped_on_every_page(client: TestClient, corpus: Store):
    lid = letter_id(corpus, "Xi Jinping", "2021-10-20")
    for path in (f"/letter/{lid}", f"/thread/{lid}", "/person/xijinping", "/?q=reply"):
        html = client.get(path).text
        assert SCRIPT not in html, path
        assert "&lt;script&gt;window.__pwned = true;" in html, path


def test_a_feed_entry_without_a_web_link_opens_the_letters_page(client: TestClient,
                                                               corpus: Store):
    from events import ArticleExtracted, Finding, LettersExtracted
    from test_api_support import refresh

    corpus.append("article-js", [
        ArticleExtracted(article_id="js", url="javascript:alert(1)", title="t", text="x",
                         extractor_version="t1", site_name="Odd"),
        LettersExtracted(article_id="js", extractor_version="1.0", letters=(Finding(
            sender="A Person", recipient="B Person", kind="letter", date="2020-01-01",
            via=None, evidence="A wrote to B."),))])
    refresh(corpus)
    lid = letter_id(corpus, "A Person", "2020-01-01")
    feed = client.get("/letters.atom", params={"person": "A Person"}).text
    assert f'href="/letter/{lid}"' in feed and "javascript:" not in feed


def test_pages_carry_no_inline_script_or_style(client: TestClient, corpus: Store):
    """So a strict Content-Security-Policy (script-src/style-src 'self') breaks nothing."""
    lid = letter_id(corpus, "Kim Jong Un", "2019-06-22")
    for path in ("/", f"/letter/{lid}", f"/thread/{lid}", "/person/kimjongun"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert "<style" not in html and " style=" not in html and " on" + "click=" not in html
