"""A page the text extractor raises on is a recorded failure with its reason, never an empty
article: the page is kept, the log holds FetchFailed(extraction_error), the sources page
counts it, /metrics shows it, and the exception is logged with its traceback."""

from __future__ import annotations

import logging

import pytest
import trafilatura
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sites import Site, news_page, rss, site  # noqa: F401 - fixture
from test_api_support import settings

from events.projections import ALL
from scrapers.crawl import EXTRACTION_ERROR, crawl
from scrapers.policy import FetchPolicy
from scrapers.sources import SourceSpec, sync_sources
from service.api import create_app
from store import open_store
from store.projector import catch_up

STORY = "<p>" + "The minister handed over a letter from the president today. " * 12 + "</p>"


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "crawl.db"))
    yield s
    s.close()


def failures_counted() -> float:
    return REGISTRY.get_sample_value(
        "letterwatch_fetches_total", {"outcome": "failed", "reason": EXTRACTION_ERROR}) or 0.0


async def test_a_page_whose_extraction_raises_is_recorded_with_its_reason(
        site: Site, store, monkeypatch, caplog):
    good, bad = site.url("/news/good.html"), site.url("/news/bad.html")
    site.page("/news/good.html", news_page("A letter", STORY))
    site.page("/news/bad.html", news_page("Another letter", STORY.replace("today", "again")))
    site.page("/feed.xml", rss([("good", good), ("bad", bad)]),
              content_type="application/rss+xml")
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed")])

    real = trafilatura.bare_extraction

    def breaks_on_one_page(tree, *args, **kwargs):
        if "again" in "".join(tree.itertext()):
            # What an extractor whose API moved would do: the error that used to vanish.
            raise TypeError("bare_extraction() got an unexpected keyword argument 'fast'")
        return real(tree, *args, **kwargs)

    monkeypatch.setattr(trafilatura, "bare_extraction", breaks_on_one_page)
    before = failures_counted()
    policy = FetchPolicy(allow_private=["127.0.0.1"], per_host_delay=0.0, max_retries=0)
    with caplog.at_level(logging.ERROR, logger="scrapers.crawl"):
        report = await crawl(store, policy)

    articles = [r.event for r in store.read_all(types=["ArticleExtracted"])]
    assert [a.url for a in articles] == [good]  # no empty article for the bad page
    (failed,) = [r.event for r in store.read_all(types=["FetchFailed"])]
    assert (failed.url, failed.reason, failed.permanent) == (bad, EXTRACTION_ERROR, True)
    assert failed.detail.startswith("TypeError: bare_extraction() got an unexpected keyword")
    fetched = {r.event.url: r.event for r in store.read_all(types=["PageFetched"])}
    assert store.get_page(fetched[bad].body_sha256) is not None  # kept for a later extractor
    assert report.failed == 1 and report.articles == 1
    assert ("news", bad) in [p[:2] for p in report.problems]

    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert bad in record.getMessage()
    assert isinstance(record.exc_info[1].__cause__, TypeError)  # the traceback goes down to it
    assert failures_counted() == before + 1

    for projection in ALL.values():  # as the worker's follower would
        store.ensure_projection(projection)
        catch_up(store, projection)
    with TestClient(create_app(settings(), store=store)) as client:
        (source,) = client.get("/sources").json()["items"]
        assert source["pages_failed"] == 1
        assert f'reason="{EXTRACTION_ERROR}"' in client.get("/metrics").text
        page = client.get("/articles").json()
        assert [a["url"] for a in page["items"]] == [good]


async def test_a_page_the_extractor_reads_without_an_article_is_still_a_skip(site: Site, store):
    site.page("/news/menu.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    site.page("/feed.xml", rss([("menu", site.url("/news/menu.html"))]),
              content_type="application/rss+xml")
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed")])
    await crawl(store, FetchPolicy(allow_private=["127.0.0.1"], per_host_delay=0.0))
    (skipped,) = [r.event for r in store.read_all(types=["PageSkipped"])]
    assert skipped.reason == "no_article"
    assert not list(store.read_all(types=["FetchFailed"]))
