"""Which records an import keeps: hosts with their subdomains, a date range, a language."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scrapers.warc.filters import RecordFilter, html_language, language_code, page_words, parse_day


def test_a_host_keeps_itself_and_its_subdomains_only(tmp_path: Path):
    hosts = tmp_path / "hosts.txt"
    hosts.write_text("# outlets\nkcna.kp\nhttps://www.reuters.com/world\n*.yna.co.kr\n\n")
    f = RecordFilter.build(["BBC.co.uk"], hosts_file=hosts)
    assert f.hosts == {"bbc.co.uk", "kcna.kp", "www.reuters.com", "yna.co.kr"}
    for url in ("https://www.bbc.co.uk/news/1", "http://bbc.co.uk/", "https://kcna.kp/en/a",
                "https://www.reuters.com/x", "https://en.yna.co.kr/view/1"):
        assert f.host_ok(url), url
    for url in ("https://notbbc.co.uk/", "https://co.uk/", "https://reuters.com/x",
                "https://kcna.kp.evil.example/", "not a url"):
        assert not f.host_ok(url), url
    assert RecordFilter().host_ok("https://anything.example/")


@pytest.mark.parametrize("text,end,expected", [
    ("2019", False, datetime(2019, 1, 1, tzinfo=UTC)),
    ("2019", True, datetime(2019, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)),
    ("2020-02", True, datetime(2020, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)),
    ("2019-06-30", False, datetime(2019, 6, 30, tzinfo=UTC)),
])
def test_days_months_and_years_bound_a_range(text, end, expected):
    assert parse_day(text, end=end) == expected


def test_the_date_range_is_inclusive_and_an_undated_record_fails_a_range():
    f = RecordFilter.build(since="2019-06", until="2019-06")
    assert f.date_ok(datetime(2019, 6, 30, 23, 0, tzinfo=UTC))
    assert not f.date_ok(datetime(2019, 7, 1, tzinfo=UTC))
    assert not f.date_ok(None)
    assert RecordFilter().date_ok(None)
    with pytest.raises(ValueError):
        RecordFilter.build(since="June 2019")


def test_languages_compare_by_their_primary_code():
    assert [language_code(t) for t in ("en-GB", "eng,fra", "EN", "fre", "", None)] == \
        ["en", "en", "en", "fr", None, None]
    f = RecordFilter.build(language="en")
    assert f.language_ok("eng") and not f.language_ok("kor")
    assert f.language_ok(None, None), "a page that says nothing is kept"
    assert not f.language_ok(None, "ko-KR", "en"), "the first language known decides"
    assert html_language(b"<!doctype html><html class=x lang='ko'><head>") == "ko"
    assert html_language(b"<html><body>") is None


def test_page_words_keeps_the_text_and_drops_markup_and_scripts():
    html = ("<html><head><style>p{}</style><script>var letter = 1;</script></head><body>"
            "<p>Kim sent a <b>letter</b> to&nbsp;Putin &amp; Xi.</p></body></html>")
    words = page_words(html)
    assert " ".join(words.split()) == "Kim sent a letter to Putin & Xi."


def corpus_articles() -> list[dict]:
    import json

    from sites import SHARED

    files = [SHARED / "corpus" / "seeds" / "seeds.jsonl",
             SHARED / "corpus" / "dev" / "articles.jsonl",
             *sorted((SHARED / "corpus" / "train").glob("part-*.jsonl"))]
    return [json.loads(line) for f in files for line in f.read_text(encoding="utf-8")
            .splitlines() if line.strip()]


def test_the_letters_precheck_on_page_words_keeps_every_article_that_reports_a_letter():
    """``--letters-only`` reads the whole page's words, not the article's: every annotated
    article with a letter, set in a news page with its navigation and comments, passes."""
    from sites import seed_page

    from scrapers.letters.extract import may_report_letters

    articles = [a for a in corpus_articles()
                if any(not letter.get("optional") for letter in a["letters"])]
    assert len(articles) > 150
    missed = [a["id"] for a in articles
              if not may_report_letters(page_words(seed_page({**a, "title": a["title"] or ""})))]
    assert missed == []


@pytest.mark.parametrize("url", [
    "http://WWW.BBC.co.uk/news?a", "https://user:pw@ex.com:8080/x", "http://[::1]:80/",
    "https://a.b.c", "https://a.b.c#f", "https://u@h@x.com/", "http://ex.com.:80",
    "mailto:x@y", "ex.com/path", "", "https://", "HTTPS://Caps.Example?q=1"])
def test_url_host_reads_the_host_as_urlsplit_does(url: str):
    from urllib.parse import urlsplit

    from scrapers.warc.filters import url_host

    assert url_host(url) == (urlsplit(url).hostname or "")
