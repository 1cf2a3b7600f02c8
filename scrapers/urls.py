"""Canonical URLs: one spelling per page, so a story is fetched and stored once."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from courlan import normalize_url

_SCHEMES = ("http", "https")
# courlan drops the common trackers; these are the ones news links carry that it keeps.
_EXTRA_TRACKERS = re.compile(
    r"^(utm_\w+|mc_cid|mc_eid|_ga|_gl|igshid|ocid|cmpid|ito|at_medium|at_campaign|"
    r"dicbo|smid|ncid|sr_share|share|s_cid|__twitter_impression)$",
    re.I,
)


class BadURL(ValueError):
    """A URL we cannot or will not fetch (not http(s), no host, unparsable)."""


def canonical_url(url: str, base: str | None = None) -> str:
    """The canonical form of ``url`` (resolved against ``base`` if relative).

    Scheme and host lower-cased, default port, fragment and tracking parameters dropped,
    dot segments resolved, query parameters sorted.
    """
    raw = (url or "").strip()
    try:
        if base:
            raw = urljoin(base, raw)  # raises too, on a malformed IPv6 host
        parts = urlsplit(raw)
    except ValueError as exc:
        raise BadURL(f"unparsable URL {url!r}: {exc}") from None
    if parts.scheme.lower() not in _SCHEMES:
        raise BadURL(f"not an http(s) URL: {url!r}")
    if not parts.hostname:
        raise BadURL(f"URL has no host: {url!r}")
    path = _resolve_dots(parts.path)
    query = "&".join(p for p in parts.query.split("&")
                     if p and not _EXTRA_TRACKERS.match(p.split("=", 1)[0]))
    cleaned = urlunsplit((parts.scheme, parts.netloc, path, query, ""))
    try:
        normal = normalize_url(cleaned)
    except Exception as exc:  # courlan raises several types on odd input
        raise BadURL(f"cannot normalise URL {url!r}: {exc}") from None
    return normal.split("#", 1)[0]


def _resolve_dots(path: str) -> str:
    if "/." not in path:
        return path or "/"
    trailing = path.endswith("/")
    resolved = posixpath.normpath(path)
    if resolved.startswith("//"):
        resolved = "/" + resolved.lstrip("/")
    return resolved + ("/" if trailing and resolved != "/" else "")


def host_of(url: str) -> str:
    """The lower-cased host name of a URL ("" when it has none)."""
    return (urlsplit(url).hostname or "").lower()


def origin_of(url: str) -> str:
    """scheme://host[:port] — the unit robots.txt and politeness apply to."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
