"""One page's CPU-bound work: article, simhash and letters, with letter trouble contained."""

from sites import seed_page, seeds

import scrapers.pages
from scrapers.pages import process_page


def test_a_page_gives_its_article_simhash_and_letters():
    seed = next(s for s in seeds() if s["id"] == "s01")
    work = process_page(seed_page(seed).encode(), "https://example.com/s01")
    assert "Sarah Sanders" in work.article.text and work.simhash is not None
    from scrapers.letters import EXTRACTOR_VERSION

    assert work.letters_version == EXTRACTOR_VERSION and work.letters_error is None
    assert {"sender", "recipient", "kind", "evidence", "reply_to"} <= set(work.letters[0])


def test_letters_can_be_left_out():
    work = process_page(seed_page(seeds()[0]).encode(), "https://e.com/x", with_letters=False)
    assert work.article is not None and work.letters is None and work.letters_version is None


def test_a_failing_letters_extractor_leaves_the_article(monkeypatch):
    def broken(text, *, title=None, published=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(scrapers.pages, "letters_extractor", lambda: (broken, "9.9"))
    work = process_page(seed_page(seeds()[0]).encode(), "https://e.com/x")
    assert work.article is not None and work.letters is None
    assert work.letters_error == "RuntimeError: boom" and work.letters_version == "9.9"


def test_a_page_without_text_has_no_article():
    assert process_page(b"<html><body></body></html>", "https://e.com/x").article is None
