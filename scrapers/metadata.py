"""Article metadata read straight from the page's markup: title, author, dates, site name,
language, canonical URL. Cheap XPath over the parsed tree, with htmldate as the last resort
for the publication date."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from collections.abc import Callable
from typing import Any

from dateutil import parser as dateparser
from lxml.html import HtmlElement

from .urls import BadURL, canonical_url


@dataclass(frozen=True, slots=True)
class PageMeta:
    title: str | None = None
    author: str | None = None
    published: str | None = None
    site_name: str | None = None
    language: str | None = None
    canonical_url: str | None = None


_PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished",
                   "publishdate", "publish-date", "pubdate", "parsely-pub-date",
                   "sailthru.date", "dc.date.issued", "dc.date", "dcterms.created",
                   "article.published", "date", "og:article:published_time")
_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
                "byl")
_WS = re.compile(r"\s+")
# Zone abbreviations news sites print after times ("10:11 EDT"), in seconds east of UTC.
_TZ = {"UTC": 0, "GMT": 0, "Z": 0, "BST": 3600, "CET": 3600, "CEST": 7200, "EET": 7200,
       "EEST": 10800, "MSK": 10800, "IST": 19800, "CST": -21600, "CDT": -18000,
       "EST": -18000, "EDT": -14400, "MST": -25200, "MDT": -21600, "PST": -28800,
       "PDT": -25200, "JST": 32400, "KST": 32400, "AEST": 36000, "AEDT": 39600}
_LANG = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$", re.I)


def read_meta(tree: HtmlElement, url: str | None = None) -> PageMeta:
    """Everything we can tell about the article from head tags, JSON-LD and the body.

    Sources are tried cheapest first and whole-tree searches only run when the head tags
    and JSON-LD say nothing.
    """
    metas = _meta_index(tree)
    ld = _json_ld(tree)
    site_name = _first(lambda: metas.get("og:site_name"), lambda: metas.get("application-name"),
                       lambda: _ld_name(ld.get("publisher")))
    title = _first(lambda: metas.get("og:title"), lambda: metas.get("twitter:title"),
                   lambda: _ld_text(ld.get("headline")), lambda: _title_tag(tree, site_name),
                   lambda: _h1(tree))
    author = _first(lambda: _ld_name(ld.get("author")),
                    *((lambda k=k: _not_url(metas.get(k))) for k in _AUTHOR_META),
                    lambda: _text_of(tree, '//*[@rel="author" or @itemprop="author"]'))
    published = _first(*((lambda k=k: _date(metas.get(k))) for k in _PUBLISHED_META),
                       lambda: _date(_ld_text(ld.get("datePublished"))),
                       lambda: _date(_attr(tree, '//*[@itemprop="datePublished"]/@content'
                                           ' | //*[@itemprop="datePublished"]/@datetime')),
                       lambda: _date(_attr(tree, "//article//time/@datetime"
                                           " | //time[@pubdate]/@datetime")),
                       lambda: _htmldate(tree))
    language = _language(_first(lambda: tree.get("lang"), lambda: tree.get("xml:lang"),
                                lambda: metas.get("content-language"),
                                lambda: metas.get("og:locale"),
                                lambda: _ld_text(ld.get("inLanguage"))))
    canonical = _first(lambda: _attr(tree, '//head/link[@rel="canonical"]/@href'),
                       lambda: metas.get("og:url"))
    if canonical:
        try:
            canonical = canonical_url(canonical, base=url)
        except BadURL:
            canonical = None
    return PageMeta(title=_clip(title, 500), author=_clip(author, 200), published=published,
                    site_name=_clip(site_name, 200), language=language,
                    canonical_url=canonical)


def _meta_index(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.iterfind(".//meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop")
               or node.get("http-equiv") or "").strip().lower()
        content = node.get("content")
        if key and content and content.strip() and key not in found:
            found[key] = _WS.sub(" ", content).strip()
    return found


def _json_ld(tree: HtmlElement) -> dict[str, Any]:
    """The first JSON-LD object that looks like an article (NewsArticle, Article...)."""
    fallback: dict[str, Any] = {}
    for node in tree.iterfind('.//script[@type="application/ld+json"]'):
        try:
            data = json.loads(node.text or "")
        except (ValueError, TypeError):
            continue
        for item in _ld_items(data):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and k.endswith("Article") or k == "BlogPosting"
                   for k in kinds):
                return item
            if not fallback and ("datePublished" in item or "headline" in item):
                fallback = item
    return fallback


def _ld_items(data: Any):
    if isinstance(data, list):
        for d in data:
            yield from _ld_items(d)
    elif isinstance(data, dict):
        yield data
        if isinstance(data.get("@graph"), list):
            yield from _ld_items(data["@graph"])


def _ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_ld_name(v) for v in value) if n]
        return ", ".join(names) if names else None
    if isinstance(value, dict):
        return _ld_text(value.get("name"))
    return _not_url(_ld_text(value))


def _first(*getters: Callable[[], str | None]) -> str | None:
    for get in getters:
        value = get()
        if value:
            return value
    return None


def _not_url(value: str | None) -> str | None:
    return None if not value or value.startswith(("http://", "https://")) else value


def _attr(tree: HtmlElement, xpath: str) -> str | None:
    found = tree.xpath(xpath)
    return str(found[0]).strip() if found else None


def _text_of(tree: HtmlElement, xpath: str) -> str | None:
    found = tree.xpath(xpath)
    if not found:
        return None
    text = _WS.sub(" ", found[0].text_content()).strip()
    return text if 0 < len(text) < 100 else None


def _title_tag(tree: HtmlElement, site_name: str | None) -> str | None:
    node = tree.find(".//title")
    if node is None:
        return None
    title = _WS.sub(" ", node.text_content()).strip()
    # "Headline | Site" / "Headline - Site": keep the longest part unless it is the site.
    parts = [p.strip() for p in re.split(r"\s+[|\-–—:]\s+", title) if p.strip()]
    if len(parts) > 1:
        parts = [p for p in parts if not site_name or p.lower() != site_name.lower()] or parts
        title = max(parts, key=len)
    return title or None


def _h1(tree: HtmlElement) -> str | None:
    return _text_of(tree, "//h1")


def _date(value: str | None) -> str | None:
    """ISO date or datetime, as precise as the source gives it."""
    if not value:
        return None
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return datetime.fromisoformat(value).date().isoformat()
        parsed = dateparser.parse(value, fuzzy=False, tzinfos=_TZ)
    except (ValueError, OverflowError, TypeError):
        return None
    if not 1990 <= parsed.year <= 2100:
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", value))
    return parsed.isoformat() if has_time else parsed.date().isoformat()


def _htmldate(tree: HtmlElement) -> str | None:
    try:
        from htmldate import find_date

        # Fast search only: the extensive one reads every date-like string of the page.
        found = find_date(tree, extensive_search=False, original_date=True)
    except Exception:  # htmldate raises assorted errors on odd markup
        return None
    return found or None


def _language(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().split(",")[0].strip()
    if not _LANG.match(value):
        return None
    return value.replace("_", "-").split("-")[0].lower()


def _clip(value: str | None, limit: int) -> str | None:
    return value[:limit] if value else value
