"""The fetcher against a real socket: politeness, caching headers, retries and hard limits.

Every hostile server ends in a classified result, quickly, and never in an exception.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from sites import (
    Site,
    busy_then,
    endless,
    gzip_bomb,
    redirect,
    site,  # noqa: F401 - fixture
    stall,
    static,
    trickle,
)

from scrapers.fetch import Fetcher, retry_after_seconds
from scrapers.policy import FetchPolicy

PAGE = b"<html><head><title>t</title></head><body><p>Hello.</p></body></html>"


def policy(**changes) -> FetchPolicy:
    """Tight limits so hostile servers are dealt with in well under a second."""
    base = FetchPolicy(allow_private=["127.0.0.1"], per_host_delay=0.0, connect_timeout=1.0,
                       read_timeout=0.4, total_timeout=1.5, max_body_bytes=200_000,
                       max_retries=2, retry_base_delay=0.01, max_retry_wait=2.0)
    return base.replace(**changes)


async def fetch(url: str, pol: FetchPolicy | None = None, **kw):
    async with Fetcher(pol or policy()) as f:
        return await f.fetch(url, **kw)


async def test_a_page_is_fetched_with_its_caching_headers(site: Site):
    site.page("/a", PAGE, etag='"v1"', last_modified="Tue, 14 Nov 2023 22:13:20 GMT")
    r = await fetch(site.url("/a"))
    assert r.outcome == "ok" and r.status == 200 and r.body == PAGE
    assert r.etag == '"v1"' and r.last_modified == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert r.content_type == "text/html; charset=utf-8"
    assert site.requests[-1].headers["user-agent"].startswith("letterwatch/")


async def test_conditional_get_answers_not_modified_without_a_body(site: Site):
    site.page("/a", PAGE, etag='"v1"')
    r = await fetch(site.url("/a"), etag='"v1"')
    assert r.outcome == "not_modified" and r.status == 304 and r.body == b""
    assert site.requests[-1].headers["if-none-match"] == '"v1"'


async def test_gzip_bodies_are_decoded(site: Site):
    site.page("/z", PAGE, gzip_body=True)
    r = await fetch(site.url("/z"))
    assert r.ok and r.body == PAGE


async def test_loopback_is_refused_without_an_allow_list(site: Site):
    site.page("/a", PAGE)
    r = await fetch(site.url("/a"), policy(allow_private=[]))
    assert r.outcome == "failed" and r.reason == "blocked_address" and r.permanent
    assert site.hits["/a"] == 0 and site.hits["/robots.txt"] == 0


async def test_a_redirect_into_a_private_address_is_refused(site: Site):
    # 127.0.0.1 is allowed, 127.0.0.2 is not: the check runs again on every hop.
    site.route("/r", redirect(f"http://127.0.0.2:{site.port}/a"))
    r = await fetch(site.url("/r"), policy(allow_private=["127.0.0.1/32"]))
    assert r.reason == "blocked_address" and r.permanent
    assert r.final_url == f"http://127.0.0.2:{site.port}/a"


async def test_redirects_are_followed_up_to_the_limit(site: Site):
    site.page("/end", PAGE)
    site.route("/r1", redirect("/r2"))
    site.route("/r2", redirect("/end", 301))
    r = await fetch(site.url("/r1"))
    assert r.ok and r.url == site.url("/r1") and r.final_url == site.url("/end")
    r = await fetch(site.url("/r1"), policy(max_redirects=1))
    assert r.reason == "too_many_redirects" and r.permanent


async def test_a_redirect_loop_stops(site: Site):
    site.route("/loop1", redirect("/loop2"))
    site.route("/loop2", redirect("/loop1"))
    r = await fetch(site.url("/loop1"), policy(max_redirects=20))
    assert r.reason == "too_many_redirects" and "loop" in r.detail
    assert site.hits["/loop1"] == 1 and site.hits["/loop2"] == 1


async def test_a_stalled_server_times_out_and_is_retried_with_backoff(site: Site):
    site.route("/stall", stall())
    r = await fetch(site.url("/stall"), policy(max_retries=1))
    assert r.reason == "timeout" and not r.permanent and r.attempts == 2
    assert r.retry_at is not None and r.retry_at > datetime.now(UTC)
    assert site.hits["/stall"] == 2
    # Each attempt ended at the read timeout, not at the (longer) total one.
    assert r.detail.startswith("ReadTimeout")


async def test_a_trickling_body_hits_the_total_timeout(site: Site):
    site.route("/slow", trickle(0.05))
    r = await fetch(site.url("/slow"), policy(max_retries=0, total_timeout=0.5))
    assert r.reason == "timeout" and "0.5s" in r.detail  # the total timeout's own message


async def test_an_endless_body_stops_at_the_size_limit(site: Site):
    site.route("/endless", endless())
    r = await fetch(site.url("/endless"))
    assert r.reason == "too_large" and r.permanent and r.attempts == 1


async def test_a_declared_oversize_body_is_not_downloaded(site: Site):
    site.page("/big", b"x" * 300_000)
    r = await fetch(site.url("/big"))
    assert r.reason == "too_large" and "Content-Length" in r.detail


async def test_a_gzip_bomb_stops_at_the_decompressed_cap(site: Site):
    site.route("/bomb", gzip_bomb(10 * 1024**3))
    r = await fetch(site.url("/bomb"), policy(total_timeout=5))
    # Stopped by the cap, not by the timeout that ten gigabytes would have run into.
    assert r.reason == "too_large" and "decoded" in r.detail and r.permanent


async def test_429_honours_retry_after_then_succeeds(site: Site):
    site.route("/busy", busy_then(static(PAGE), 1, retry_after="1"))
    started = time.monotonic()
    r = await fetch(site.url("/busy"))
    assert r.ok and r.attempts == 2
    assert time.monotonic() - started >= 0.9


async def test_a_long_retry_after_ends_the_attempts_with_a_retry_time(site: Site):
    site.route("/later", busy_then(static(PAGE), 5, retry_after="3600"))
    r = await fetch(site.url("/later"))
    assert r.reason == "http_429" and r.attempts == 1 and not r.permanent
    wait = (r.retry_at - datetime.now(UTC)).total_seconds()
    assert 3500 < wait <= 3600


async def test_server_errors_are_retried_then_recorded(site: Site):
    site.route("/down", busy_then(static(PAGE), 99, status=503, retry_after=None))
    r = await fetch(site.url("/down"), policy(max_retries=2))
    assert r.reason == "http_5xx" and r.status == 503 and r.attempts == 3
    assert site.hits["/down"] == 3


async def test_not_found_is_permanent_and_not_retried(site: Site):
    r = await fetch(site.url("/nothing"))
    assert r.reason == "http_404" and r.permanent and r.retry_at is None
    assert site.hits["/nothing"] == 1


async def test_robots_txt_is_honoured_and_read_once_per_host(site: Site):
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.page("/private/a", PAGE)
    site.page("/public", PAGE)
    async with Fetcher(policy()) as f:
        denied = await f.fetch(site.url("/private/a"))
        allowed = await f.fetch(site.url("/public"))
    assert denied.reason == "robots" and denied.permanent
    assert allowed.ok
    assert site.hits["/private/a"] == 0 and site.hits["/robots.txt"] == 1


async def test_a_failing_robots_txt_holds_the_host_back_for_now(site: Site):
    site.route("/robots.txt", busy_then(static(b""), 99, status=500, retry_after=None))
    site.page("/a", PAGE)
    r = await fetch(site.url("/a"))
    assert r.reason == "robots" and not r.permanent and "unavailable" in r.detail
    assert site.hits["/a"] == 0


async def test_non_html_is_skipped_without_downloading(site: Site):
    site.page("/doc.pdf", b"%PDF-1.4" + b"x" * 1000, content_type="application/pdf")
    r = await fetch(site.url("/doc.pdf"), html_only=True)
    assert r.outcome == "skipped" and r.reason == "not_html" and r.detail == "application/pdf"


async def test_requests_to_one_host_are_spaced_and_bounded(site: Site):
    in_flight = peak = 0

    async def slow(req, reply):
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.1)
        in_flight -= 1
        await reply.send(200, PAGE, {"Content-Type": "text/html"})

    site.route("/s", slow)
    pol = policy(per_host_concurrency=2, per_host_delay=0.05, respect_robots=False)
    started = time.monotonic()
    async with Fetcher(pol) as f:
        results = await asyncio.gather(*(f.fetch(site.url("/s")) for _ in range(6)))
    assert all(r.ok for r in results)
    assert peak <= 2
    assert time.monotonic() - started >= 5 * 0.05


def test_retry_after_reads_seconds_and_dates():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past
    assert retry_after_seconds("soon") is None


async def test_rules_for_our_user_agent_and_crawl_delay_apply(site: Site):
    site.page("/robots.txt", "User-agent: letterwatch\nDisallow: /mine/\nCrawl-delay: 0.3\n\n"
              "User-agent: *\nDisallow: /\n", content_type="text/plain")
    site.page("/a", PAGE)
    site.page("/mine/b", PAGE)
    started = time.monotonic()
    async with Fetcher(policy()) as f:
        results = [await f.fetch(site.url("/a")) for _ in range(3)]
        denied = await f.fetch(site.url("/mine/b"))
    assert all(r.ok for r in results) and denied.reason == "robots"
    assert time.monotonic() - started >= 2 * 0.3  # three requests, two gaps
