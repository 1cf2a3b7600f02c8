"""Every fact letterwatch records, one immutable type each.

Streams: ``source-<source_id>`` for a source's life and polls, ``page-<url_key>`` for the fetches
of one URL, ``article-<article_id>`` for what was extracted from it, ``watch-<watch_id>`` for
watch-lists and their deliveries.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .base import Event
from .registry import register, upcaster


def url_key(url: str) -> str:
    """Stable short key of a (canonical) URL, used for stream names and article ids."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:20]


# --- sources -------------------------------------------------------------------------------


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class SourceAdded(Event):
    """A news source to poll: an RSS/Atom feed, a news sitemap, a URL list or a site's home page."""

    TYPE: ClassVar[str] = "SourceAdded"
    VERSION: ClassVar[int] = 2
    source_id: str
    url: str
    kind: str  # "feed" | "sitemap" | "urls" | "site"
    interval_seconds: int = 3600
    enabled: bool = True
    name: str | None = None
    may_change: bool = False  # pages may be updated after publication: refetch known URLs


@upcaster("SourceAdded", 1)
def _source_added_v1(data: dict[str, Any]) -> dict[str, Any]:
    # v1 counted the interval in minutes and had no enabled flag: every source was on.
    data = dict(data)
    data["interval_seconds"] = int(data.pop("interval_minutes", 60)) * 60
    data.setdefault("enabled", True)
    return data


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class SourceChanged(Event):
    """Some settings of a source changed; ``changes`` holds only the new values."""

    TYPE: ClassVar[str] = "SourceChanged"
    source_id: str
    changes: dict[str, Any] = field(default_factory=dict)


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRemoved(Event):
    TYPE: ClassVar[str] = "SourceRemoved"
    source_id: str


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class FeedPolled(Event):
    """A source's listing (feed, sitemap, URL list) was read: how many entries, which are new."""

    TYPE: ClassVar[str] = "FeedPolled"
    source_id: str
    url: str
    status: int
    entries_seen: int
    new_urls: tuple[str, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


# --- fetching ------------------------------------------------------------------------------


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class PageFetched(Event):
    """A page was downloaded; its raw body is stored once under ``body_sha256``."""

    TYPE: ClassVar[str] = "PageFetched"
    url: str
    final_url: str
    status: int
    body_sha256: str
    size: int
    content_type: str | None = None
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    source_id: str | None = None
    elapsed_ms: int = 0
    # A page read from a web archive, not fetched: when the archive captured it (what the
    # articles projection takes as the fetch time), the archive file or URL, the record's
    # offset in it and its WARC-Record-ID. None for a page fetched by a crawl.
    fetched_at: str | None = None
    archive: str | None = None
    archive_offset: int | None = None
    archive_record_id: str | None = None


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class PageNotModified(Event):
    """A conditional GET answered 304: the stored copy stands."""

    TYPE: ClassVar[str] = "PageNotModified"
    url: str
    source_id: str | None = None


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class FetchFailed(Event):
    """A fetch failed; ``reason`` is a class (timeout, http_5xx, http_404, robots, too_large...)."""

    TYPE: ClassVar[str] = "FetchFailed"
    url: str
    reason: str
    detail: str = ""
    status: int | None = None
    attempt: int = 1
    permanent: bool = False
    retry_at: str | None = None  # ISO time of the next try, None when permanent
    source_id: str | None = None


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class PageSkipped(Event):
    """A URL was deliberately not extracted (not HTML, duplicate URL, disallowed...)."""

    TYPE: ClassVar[str] = "PageSkipped"
    url: str
    reason: str
    detail: str = ""
    source_id: str | None = None


# --- extraction ----------------------------------------------------------------------------


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleExtracted(Event):
    """Clean text and metadata of one article, as one version of the text extractor saw it."""

    TYPE: ClassVar[str] = "ArticleExtracted"
    article_id: str
    url: str
    text: str
    extractor_version: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date or datetime, as precise as the page says
    site_name: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    body_sha256: str | None = None
    simhash: str | None = None  # 64-bit similarity hash, hex
    duplicate_of: str | None = None  # article_id of the first copy of a syndicated story
    source_id: str | None = None


# What an article can say of a letter; the extractor's default output keeps the first two.
LETTER_STATUSES = ("reported", "claimed", "denied", "planned")
PARTY_TYPES = ("person", "organisation")


@dataclass(frozen=True, slots=True)
class Finding:
    """One letter an article reports, as the correspondence extractor read it."""

    sender: str
    recipient: str
    kind: str
    date: str | None
    via: str | None
    evidence: str
    start: int = -1
    end: int = -1
    confidence: float = 1.0
    reply_to: int | None = None  # index, in the same finding list, of the letter this answers
    # What the article says of the letter: "reported" (as sent), "claimed" (one side says so),
    # "denied" or "planned". Findings logged before the field existed read as "reported".
    status: str = "reported"
    # "person" or "organisation" (a party, a committee, a government, students...).
    sender_type: str = "person"
    recipient_type: str = "person"

    def as_dict(self) -> dict[str, Any]:
        return {s: getattr(self, s) for s in self.__slots__}


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class LettersExtracted(Event):
    """The letters one version of the correspondence extractor found in one article.

    A newer extractor version's findings replace an older one's in the projections; both
    stay in the log.
    """

    TYPE: ClassVar[str] = "LettersExtracted"
    article_id: str
    extractor_version: str
    letters: tuple[Finding, ...] = ()

    def data(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "extractor_version": self.extractor_version,
            "letters": [f.as_dict() for f in self.letters],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any], **meta: Any) -> LettersExtracted:
        letters = tuple(Finding(**f) for f in data.get("letters", ()))
        return cls(
            article_id=data["article_id"],
            extractor_version=data["extractor_version"],
            letters=letters,
            **meta,
        )


