"""The extraction of one archived page, run in the crawl's extraction workers: the letters
pre-check on the page's words first, when asked, then the crawl's own page processing."""

from __future__ import annotations

from ..bodies import decode_text
from ..pages import PageWork, process_page
from .filters import page_words


def archived_page(body: bytes, url: str, content_type: str | None,
                  letters_only: bool) -> PageWork | None:
    """The page's work as a crawl does it; None when ``letters_only`` and no word of the
    page may report a letter (nothing is extracted then)."""
    if letters_only:
        from scrapers.letters.extract import may_report_letters

        text, _ = decode_text(body, content_type)
        if not may_report_letters(page_words(text)):
            return None
    return process_page(body, url, content_type, True, True)
