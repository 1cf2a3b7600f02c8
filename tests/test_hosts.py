"""What the crawler remembers about hosts outlives one crawl: robots.txt is read once for
several scheduled polls, and the pause between two requests to a host spans crawls.
Most of it runs on httpx.MockTransport: no socket is needed to see what was asked."""

from __future__ import annotations

import ipaddress
import time

import httpx
import pytest
from sites import Site, rss, seed_page, seeds, site  # noqa: F401 - fixture

from events.projections import SOURCES
from scrapers.fetch import Fetcher, HostMemory
from scrapers.policy import FetchPolicy
from scrapers.sources import SourceSpec, sync_sources
from service.scheduler import Poller
from service.settings import Settings
from store import open_store

ROBOTS = b"User-agent: *\nDisallow: /private/\n"
PAGE = b"<html><body><article><p>" + b"A letter was delivered. " * 20 + b"</p></article></body></html>"


class OneAddress:
    """A resolver that answers every name with one public address, as DNS would."""

    async def resolve(self, host: str, port: int):
        return ipaddress.ip_address("93.184.216.34")


class Recorder:
    """A MockTransport handler serving a small site; remembers every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.started: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.started.append(time.monotonic())
        # Streams, as from a server: the fetcher reads the raw body chunk by chunk.
        if request.url.path == "/robots.txt":
            return httpx.Response(200, stream=httpx.ByteStream(ROBOTS),
                                  headers={"content-type": "text/plain"})
        return httpx.Response(200, stream=httpx.ByteStream(PAGE),
                              headers={"content-type": "text/html"})

    def paths(self, path: str) -> int:
        return sum(1 for r in self.requests if r.url.path == path)


def fetcher(handler: Recorder, memory: HostMemory | None = None, **policy) -> Fetcher:
    return Fetcher(FetchPolicy(per_host_delay=0.0, **policy), memory=memory,
                   transport=httpx.MockTransport(handler), resolver=OneAddress())


async def test_the_fetcher_talks_to_the_checked_address_with_the_name_in_host():
    site = Recorder()
    async with fetcher(site) as f:
        ok = await f.fetch("http://news.example/a.html")
        refused = await f.fetch("http://news.example/private/b.html")
    assert ok.ok and ok.body == PAGE
    assert (refused.reason, refused.permanent) == ("robots", True)
    page = site.requests[-1]
    assert page.url.host == "93.184.216.34" and page.headers["host"] == "news.example"
    assert site.paths("/robots.txt") == 1 and site.paths("/private/b.html") == 0


async def test_robots_txt_is_read_once_by_fetchers_that_share_a_memory():
    site, memory = Recorder(), HostMemory()
    for _ in range(3):  # three crawls, one after another
        async with fetcher(site, memory) as f:
            assert (await f.fetch("http://news.example/a.html")).ok
    assert site.paths("/robots.txt") == 1 and site.paths("/a.html") == 3
    async with fetcher(site) as f:  # a fetcher of its own asks again
        await f.fetch("http://news.example/a.html")
    assert site.paths("/robots.txt") == 2


async def test_the_pause_between_requests_to_a_host_spans_crawls():
    site, memory = Recorder(), HostMemory()
    for _ in range(2):
        async with Fetcher(FetchPolicy(per_host_delay=0.3, respect_robots=False),
                           memory=memory, transport=httpx.MockTransport(site),
                           resolver=OneAddress()) as f:
            await f.fetch("http://news.example/a.html")
    assert site.started[1] - site.started[0] >= 0.3 * 0.95  # monotonic clock rounding


def test_reserving_a_host_books_slots_a_gap_apart():
    now = [100.0]
    memory = HostMemory(clock=lambda: now[0])
    assert memory.reserve("a", 2.0) == 0.0
    assert memory.reserve("a", 2.0) == 2.0  # booked behind the first
    assert memory.reserve("b", 2.0) == 0.0  # another host waits for nobody
    now[0] += 10
    assert memory.reserve("a", 2.0) == 0.0  # the gap has long passed


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "polls.db"))
    yield s
    s.close()


def test_scheduled_polls_of_a_source_read_robots_txt_once(site: Site, store):
    site.page("/news/a.html", seed_page(seeds()[0]))
    site.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    site.page("/feed.xml", rss([("a", site.url("/news/a.html"))]),
              content_type="application/rss+xml")
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed",
                                    interval_seconds=60)])
    store.ensure_projection(SOURCES)
    settings = Settings(_env_file=None, allow_private=["127.0.0.1"],  # type: ignore[call-arg]
                        per_host_delay=0.0, database_url="sqlite:///:memory:")
    poller = Poller(store, settings)  # the worker's: one poll function for its lifetime
    for _ in range(3):
        assert poller.poll_one("news", force=True) == (True, "polled")
    poller.leases.close()
    assert site.hits["/feed.xml"] == 3
    assert site.hits["/robots.txt"] == 1  # the hour's cache holds across polls


def test_poll_now_under_serve_shares_the_workers_memory_of_hosts(store):
    from service.api import create_app
    from service.app import Worker

    settings = Settings(_env_file=None, database_url="sqlite:///:memory:")  # type: ignore[call-arg]
    worker = Worker(settings, store, follow=False, schedule=False)
    app = create_app(settings, store=store, background=worker)
    assert app.state.poller.poll is worker.poller.poll
    app.state.poller.leases.close()
    worker.stop()
