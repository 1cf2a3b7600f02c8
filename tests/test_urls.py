"""Canonical URLs: one spelling per page."""

import pytest

from scrapers.urls import BadURL, canonical_url, host_of, origin_of


def test_tracking_parameters_and_fragments_are_dropped():
    assert canonical_url("https://Example.COM/a?utm_source=x&id=3&fbclid=z&gclid=1#top") == \
        "https://example.com/a?id=3"
    assert canonical_url("https://ex.com/a?utm_medium=rss&mc_cid=1&_ga=2") == "https://ex.com/a"


def test_default_port_dots_and_relative_links_are_resolved():
    assert canonical_url("HTTP://example.com:80/a/../b/./c.html") == "http://example.com/b/c.html"
    assert canonical_url("../news/x.html?utm_campaign=a", base="https://ex.com/feeds/rss/") == \
        "https://ex.com/feeds/news/x.html"


def test_query_order_does_not_make_two_urls():
    assert canonical_url("https://ex.com/p?b=2&a=1") == canonical_url("https://ex.com/p?a=1&b=2")


@pytest.mark.parametrize("bad", ["ftp://ex.com/x", "javascript:alert(1)", "mailto:a@b.c", "http:///x"])
def test_non_http_urls_are_refused(bad):
    with pytest.raises(BadURL):
        canonical_url(bad)


def test_host_and_origin():
    assert host_of("https://News.Example.com:8443/x") == "news.example.com"
    assert origin_of("https://News.Example.com:8443/x?y") == "https://news.example.com:8443"


def test_a_malformed_ipv6_host_is_a_bad_url_even_with_a_base():
    with pytest.raises(BadURL, match="unparsable"):
        canonical_url("https://[::1", "https://x.example/")
