"""The crawl's Prometheus metrics: fetch outcomes with their reasons, extraction time per
stage as the worker measured it, events appended by type; read back from the default
registry as a scrape would see them."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from sites import Site, rss, seed_page, seeds, site  # noqa: F401 - fixture

from scrapers.crawl import crawl
from scrapers.policy import FetchPolicy
from scrapers.sources import SourceSpec, sync_sources
from store import open_store


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "metrics.db"))
    yield s
    s.close()


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


FETCH_LABELS = [("fetched", ""), ("not_modified", ""), ("skipped", "not_html"),
                ("skipped", "no_article"), ("failed", "http_404"), ("failed", "robots")]
EVENT_TYPES = ["FeedPolled", "PageFetched", "PageSkipped", "FetchFailed", "ArticleExtracted",
               "LettersExtracted", "PageNotModified"]


def snapshot() -> dict[str, float]:
    got = {f"fetch {o} {r}": value("letterwatch_fetches_total", outcome=o, reason=r)
           for o, r in FETCH_LABELS}
    got.update({f"event {t}": value("letterwatch_events_appended_total", type=t)
                for t in EVENT_TYPES})
    for stage in ("text", "letters"):
        got[f"count {stage}"] = value("letterwatch_extraction_seconds_count", stage=stage)
        got[f"sum {stage}"] = value("letterwatch_extraction_seconds_sum", stage=stage)
    return got


async def test_a_crawl_counts_its_outcomes_extraction_and_events(site: Site, store):
    seed = seeds()[0]
    site.page("/news/a.html", seed_page(seed), etag='"a"')
    site.page("/news/empty.html", "<html><body><p>Hi.</p></body></html>")
    site.page("/news/doc.pdf", b"%PDF-1.4", content_type="application/pdf")
    site.page("/private/x.html", seed_page(seed))
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    paths = ["/news/a.html", "/news/empty.html", "/news/doc.pdf", "/news/missing.html",
             "/private/x.html"]
    site.page("/feed.xml", rss([(p, site.url(p)) for p in paths]),
              content_type="application/rss+xml")
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed", may_change=True)])
    policy = FetchPolicy(allow_private=["127.0.0.1"], per_host_delay=0.0, max_retries=0)

    before = snapshot()
    await crawl(store, policy)
    first = snapshot()
    grew = {k: first[k] - before[k] for k in first}
    assert grew["fetch fetched "] == 2  # the article and the empty page; the PDF is not read
    assert grew["fetch skipped not_html"] == 1 and grew["fetch skipped no_article"] == 1
    assert grew["fetch failed http_404"] == 1 and grew["fetch failed robots"] == 1
    assert grew["event PageFetched"] == 2 and grew["event PageSkipped"] == 2
    assert grew["event FetchFailed"] == 2 and grew["event FeedPolled"] == 1
    assert grew["event ArticleExtracted"] == 1 and grew["event LettersExtracted"] == 1
    assert grew["count text"] == 2 and grew["count letters"] == 1  # no letters in no article
    assert grew["sum text"] > 0 and grew["sum letters"] > 0
    logged = {t: n for t, n in store.count().items() if t != "SourceAdded"}  # not the crawl's
    assert logged == {k[6:]: v for k, v in grew.items() if k.startswith("event ") and v}

    await crawl(store, policy, source_ids=["news"])  # the article, asked again: a 304
    again = snapshot()
    assert again["fetch not_modified "] - first["fetch not_modified "] == 1
    assert again["event PageNotModified"] - first["event PageNotModified"] == 1
    assert again["fetch fetched "] == first["fetch fetched "]
