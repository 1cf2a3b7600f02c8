"""robots.txt, read once per host and trusted for a while: may we fetch this URL?"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from protego import Protego

from .results import FetchResult
from .urls import origin_of

# Fetches one robots.txt URL (no robots check of its own, no retries, at most ROBOTS_MAX_BYTES).
RobotsLoader = Callable[[str], Awaitable[FetchResult]]

ROBOTS_MAX_BYTES = 512 * 1024  # Google reads 500 KiB; beyond that rules are ignored


@dataclass(slots=True)
class RobotsRules:
    """One host's verdicts. ``rules`` None with ``allow_all`` means no robots.txt (4xx)."""

    rules: Protego | None
    allow_all: bool
    expires: float
    error: str | None = None  # set when robots.txt could not be read (5xx, network)
    sitemaps: list[str] = field(default_factory=list)

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.rules is None:
            return self.allow_all
        return bool(self.rules.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.rules is None:
            return None
        delay = self.rules.crawl_delay(user_agent)
        return float(delay) if delay is not None else None


class RobotsCache:
    """robots.txt per origin, loaded through ``load`` (the fetcher, with its limits and
    address checks). ``rules`` may be shared, so that what was read outlives one crawl."""

    def __init__(self, load: RobotsLoader, ttl: float,
                 rules: dict[str, RobotsRules] | None = None) -> None:
        self.load, self.ttl = load, ttl
        self._rules: dict[str, RobotsRules] = {} if rules is None else rules
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        origin = origin_of(url)
        cached = self._rules.get(origin)
        if cached is not None and cached.expires > time.monotonic():
            return cached
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:  # one fetch per host even when many pages ask at once
            cached = self._rules.get(origin)
            if cached is not None and cached.expires > time.monotonic():
                return cached
            rules = await self._load(origin)
            self._rules[origin] = rules
            return rules

    async def _load(self, origin: str) -> RobotsRules:
        result = await self.load(f"{origin}/robots.txt")
        expires = time.monotonic() + self.ttl
        if result.ok:
            text = result.body.decode("utf-8", errors="replace")
            rules = Protego.parse(text)
            return RobotsRules(rules, True, expires, sitemaps=list(rules.sitemaps))
        status = result.status or 0
        if 400 <= status < 500 and status != 429:
            return RobotsRules(None, True, expires)  # no robots.txt: everything allowed
        # RFC 9309: an unreachable robots.txt means "disallow everything" for now; ask
        # again soon rather than after the full TTL.
        return RobotsRules(None, False, time.monotonic() + min(self.ttl, 300.0),
                           error=f"robots.txt unavailable: {result.reason} {result.detail}")