# --- watch-lists ---------------------------------------------------------------------------


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class WatchAdded(Event):
    """A webhook to call for each new letter involving a person, or between a pair.

    The webhook's URL and signing secret are ``sealed`` (service.sealing) with a key the log
    never holds. Version 1 held both in clear: its upcaster moves them to ``legacy_url`` and
    ``legacy_secret``, which deliveries still use and no view of the log shows, until the
    watch's secret is rotated (``WatchResealed``).
    """

    TYPE: ClassVar[str] = "WatchAdded"
    VERSION: ClassVar[int] = 2
    PRIVATE: ClassVar[tuple[str, ...]] = ("sealed", "legacy_url", "legacy_secret")
    watch_id: str
    person: str | None = None
    sender: str | None = None
    recipient: str | None = None
    sealed: str = ""
    legacy_url: str = ""
    legacy_secret: str = ""


@upcaster("WatchAdded", 1)
def _watch_added_v1(data: dict[str, Any]) -> dict[str, Any]:
    # v1 held the URL and the secret in clear: kept for deliveries, hidden from every view.
    data = dict(data)
    data["legacy_url"] = data.pop("url", "")
    data["legacy_secret"] = data.pop("secret", "")
    data.setdefault("sealed", "")
    return data


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class WatchResealed(Event):
    """A watch's URL and secret sealed anew: a rotated secret, or the same under a new key."""

    TYPE: ClassVar[str] = "WatchResealed"
    PRIVATE: ClassVar[tuple[str, ...]] = ("sealed",)
    watch_id: str
    sealed: str


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class WatchRemoved(Event):
    TYPE: ClassVar[str] = "WatchRemoved"
    watch_id: str


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookDelivered(Event):
    """One attempt to deliver a letter to a watch's webhook, and how it went."""

    TYPE: ClassVar[str] = "WebhookDelivered"
    watch_id: str
    letter_id: str
    status: int | None
    ok: bool
    attempt: int = 1
    detail: str = ""


# --- access --------------------------------------------------------------------------------


@register
@dataclass(frozen=True, slots=True, kw_only=True)
class LoginsRevoked(Event):
    """Every browser signed in before this event is signed out (stream ``logins``)."""

    TYPE: ClassVar[str] = "LoginsRevoked"
    reason: str = ""
