"""Text extraction on realistic pages: the article and its metadata, none of the chrome."""

import gzip
import json

import pytest
from sites import AEB, news_page, seed_page, seeds

from scrapers.extract import EXTRACTOR_VERSION, extract_article
from scrapers.metadata import read_meta
from trafilatura.utils import load_html

CHROME = ["Markets rally as central bank", "Get our morning briefing", "Great article, thanks",
          "Privacy policy", "All rights reserved", "Share this article", "Advertisement"]


@pytest.mark.parametrize("seed", seeds(), ids=lambda s: s["id"])
def test_seed_pages_in_page_chrome_give_the_story_only(seed):
    article = extract_article(seed_page(seed).encode("utf-8"), url="https://example.com/a")
    assert article is not None
    text = " ".join(article.text.split())
    for letter in seed["letters"]:
        assert " ".join(letter["evidence"].split()) in text
    for junk in CHROME + ["FacebookTwitterWhatsappLinkedin", "icon bookmark", "READ MORE",
                          "Like this story", "Your donation allows us", "KCNA/Reuters"]:
        assert junk not in article.text, junk
    assert article.title == seed["title"] and article.site_name == "The Daily Example"
    assert article.language == "en" and article.author == "Jane Reporter"


def test_metadata_comes_from_head_tags_and_json_ld():
    html = news_page("Kim writes to Xi", "<p>" + "Kim wrote to Xi about cooperation. " * 20 + "</p>",
                     published="2023-09-20T08:30:00+09:00", lang="en-GB",
                     canonical="https://example.com/kim-xi?utm_source=feed")
    article = extract_article(html, url="https://example.com/kim-xi")
    assert article.published == "2023-09-20T08:30:00+09:00"
    assert article.canonical_url == "https://example.com/kim-xi"
    assert article.language == "en" and article.charset is None
    ld = ('<html><head><title>x | Site</title><script type="application/ld+json">{"@context": '
          '"https://schema.org", "@type": "NewsArticle", "headline": "From JSON-LD", '
          '"datePublished": "2019-08-09", "author": [{"@type": "Person", "name": "A. Writer"}], '
          '"publisher": {"@type": "Organization", "name": "LD Times"}}</script></head>'
          '<body><p>x</p></body></html>')
    meta = read_meta(load_html(ld))
    assert (meta.title, meta.published, meta.author, meta.site_name) == (
        "From JSON-LD", "2019-08-09", "A. Writer", "LD Times")


def test_bytes_are_decoded_in_the_pages_charset():
    body = news_page("Письмо", "<p>" + "Путин получил письмо от Ким Чен Ына. " * 10 + "</p>",
                     lang="ru", charset="windows-1251").encode("cp1251")
    article = extract_article(body, content_type="text/html")
    assert "Путин получил письмо" in article.text and article.charset == "cp1251"


def test_a_page_without_an_article_gives_none():
    assert extract_article(b"<html><body><nav><a href='/'>Home</a></nav></body></html>") is None


def test_benchmark_pages_keep_their_article_body():
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth)[:5]:
        html = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes())
        article = extract_article(html, url=truth[key]["url"])
        first_sentence = truth[key]["articleBody"].split("\n")[0][:60]
        assert first_sentence.split()[0] in article.text


def test_the_version_is_a_dotted_number():
    assert all(part.isdigit() for part in EXTRACTOR_VERSION.split("."))
