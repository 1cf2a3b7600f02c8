"""The CPU-bound work on one fetched page — text extraction, simhash, letters — as one
picklable function, run inline or in worker processes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from .extract import ExtractedArticle, extract_article
from .simhash import simhash

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageWork:
    """What the page holds: the article (None if none), its simhash and the letters found.

    ``letters`` is None when letter extraction did not run (extractor not installed, or it
    failed — ``letters_error`` says how); the article is recorded anyway and
    ``reextract_letters`` fills the gap later.
    """

    article: ExtractedArticle | None
    simhash: int | None = None
    letters: tuple[dict[str, Any], ...] | None = None
    letters_version: str | None = None
    letters_error: str | None = None


def process_page(body: bytes, url: str, content_type: str | None = None,
                 with_letters: bool = True) -> PageWork:
    """Extract the article in ``body`` and, if asked, the letters it reports."""
    article = extract_article(body, url=url, content_type=content_type)
    if article is None:
        return PageWork(None)
    letters, version, error = (find_letters(article.text, article.title, article.published)
                               if with_letters else (None, None, None))
    return PageWork(article, simhash(article.text), letters, version, error)


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
