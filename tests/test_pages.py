"""One page's CPU-bound work: article, simhash and letters, with letter trouble contained."""

import hashlib
import zlib

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


def test_the_page_is_packed_for_the_store_where_it_is_extracted():
    body = seed_page(seeds()[0]).encode("utf-8")
    work = process_page(body, "https://e.com/x", "text/html; charset=utf-8", pack=True)
    assert work.page is not None and work.page.size == len(body)
    assert work.page.sha256 == hashlib.sha256(body).hexdigest()
    assert zlib.decompress(work.page.packed) == body
    assert work.charset == "utf-8"
    assert [stage for stage, _ in work.timings] == ["text", "letters"]
    assert all(seconds > 0 for _, seconds in work.timings)
    assert process_page(body, "https://e.com/x").page is None  # only when asked


def test_a_page_without_an_article_still_says_its_charset_and_text_time():
    work = process_page("<html><body><p>Привет</p></body></html>".encode("cp1251"),
                        "https://e.com/x", "text/html; charset=windows-1251", pack=True)
    assert work.article is None and work.charset == "cp1251" and work.page is not None
    assert [stage for stage, _ in work.timings] == ["text"]


def test_an_extractor_that_raises_gives_extraction_failed_which_crosses_processes(monkeypatch):
    import pickle

    import pytest

    from scrapers import pages

    def broken(*args, **kwargs):
        raise TypeError("bare_extraction() got an unexpected keyword argument 'fast'")

    monkeypatch.setattr(pages, "extract_article", broken)
    with pytest.raises(pages.ExtractionFailed) as caught:
        pages.process_page(b"<html><body><p>text</p></body></html>", "https://x.example/a")
    assert str(caught.value) == "TypeError: bare_extraction() got an unexpected keyword " \
        "argument 'fast'"
    assert isinstance(caught.value.__cause__, TypeError)
    # What an extraction worker process sends back to the crawl arrives whole.
    assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)


def test_packed_pages_are_plain_zlib_whatever_compressor_packed_them():
    # Pages packed by ISA-L (or zlib where it has no wheel) are read back with zlib.
    from store.base import pack_page

    for body in (b"", b"\x00\xff" * 70_000, seed_page(seeds()[0]).encode("utf-8") * 20):
        page = pack_page(body)
        assert zlib.decompress(page.packed) == body and page.size == len(body)
        assert len(page.packed) < max(64, len(body) // 2) or body[:2] == b"\x00\xff"
