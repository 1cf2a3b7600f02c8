"""robots.txt: read once per host through the fetcher, and what its absence means."""

from sites import Site, busy_then, site, static  # noqa: F401 - fixture

from scrapers.fetch import Fetcher
from scrapers.policy import FetchPolicy

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
