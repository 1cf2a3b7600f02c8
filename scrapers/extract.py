"""Text extraction: the article's main text and metadata from a page's HTML.

trafilatura finds the main text (its own algorithm only, which on news pages is as good as
with its readability/jusText comparison and much faster; the full comparison is the fallback
when that finds nearly nothing); the metadata comes from the page's markup; a clean-up pass
then removes the residue news pages leave in the body.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from .bodies import decode_text
from .cleanup import clean_text
from .metadata import read_meta

# Bump when a change to extraction or clean-up changes what is extracted: stored pages are
# re-extracted (``letterwatch reextract``) and the new version's text replaces the old.
EXTRACTOR_VERSION = "1.1.0"

MIN_WORDS = 5
MIN_FAST_CHARS = 250  # below this the fast pass probably missed the article


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """Clean text and metadata of one page."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    site_name: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    charset: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def extract_article(html: bytes | str, *, url: str | None = None,
                    content_type: str | None = None,
                    charset: str | None = None) -> ExtractedArticle | None:
    """The article in ``html`` (raw bytes are decoded in the page's charset; text comes with
    the ``charset`` it was decoded from, if any), or None when the page holds no article."""
    if isinstance(html, bytes):
        html, charset = decode_text(html, content_type)
    tree = load_html(html)
    if tree is None:
        return None
    meta = read_meta(tree, url)  # before trafilatura, which prunes the tree it is given
    _strip_inert(tree)
    text = _main_text(tree, url, fast=True)
    if len(text) < MIN_FAST_CHARS:
        fresh = load_html(html)
        fallback = _main_text(fresh, url, fast=False) if fresh is not None else ""
        if len(fallback) > len(text):
            text = fallback
    text = clean_text(text, title=meta.title)
    if len(text.split()) < MIN_WORDS:
        return None  # a menu item or a caption, not an article
    return ExtractedArticle(text=text, title=meta.title, author=meta.author,
                            published=meta.published, site_name=meta.site_name,
                            language=meta.language, canonical_url=meta.canonical_url,
                            charset=charset)


# Elements that never hold article text; dropping them up front (in C) makes every one of
# trafilatura's tree passes cheaper, and it would discard them anyway.
_INERT = ("script", "style", "noscript", "svg", "iframe", "template", "link", "meta", "button",
          "select", "input", "textarea", "canvas", "video", "audio", "picture", "source", "map",
          "object", "embed")


def _strip_inert(tree) -> None:
    etree.strip_elements(tree, *_INERT, with_tail=False)
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, with_tail=False)


def _main_text(tree, url: str | None, *, fast: bool) -> str:
    # No ``except`` here: a page that makes trafilatura raise is recorded as an extraction
    # failure with its reason (by the crawl), not mistaken for a page without an article.
    doc = trafilatura.bare_extraction(
        tree, url=url, fast=fast, include_comments=False,
        include_tables=True, with_metadata=False, deduplicate=False)
    return (doc.text or "") if doc is not None else ""
