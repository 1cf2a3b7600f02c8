"""The CPU-bound work on one fetched page — text extraction, simhash, letters — as one
picklable function, run inline or in worker processes."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from store.base import PackedPage, pack_page

from .bodies import decode_text
from .extract import ExtractedArticle, extract_article
from .simhash import simhash

log = logging.getLogger(__name__)


class ExtractionFailed(Exception):
    """The text extractor raised on a page. The message is the original exception's type and
    text (it crosses from an extraction worker process intact); the page is recorded as an
    ``extraction_error``, never as a page without an article."""


@dataclass(frozen=True, slots=True)
class PageWork:
    """What the page holds: the article (None if none), its simhash and the letters found.

    ``letters`` is None when letter extraction did not run (extractor not installed, or it
    failed — ``letters_error`` says how); the article is recorded anyway and
    ``reextract_letters`` fills the gap later. ``page`` is the raw page packed for the store
    when asked for, ``charset`` the one the page was read in, ``timings`` the seconds each
    stage ("text", "letters") took where the work ran.
    """

    article: ExtractedArticle | None
    simhash: int | None = None
    letters: tuple[dict[str, Any], ...] | None = None
    letters_version: str | None = None
    letters_error: str | None = None
    page: PackedPage | None = None
    charset: str | None = None
    timings: tuple[tuple[str, float], ...] = ()


def process_page(body: bytes, url: str, content_type: str | None = None,
                 with_letters: bool = True, pack: bool = False) -> PageWork:
    """Extract the article in ``body`` and, if asked, the letters it reports; with ``pack``
    also hash and compress the body, so the process that stores it only writes bytes."""
    started = time.perf_counter()
    text, charset = decode_text(body, content_type)  # once, for the article and the event
    try:
        article = extract_article(text, url=url, charset=charset)
    except Exception as exc:
        raise ExtractionFailed(f"{type(exc).__name__}: {exc}") from exc
    timings = [("text", time.perf_counter() - started)]
    page = pack_page(body) if pack else None
    if article is None:
        return PageWork(None, page=page, charset=charset, timings=tuple(timings))
    letters, version, error = None, None, None
    if with_letters:
        started = time.perf_counter()
        letters, version, error = find_letters(article.text, article.title, article.published)
        timings.append(("letters", time.perf_counter() - started))
    return PageWork(article, simhash(article.text), letters, version, error, page, charset,
                    tuple(timings))


def letters_extractor() -> tuple[Any, str] | None:
    """(extract_letters, EXTRACTOR_VERSION) of the correspondence extractor, if installed."""
    try:
        from scrapers.letters import EXTRACTOR_VERSION, extract_letters
    except ImportError:
        return None
    return extract_letters, EXTRACTOR_VERSION


def find_letters(text: str, title: str | None, published: str | None
                 ) -> tuple[tuple[dict[str, Any], ...] | None, str | None, str | None]:
    """(letters as dicts, extractor version, error); letters None when none could be read."""
    found = letters_extractor()
    if found is None:
        return None, None, "correspondence extractor not installed"
    extract_letters, version = found
    try:
        letters = extract_letters(text, title=title, published=published)
    except Exception as exc:  # one bad article must not stop a crawl
        log.exception("letter extraction failed")
        return None, version, f"{type(exc).__name__}: {exc}"
    return tuple(f.as_dict() for f in letters), version, None
