"""Reading a source's listing: RSS/Atom feeds, news sitemaps and sitemap indexes, plain URL
lists, and the feeds a home page advertises. Each yields the article URLs it names."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser
import lxml.etree as etree
import lxml.html

from .bodies import DecodeError, TooLarge, decode_text, inflate_capped
from .urls import BadURL, canonical_url

MAX_LISTING_BYTES = 50_000_000  # a sitemap may hold 50 000 URLs in up to 50 MB

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
               "application/feed+json", "application/xml", "text/xml")


class BadListing(ValueError):
    """The listing is not a feed, sitemap or URL list we can read."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One URL a listing names, with the dates it gives (ISO strings, None when absent)."""

    url: str
    published: str | None = None
    lastmod: str | None = None
    title: str | None = None


@dataclass(slots=True)
class Listing:
    """What a listing holds: article entries, and for a sitemap index, child sitemaps."""

    kind: str  # "feed" | "sitemap" | "sitemapindex" | "urls"
    entries: list[Entry] = field(default_factory=list)
    sitemaps: list[Entry] = field(default_factory=list)


def parse_listing(body: bytes, url: str, kind: str, content_type: str | None = None) -> Listing:
    """Parse a fetched listing; a source declared as a feed may turn out to be a sitemap (and
    the other way round), so the body decides."""
    if body[:2] == b"\x1f\x8b":  # sitemap.xml.gz served as a file, not a Content-Encoding
        try:
            body = inflate_capped(body, MAX_LISTING_BYTES)
        except (TooLarge, DecodeError) as exc:
            raise BadListing(f"compressed listing unreadable: {exc}") from None
    if kind == "urls":
        text, _ = decode_text(body, content_type)
        return Listing("urls", parse_url_list(text, url))
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return parse_sitemap(body, url)
    return Listing("feed", parse_feed(body, url))


def parse_feed(body: bytes, url: str) -> list[Entry]:
    """Entries of an RSS 0.9x/1.0/2.0 or Atom feed (feedparser; it never fetches anything)."""
    parsed = feedparser.parse(body, response_headers={"content-location": url},
                              sanitize_html=False, resolve_relative_uris=False)
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise BadListing(f"not an RSS or Atom feed: {problem or 'no feed elements'}")
    entries: list[Entry] = []
    for item in parsed.entries:
        link = item.get("link") or _first_alternate(item) or item.get("id")
        if not link:
            continue
        try:
            entry_url = canonical_url(link, base=url)
        except BadURL:
            continue
        # dict.get: feedparser's own get() maps "updated" to "published" with a warning.
        updated = _struct_iso(dict.get(item, "updated_parsed"))
        published = _struct_iso(dict.get(item, "published_parsed")) or updated
        entries.append(Entry(entry_url, published=published, lastmod=updated or published,
                             title=(item.get("title") or None)))
    return _unique(entries)


def _first_alternate(item) -> str | None:
    for link in item.get("links", ()):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _struct_iso(value: time.struct_time | None) -> str | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC).isoformat()
    except (TypeError, ValueError):
        return None


_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                              remove_comments=True, remove_pis=True)


def parse_sitemap(body: bytes, url: str) -> Listing:
    """A sitemap (with ``lastmod`` and ``news:publication_date``) or a sitemap index."""
    try:
        root = etree.fromstring(body, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise BadListing(f"sitemap is not well-formed XML: {exc}") from None
    name = etree.QName(root).localname
    if name not in ("urlset", "sitemapindex"):
        raise BadListing(f"not a sitemap: root element <{name}>")
    listing = Listing("sitemapindex" if name == "sitemapindex" else "sitemap")
    child_tag = "sitemap" if name == "sitemapindex" else "url"
    for node in root:
        if not isinstance(node.tag, str) or etree.QName(node).localname != child_tag:
            continue
        fields = _children_text(node)
        loc = fields.get("loc")
        if not loc:
            continue
        try:
            entry_url = canonical_url(loc, base=url)
        except BadURL:
            continue
        entry = Entry(entry_url, published=_iso(fields.get("publication_date")),
                      lastmod=_iso(fields.get("lastmod")), title=fields.get("title"))
        (listing.sitemaps if child_tag == "sitemap" else listing.entries).append(entry)
    listing.entries = _unique(listing.entries)
    return listing


def _children_text(node: etree._Element) -> dict[str, str]:
    """Local name -> text of every descendant (news:news/news:publication_date included)."""
    out: dict[str, str] = {}
    for child in node.iter():
        if child is node or not isinstance(child.tag, str):
            continue
        text = (child.text or "").strip()
        if text:
            out.setdefault(etree.QName(child).localname, text)
    return out


def _iso(value: str | None) -> str | None:
    """W3C datetime as given ("2024-05-01" or with a time); None when unparsable."""
    if not value:
        return None
    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat() \
            if "T" in value else datetime.fromisoformat(value).date().isoformat()
    except ValueError:
        return None


_URL_LINE = re.compile(r"^\s*(\S+)")


def parse_url_list(text: str, url: str) -> list[Entry]:
    """One URL a line (absolute, or a path on the list's host); blank lines, ``#`` comments
    and anything else skipped."""
    entries: list[Entry] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _URL_LINE.match(line)
        if not match or not match.group(1).lower().startswith(("http://", "https://", "/")):
            continue  # a stray word, not a link
        try:
            entries.append(Entry(canonical_url(match.group(1), base=url)))
        except (BadURL, AttributeError):
            continue
    if not entries and text.strip() and "<" in text[:200]:
        raise BadListing("expected one URL a line, got markup")
    return _unique(entries)


def discover_feeds(html: bytes, url: str, content_type: str | None = None) -> list[str]:
    """Feed URLs a page advertises with ``<link rel="alternate" type="...rss/atom...">``."""
    text, _ = decode_text(html, content_type)
    try:
        doc = lxml.html.document_fromstring(text.encode("utf-8", "replace"),
                                            parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return []
    found: list[str] = []
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = link.get("href")
        if "alternate" in rels and kind in _FEED_TYPES and href:
            try:
                feed = canonical_url(href, base=url)
            except BadURL:
                continue
            if feed not in found:
                found.append(feed)
    return found


def _unique(entries: list[Entry]) -> list[Entry]:
    seen: set[str] = set()
    out = []
    for e in entries:
        if e.url not in seen:
            seen.add(e.url)
            out.append(e)
    return out
