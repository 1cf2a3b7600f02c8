"""Page metadata from head tags, JSON-LD and the body, as precise as the page gives it."""

import pytest
from trafilatura.utils import load_html

from scrapers.metadata import read_meta


def meta_of(head: str, body: str = "<p>x</p>", lang: str = ""):
    return read_meta(load_html(f"<html{lang}><head>{head}</head><body>{body}</body></html>"),
                     "https://example.com/story")


def test_json_ld_gives_headline_date_author_and_publisher():
    meta = meta_of('<title>x | Site</title><script type="application/ld+json">{"@context": '
                   '"https://schema.org", "@graph": [{"@type": "WebPage"}, {"@type": '
                   '"NewsArticle", "headline": "From JSON-LD", "datePublished": "2019-08-09", '
                   '"author": [{"@type": "Person", "name": "A. Writer"}, {"name": "B. Writer"}], '
                   '"publisher": {"@type": "Organization", "name": "LD Times"}}]}</script>')
    assert (meta.title, meta.published, meta.author, meta.site_name) == (
        "From JSON-LD", "2019-08-09", "A. Writer, B. Writer", "LD Times")


def test_title_tag_loses_the_site_name():
    assert meta_of("<title>Kim writes to Xi | The Daily Example</title>"
                   '<meta property="og:site_name" content="The Daily Example">').title == \
        "Kim writes to Xi"


@pytest.mark.parametrize("value,expected", [
    ("2019-09-16T10:11:00Z", "2019-09-16T10:11:00+00:00"),
    ("Monday 16 September 2019 10:11 EDT", "2019-09-16T10:11:00-04:00"),
    ("2019-09-16", "2019-09-16"),
    ("16 September 2019", "2019-09-16"),
    ("not a date", None),
])
def test_publication_dates_keep_their_precision(value, expected):
    head = f'<meta property="article:published_time" content="{value}">'
    assert meta_of(head).published == expected


def test_language_canonical_and_author_fallbacks():
    meta = meta_of('<link rel="canonical" href="/story?utm_source=x">'
                   '<meta name="author" content="https://example.com/staff/jane">',
                   body='<p>By <a rel="author" href="/jane">Jane Reporter</a></p>',
                   lang=' lang="en_GB"')
    assert meta.language == "en" and meta.canonical_url == "https://example.com/story"
    assert meta.author == "Jane Reporter"  # a profile URL is not a name


def test_a_date_in_the_body_is_found_when_the_head_has_none():
    body = '<article><time datetime="2023-09-20T08:30:00+09:00">20 Sept</time><p>x</p></article>'
    assert meta_of("", body).published == "2023-09-20T08:30:00+09:00"
