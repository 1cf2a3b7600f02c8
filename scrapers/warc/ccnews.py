"""Common Crawl's CC-NEWS archive: the URLs of its WARC files for a range of months, read
from the path listing it publishes for each month (``crawl-data/CC-NEWS/YYYY/MM/
warc.paths.gz``)."""

from __future__ import annotations

from datetime import date

from ..bodies import DecodeError, TooLarge, inflate_capped
from ..fetch import Fetcher
from ..policy import FetchPolicy

CC_DATA = "https://data.commoncrawl.org/"
FIRST_MONTH = (2016, 8)  # CC-NEWS begins in August 2016


class ListingError(Exception):
    """A month's listing cannot be had or read."""


def months(first: str, last: str) -> list[tuple[int, int]]:
    """(year, month) from ``first`` to ``last`` (YYYY-MM, inclusive)."""
    try:
        start = date.fromisoformat(f"{first}-01")
        end = date.fromisoformat(f"{last}-01")
    except ValueError:
        raise ValueError(f"months are written YYYY-MM, not {first!r} or {last!r}") from None
    if end < start:
        raise ValueError(f"{last} is before {first}")
    out, (y, m) = [], (start.year, start.month)
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def listing_url(year: int, month: int, base: str = CC_DATA) -> str:
    return f"{base.rstrip('/')}/crawl-data/CC-NEWS/{year:04d}/{month:02d}/warc.paths.gz"


async def cc_news_urls(first: str, last: str, policy: FetchPolicy,
                       base: str = CC_DATA) -> list[str]:
    """Every CC-NEWS WARC file URL of the months ``first`` to ``last``, oldest first."""
    urls: list[str] = []
    async with Fetcher(policy) as fetcher:
        for year, month in months(first, last):
            if (year, month) < FIRST_MONTH:
                continue
            listing = listing_url(year, month, base)
            res = await fetcher.fetch(listing, accept="*/*")
            if not res.ok:
                raise ListingError(f"{listing}: {res.reason} {res.detail}".strip())
            try:
                text = (inflate_capped(res.body, policy.max_body_bytes)
                        if res.body[:2] == b"\x1f\x8b" else res.body)
                lines = text.decode("utf-8").split()
            except (TooLarge, DecodeError, UnicodeDecodeError) as exc:
                raise ListingError(f"{listing}: unreadable listing: {exc}") from None
            urls += [f"{base.rstrip('/')}/{line.lstrip('/')}" for line in lines
                     if line.endswith((".warc.gz", ".warc"))]
    return urls
