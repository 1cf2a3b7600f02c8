"""robots.txt: read once per host through the fetcher, and what its absence means."""

import asyncio
import time

from sites import Site, busy_then, site, static  # noqa: F401 - fixture

from scrapers.fetch import Fetcher
from scrapers.policy import FetchPolicy
from scrapers.results import FetchResult
from scrapers.robots import RobotsCache

POLICY = FetchPolicy(allow_private=["127.0.0.1"], per_host_delay=0.0, read_timeout=0.5,
                     total_timeout=1.0, max_retries=0)


async def test_no_robots_txt_means_everything_is_allowed(site: Site):
    async with Fetcher(POLICY) as f:
        rules = await f.robots.rules_for(site.url("/any/page"))
        again = await f.robots.rules_for(site.url("/other"))
    assert rules is again and rules.allowed(site.url("/x"), POLICY.user_agent)
    assert site.hits["/robots.txt"] == 1


async def test_sitemaps_named_in_robots_txt_are_kept(site: Site):
    site.page("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site.url('/news.xml')}\n",
              content_type="text/plain")
    async with Fetcher(POLICY) as f:
        rules = await f.robots.rules_for(site.url("/"))
    assert rules.sitemaps == [site.url("/news.xml")]


async def test_429_on_robots_txt_means_not_now(site: Site):
    site.route("/robots.txt", busy_then(static(b""), 9, status=429, retry_after="1"))
    async with Fetcher(POLICY) as f:
        rules = await f.robots.rules_for(site.url("/"))
    assert rules.error and not rules.allowed(site.url("/x"), POLICY.user_agent)


# --- the cache alone, on a loader that stands in for the fetcher: no network needed ----------


class Loader:
    """Answers robots.txt requests with a fixed result and counts them."""

    def __init__(self, status: int, body: bytes = b"", outcome: str = "ok") -> None:
        self.status, self.body, self.outcome = status, body, outcome
        self.calls: list[str] = []

    async def __call__(self, url: str) -> FetchResult:
        self.calls.append(url)
        await asyncio.sleep(0)  # let other askers pile up behind the first
        return FetchResult(url=url, final_url=url, outcome=self.outcome, status=self.status,
                           body=self.body, reason=None if self.outcome == "ok" else "http_5xx")


async def test_many_pages_asking_at_once_cost_one_robots_txt():
    load = Loader(200, b"User-agent: *\nDisallow: /private/\n")
    cache = RobotsCache(load, ttl=3600)
    rules = await asyncio.gather(*(cache.rules_for(f"https://a.example/p{i}") for i in range(20)))
    assert load.calls == ["https://a.example/robots.txt"]
    assert not rules[0].allowed("https://a.example/private/x", "letterwatch")
    await cache.rules_for("https://b.example/")
    assert load.calls[-1] == "https://b.example/robots.txt"


async def test_caches_sharing_their_rules_read_robots_txt_once():
    load, shared = Loader(404, outcome="failed"), {}
    for _ in range(3):
        rules = await RobotsCache(load, ttl=3600, rules=shared).rules_for("https://a.example/")
        assert rules.allowed("https://a.example/x", "letterwatch")  # 404: no rules at all
    assert len(load.calls) == 1


async def test_an_unreachable_robots_txt_refuses_for_a_short_while_only():
    load = Loader(503, outcome="failed")
    cache = RobotsCache(load, ttl=3600)
    rules = await cache.rules_for("https://a.example/")
    assert rules.error and not rules.allowed("https://a.example/x", "letterwatch")
    assert rules.expires - time.monotonic() <= 300  # asked again in minutes, not an hour
