"""Which archive records are worth extracting: hosts, a date range, a language, and whether
the page may report a letter at all. The cheap tests run on a record's headers, before its
payload is read; the letters pre-check runs in the extraction workers."""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from urllib.parse import urlsplit

# ISO 639-2/3 codes Common Crawl's language identification writes, for the languages whose
# news most often reports leaders' letters; a two-letter code compares as itself.
_THREE_LETTER = {
    "eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es",
    "por": "pt", "ita": "it", "rus": "ru", "zho": "zh", "chi": "zh", "jpn": "ja",
    "kor": "ko", "ara": "ar", "nld": "nl", "dut": "nl", "pol": "pl", "tur": "tr",
    "ukr": "uk", "vie": "vi", "ind": "id", "hin": "hi", "fas": "fa", "per": "fa",
    "swe": "sv", "nor": "no", "dan": "da", "fin": "fi", "ces": "cs", "cze": "cs",
    "ell": "el", "gre": "el", "heb": "he", "hun": "hu", "ron": "ro", "rum": "ro",
}
# The host of an absolute URL, as urlsplit(url).hostname finds it (after any user info,
# before any port, brackets of an IPv6 address dropped), at a fraction of its cost: the host
# filter tests every record of an archive, at tens of thousands a second.
_URL_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#]*@)?(?:\[([^\]/?#]*)\]|([^:/?#]*))")
_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)


def language_code(tag: str | None) -> str | None:
    """"en" from "en-GB", "eng", "EN"; None from nothing."""
    if not tag:
        return None
    primary = re.split(r"[-_,;\s]", tag.strip().lower(), maxsplit=1)[0]
    return _THREE_LETTER.get(primary, primary) or None


def html_language(body: bytes) -> str | None:
    """The language the page's ``<html lang>`` declares, read from its first bytes."""
    m = _HTML_LANG.search(body[:8192])
    return language_code(m.group(1).decode("ascii")) if m else None


def parse_day(text: str, *, end: bool = False) -> datetime:
    """The start (or, with ``end``, the end) of a day, month or year given as YYYY[-MM[-DD]]."""
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise ValueError(f"{text!r} is not a date like 2019, 2019-06 or 2019-06-30")
    year, month, day = ([int(p) for p in text.split("-")] + [0, 0])[:3]
    if not end:
        return datetime.combine(date(year, month or 1, day or 1), time.min, UTC)
    if day:
        last = date(year, month, day)
    elif month:
        last = date(year, month, calendar.monthrange(year, month)[1])
    else:
        last = date(year, 12, 31)
    return datetime.combine(last, time.max, UTC)


@dataclass(frozen=True)
class RecordFilter:
    """What to keep; an empty filter keeps every HTML response."""

    hosts: frozenset[str] = frozenset()  # a host keeps itself and every subdomain
    since: datetime | None = None
    until: datetime | None = None
    language: str | None = None  # two-letter code; pages that say nothing are kept
    letters_only: bool = False  # only pages whose words may report a letter

    @classmethod
    def build(cls, hosts: Iterable[str] = (), hosts_file: Path | None = None,
              since: str | None = None, until: str | None = None,
              language: str | None = None, letters_only: bool = False) -> RecordFilter:
        names = list(hosts)
        if hosts_file is not None:
            names += [line.split("#", 1)[0] for line in
                      hosts_file.read_text(encoding="utf-8").splitlines()]
        return cls(
            hosts=frozenset(h for h in (_host_entry(n) for n in names) if h),
            since=parse_day(since) if since else None,
            until=parse_day(until, end=True) if until else None,
            language=language_code(language), letters_only=letters_only)

    def host_ok(self, url: str) -> bool:
        if not self.hosts:
            return True
        host = url_host(url).rstrip(".")
        # Every suffix at a dot boundary: www.bbc.co.uk, bbc.co.uk, co.uk, uk.
        while host:
            if host in self.hosts:
                return True
            _, _, host = host.partition(".")
        return False

    def date_ok(self, when: datetime | None) -> bool:
        if when is None:
            return self.since is None and self.until is None
        return ((self.since is None or when >= self.since)
                and (self.until is None or when <= self.until))

    def language_ok(self, *tags: str | None) -> bool:
        """True unless the first language known among ``tags`` is another one."""
        if self.language is None:
            return True
        for tag in tags:
            code = language_code(tag)
            if code:
                return code == self.language
        return True


def url_host(url: str) -> str:
    """The lower-case host of ``url``, "" when it has none."""
    m = _URL_HOST.match(url)
    if m is None:
        return urlsplit(url).hostname or ""
    return (m.group(1) or m.group(2) or "").lower()


def _host_entry(name: str) -> str:
    name = name.strip().lower()
    if "://" in name:
        name = urlsplit(name).hostname or ""
    return name.lstrip("*.").rstrip(".")


_SKIPPED_ELEMENTS = re.compile(r"<(script|style|noscript|svg|template)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def page_words(page_html: str) -> str:
    """The page's visible words, roughly: tags, scripts and styles gone, entities decoded.
    Cheaper by far than extracting the article, and holds every word the article has."""
    text = _SKIPPED_ELEMENTS.sub(" ", page_html)
    text = _TAG.sub(" ", text)
    return _SPACE.sub(" ", html.unescape(text))
