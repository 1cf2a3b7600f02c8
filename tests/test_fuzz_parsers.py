"""Hostile input to every parser that reads the outside world: a clear outcome, never a crash.

Each parser either returns its normal result or raises the one error type the crawl turns
into a recorded outcome (``BadListing`` -> ``FetchFailed(reason="bad_feed")``, ``BadURL`` ->
``PageSkipped``); anything else escaping would stop a crawl.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapers.extract import extract_article
from scrapers.letters import extract_letters
from scrapers.letters.dates import anchor_for, find_dates, parse_published
from scrapers.listings import BadListing, discover_feeds, parse_listing
from scrapers.urls import BadURL, canonical_url

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Fragments real feeds, sitemaps and pages are made of, so examples get past the first byte.
XMLISH = st.lists(st.sampled_from([
    "<?xml version='1.0'?>", "<rss version='2.0'>", "<channel>", "<item>", "</item>", "<link>",
    "</link>", "https://x.example/a", "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>",
    "<url><loc>", "</loc></url>", "<sitemapindex>", "<feed xmlns='http://www.w3.org/2005/Atom'>",
    "<entry>", "<pubDate>", "Mon, 32 Foo 2019", "</pubDate>", "<lastmod>", "2019-02-30T25:61",
    "</lastmod>", "<![CDATA[", "]]>", "&amp;", "&bogus;", "<", ">", "\x00", "\ufeff", "é",
    "<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'>]>", "&a;", "</rss>", "</urlset>",
]), max_size=40).map("".join)

HTMLISH = st.lists(st.sampled_from([
    "<html>", "<head>", "<meta charset='utf-8'>", "<meta charset='bogus-9'>",
    "<meta property='article:published_time' content='not a date'>", "<title>", "</title>",
    "<link rel='alternate' type='application/rss+xml' href='", "javascript:alert(1)",
    "//x.example/feed", "'>", "<body>", "<article>", "<p>", "Kim Jong Un sent a letter to ",
    "Donald Trump on Thursday.", "</p>", "<script>alert(1)</script>", "<!--", "-->",
    "\x00", "\udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"), "</html>",
]), max_size=60).map("".join)


@FUZZ
@given(body=st.one_of(st.binary(max_size=2000), XMLISH.map(str.encode)),
       kind=st.sampled_from(["feed", "sitemap", "urls", "site"]))
def test_listings_parse_or_raise_bad_listing(body, kind):
    try:
        listing = parse_listing(body, "https://x.example/feed", kind)
    except BadListing as exc:
        assert str(exc)  # the reason recorded with the failure
        return
    for entry in listing.entries + listing.sitemaps:
        assert entry.url.startswith(("http://", "https://"))


@FUZZ
@given(html=st.one_of(st.binary(max_size=3000), HTMLISH.map(str.encode)))
def test_feed_discovery_returns_only_absolute_http_urls(html):
    for url in discover_feeds(html, "https://x.example/"):
        assert url.startswith(("http://", "https://"))


@FUZZ
@given(html=st.one_of(st.binary(max_size=3000), HTMLISH, HTMLISH.map(str.encode)))
def test_article_extraction_returns_an_article_or_none(html):
    article = extract_article(html, url="https://x.example/a")
    assert article is None or isinstance(article.text, str)


@FUZZ
@given(url=st.one_of(st.text(max_size=200), st.sampled_from([
    "http://", "https://[::1", "https://x.example:99999/", "ftp://x.example/", "javascript:x",
    "https://x.example/a?utm_source=z#frag", "HTTPS://X.EXAMPLE/../a/./b"])))
def test_url_canonicalisation_returns_http_or_raises_bad_url(url):
    try:
        out = canonical_url(url, "https://x.example/")
    except BadURL:
        return
    assert out.startswith(("http://", "https://")) and "#" not in out and "utm_" not in out


@FUZZ
@given(published=st.one_of(st.none(), st.text(max_size=40), st.sampled_from([
    "2019-02-30", "2019-13-01", "0000-00-00", "99999-01-01", "2019-08-10T25:00:00+99:00",
    "Monday 16 September 2019 10:11 EDT"])),
       text=st.text(max_size=400))
def test_dates_and_letters_tolerate_any_text(published, text):
    parsed = parse_published(published)
    find_dates(text, anchor_for(parsed))
    for letter in extract_letters(text, title=text[:60], published=published):
        assert letter.sender and letter.recipient and letter.kind
