"""A crawl of a feed whose pages fail in every way an upstream fails: resets in the headers
and in the body, stalls past the read timeout, bodies cut short, bursts of 5xx. Every URL
must end as exactly one recorded outcome with its reason, a page whose faults stop within
the retries must be fetched whole, and nothing cut short may pass for an article."""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pytest
from flaky import (
    Script,
    reset_in_body,
    reset_in_headers,
    scripted,
    stall_before_headers,
    stall_in_body,
    status,
    truncated,
    truncated_chunked,
    truncated_gzip,
)
from folding import projection_rows
from sites import Site, aeb_pages, rss

from events import url_key
from events.projections import ALL
from scrapers.crawl import crawl
from scrapers.policy import FetchPolicy
from scrapers.sources import SourceSpec, sync_sources
from store import open_store
from store.projector import catch_up, rebuild

pytestmark = pytest.mark.slow

RETRIES = 3
OUTCOMES = ("PageFetched", "PageSkipped", "FetchFailed")

# Faults that stop within the retries: these pages must end fetched. None has more than
# RETRIES - 1 faults, so a read timeout on a busy machine cannot turn one into a failure.
RECOVER = {
    "reset-headers-once": [reset_in_headers],
    "reset-body-once": [reset_in_body],
    "truncated-once": [truncated],
    "truncated-chunked-once": [truncated_chunked],
    "truncated-gzip-once": [truncated_gzip],
    "stall-once": [stall_before_headers],
    "stall-body-once": [stall_in_body],
    "503-twice": [status(503), status(503)],
    "500-once": [status(500)],
    "502-then-reset": [status(502), reset_in_headers],
    "truncated-then-503": [truncated, status(503)],
}
# Faults that outlast the retries: these pages must end failed.
NEVER = {
    "reset-headers": Script([reset_in_headers], forever=True),
    "reset-body": Script([reset_in_body], forever=True),
    "truncated": Script([truncated], forever=True),
    "truncated-chunked": Script([truncated_chunked], forever=True),
    "truncated-gzip": Script([truncated_gzip], forever=True),
    "stall": Script([stall_before_headers], forever=True),
    "stall-body": Script([stall_in_body], forever=True),
    "500": Script([status(500)], forever=True),
    "502": Script([status(502)], forever=True),
    "503": Script([status(503)], forever=True),
    "503-burst-then-truncated": Script([status(503), status(502), status(503), truncated]),
    "reset-502-stall": Script([reset_in_headers, status(502), reset_in_body,
                               stall_before_headers]),
}
NORMAL = 15


def policy() -> FetchPolicy:
    # Short timeouts bound the crawl: a stalled page costs 1 + RETRIES read timeouts.
    return FetchPolicy(allow_private=["127.0.0.1"], per_host_delay=0.0, concurrency=8,
                       per_host_concurrency=8, connect_timeout=1.0, read_timeout=1.0,
                       total_timeout=5.0, max_retries=RETRIES, retry_base_delay=0.02,
                       max_retry_wait=1.0)


def build(site: Site) -> dict[str, tuple[Script | None, bytes, tuple[str, str | None]]]:
    """The flaky site and its feed: URL -> (script, full body, expected (outcome, reason))."""
    pages = iter(html for _, (_, html) in sorted(aeb_pages().items()))
    plan: dict[str, tuple[Script | None, bytes, tuple[str, str | None]]] = {}
    scripts = {**{f"ok-{i}": Script([]) for i in range(NORMAL)},
               **{k: Script(v) for k, v in RECOVER.items()}, **NEVER}
    for name, script in scripts.items():
        path, body = f"/news/{name}.html", next(pages)
        scripted(site, path, body, script)
        plan[site.url(path)] = (script, body, script.expected(RETRIES))
    site.page("/news/gone.html", "gone", status=404, content_type="text/plain")
    plan[site.url("/news/gone.html")] = (None, b"", ("failed", "http_404"))
    site.page("/news/report.pdf", b"%PDF-1.4", content_type="application/pdf")
    plan[site.url("/news/report.pdf")] = (None, b"", ("skipped", "not_html"))
    site.page("/feed.xml", rss([(u.rsplit("/", 1)[1], u) for u in plan]),
              content_type="application/rss+xml")
    return plan


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "flaky.db"))
    yield s
    s.close()


async def test_every_page_of_a_flaky_feed_ends_in_one_recorded_outcome(store):
    with Site() as site:
        plan = build(site)
        assert len(plan) == 40
        sync_sources(store, [SourceSpec("flaky", site.url("/feed.xml"), "feed")])
        report = await crawl(store, policy())  # returns: every stall is cut by a timeout
        hits = dict(site.hits)

    outcomes: dict[str, list] = defaultdict(list)
    for r in store.read_all(types=list(OUTCOMES)):
        outcomes[r.event.url].append(r)
    assert set(outcomes) == set(plan)
    articles = defaultdict(list)
    for r in store.read_all(types=["ArticleExtracted"]):
        articles[r.event.url].append(r.event)

    for url, (script, body, (expected, reason)) in plan.items():
        recorded = outcomes[url]
        types = [r.type for r in recorded]
        assert all(r.stream == f"page-{url_key(url)}" for r in recorded), url
        if expected == "fetched":
            assert types == ["PageFetched"], (url, types)
            fetched = recorded[0].event
            # The whole page, never a half of it that a cut connection left behind.
            assert fetched.size == len(body), url
            assert fetched.body_sha256 == hashlib.sha256(body).hexdigest(), url
            assert store.get_page(fetched.body_sha256) == body
            (article,) = articles[url]
            assert article.body_sha256 == fetched.body_sha256
        elif expected == "failed":
            assert types == ["FetchFailed"], (url, types)
            assert recorded[0].event.reason == reason, (url, recorded[0].event)
            assert url not in articles
        else:
            assert types == ["PageSkipped"] and recorded[0].event.reason == reason, url
        if script is not None:
            # Retried as the policy allows: once per fault until an answer is whole (a slow
            # machine may add a timeout), and never more.
            tried = hits["/" + url.split("/", 3)[3]]
            if expected == "failed":
                assert tried == 1 + RETRIES, (url, tried)
            else:
                assert len(script.faults) + 1 <= tried <= 1 + RETRIES, (url, tried)

    fetched = sum(1 for _, _, (o, _) in plan.values() if o == "fetched")
    assert fetched == NORMAL + len(RECOVER)
    assert (report.fetched, report.failed, report.skipped) == (fetched, len(NEVER) + 1, 1)
    assert len({a.article_id for v in articles.values() for a in v}) == fetched

    for p in ALL.values():
        store.ensure_projection(p)
        catch_up(store, p)
    incremental = projection_rows(store)
    (row,) = store.query("SELECT COUNT(*) AS n FROM p_articles_articles")
    assert row["n"] == fetched
    for p in ALL.values():
        rebuild(store, p)
    assert projection_rows(store) == incremental
