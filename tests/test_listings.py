"""Listings: feeds, sitemaps, URL lists and advertised feeds all become entries."""

import gzip

import pytest

from scrapers.listings import BadListing, discover_feeds, parse_listing

RSS2 = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>
<item><title>A</title><link>/news/a?utm_source=rss</link><pubDate>Mon, 16 Sep 2019 10:11:00 GMT</pubDate></item>
<item><title>B</title><link>https://ex.com/news/b#comments</link></item>
<item><title>A again</title><link>https://ex.com/news/a</link></item></channel></rss>"""
RSS1 = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://ex.com/"><title>x</title></channel>
<item rdf:about="https://ex.com/r1"><title>R1</title><link>https://ex.com/r1</link></item></rdf:RDF>"""
RSS091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>x</title><link>https://ex.com/</link>
<item><title>Old</title><link>https://ex.com/old</link></item></channel></rss>"""
ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>f</id><updated>2024-01-02T03:04:05Z</updated>
<entry><title>x</title><id>u1</id><link rel="alternate" href="https://ex.com/1"/>
<published>2024-01-01T00:00:00Z</published><updated>2024-01-02T03:04:05Z</updated></entry></feed>"""
SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://ex.com/a</loc><lastmod>2024-05-02</lastmod><news:news><news:publication>
<news:name>Ex</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2024-05-01T10:00:00+02:00</news:publication_date><news:title>T</news:title></news:news></url>
<url><loc>https://ex.com/b</loc></url></urlset>"""
INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://ex.com/s1.xml</loc><lastmod>2024-05-01</lastmod></sitemap>
<sitemap><loc>/s2.xml.gz</loc></sitemap></sitemapindex>"""


def test_rss2_entries_are_canonical_unique_and_dated():
    listing = parse_listing(RSS2, "https://ex.com/feed.xml", "feed")
    assert [e.url for e in listing.entries] == ["https://ex.com/news/a", "https://ex.com/news/b"]
    assert listing.entries[0].published == "2019-09-16T10:11:00+00:00"
    assert listing.entries[0].title == "A"


@pytest.mark.parametrize("body,url", [(RSS1, "https://ex.com/r1"), (RSS091, "https://ex.com/old"),
                                      (ATOM, "https://ex.com/1")])
def test_rss1_rss091_and_atom(body, url):
    assert [e.url for e in parse_listing(body, "https://ex.com/f", "feed").entries] == [url]


def test_a_news_sitemap_gives_publication_dates_and_lastmod():
    listing = parse_listing(SITEMAP, "https://ex.com/sitemap.xml", "sitemap")
    a, b = listing.entries
    assert listing.kind == "sitemap"
    assert a.published == "2024-05-01T10:00:00+02:00" and a.lastmod == "2024-05-02"
    assert a.title == "T" and b.published is None


def test_a_sitemap_index_lists_child_sitemaps_even_gzipped():
    listing = parse_listing(gzip.compress(INDEX), "https://ex.com/sitemap_index.xml", "sitemap")
    assert listing.kind == "sitemapindex"
    assert [s.url for s in listing.sitemaps] == ["https://ex.com/s1.xml", "https://ex.com/s2.xml.gz"]


def test_the_body_decides_between_feed_and_sitemap():
    assert parse_listing(SITEMAP, "https://ex.com/x", "feed").kind == "sitemap"


def test_a_url_list_skips_comments_and_junk():
    text = b"# our picks\nhttps://ex.com/a?utm_source=x\n\n/relative/b   a note\nnot a url at all\n"
    listing = parse_listing(text, "https://ex.com/list.txt", "urls")
    assert [e.url for e in listing.entries] == ["https://ex.com/a", "https://ex.com/relative/b"]


@pytest.mark.parametrize("body", [b"this is { not: xml", b"<html><body><p>a page</p></body></html>", b""])
def test_what_is_not_a_feed_is_a_bad_listing(body):
    with pytest.raises(BadListing):
        parse_listing(body, "https://ex.com/feed", "feed")


def test_broken_sitemap_xml_is_a_bad_listing():
    with pytest.raises(BadListing):
        parse_listing(b"<urlset><url><loc>x</url>", "https://ex.com/s.xml", "sitemap")
    with pytest.raises(BadListing, match="compressed"):
        parse_listing(b"\x1f\x8b" + b"garbage" * 10, "https://ex.com/s.xml.gz", "sitemap")


def test_feed_autodiscovery_reads_alternate_links():
    page = b"""<html><head><link rel="alternate" type="application/rss+xml" href="/rss">
    <link rel="alternate" type="application/atom+xml" href="https://ex.com/atom.xml">
    <link rel="stylesheet" href="/s.css"><link rel="alternate" hreflang="fr" href="/fr/"></head></html>"""
    assert discover_feeds(page, "https://ex.com/") == ["https://ex.com/rss", "https://ex.com/atom.xml"]
