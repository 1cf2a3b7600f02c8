"""Re-extraction works from the stored pages and texts alone, and only where the version
is behind."""

from __future__ import annotations

import pytest
from sites import Site, rss, seed_page, seeds, site  # noqa: F401 - fixture

import scrapers.extract
import scrapers.pages
import scrapers.reextract
from events.projections.articles import ARTICLES
from scrapers.crawl import crawl
from scrapers.policy import FetchPolicy
from scrapers.reextract import reextract_articles, reextract_letters
from scrapers.sources import SourceSpec, sync_sources
from store import open_store
from store.projector import catch_up


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "re.db"))
    yield s
    s.close()


async def crawled(site: Site, store, n: int = 3) -> None:
    items = []
    for seed in seeds()[:n]:
        site.page(f"/{seed['id']}.html", seed_page(seed))
        items.append((seed["title"], site.url(f"/{seed['id']}.html")))
    site.page("/feed.xml", rss(items), content_type="application/rss+xml")
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed")])
    await crawl(store, FetchPolicy(allow_private=["127.0.0.1"], per_host_delay=0))


def article_rows(store) -> list[dict]:
    catch_up(store, ARTICLES)
    return store.query("SELECT * FROM p_articles_articles ORDER BY article_id")


async def test_a_new_text_extractor_version_reextracts_stored_pages_without_fetching(
        site: Site, store, monkeypatch):
    await crawled(site, store)
    hits = sum(site.hits.values())
    assert reextract_articles(store) == 0  # everything is at the current version

    monkeypatch.setattr(scrapers.extract, "EXTRACTOR_VERSION", "99.0.0")
    monkeypatch.setattr(scrapers.reextract, "EXTRACTOR_VERSION", "99.0.0")
    seen = []
    assert reextract_articles(store, progress=lambda w, d, t: seen.append((d, t))) == 3
    assert seen[-1] == (3, 3)
    rows = article_rows(store)
    assert {r["extractor_version"] for r in rows} == {"99.0.0"}
    assert all("Advertisement" not in r["text"] for r in rows)
    assert sum(site.hits.values()) == hits  # nothing fetched again
    assert reextract_articles(store) == 0


async def test_a_new_letters_version_rereads_every_article(site: Site, store, monkeypatch):
    await crawled(site, store, n=2)

    def fake(text, *, title=None, published=None):
        return []

    monkeypatch.setattr(scrapers.pages, "letters_extractor", lambda: (fake, "99.1"))
    monkeypatch.setattr(scrapers.reextract, "letters_extractor", lambda: (fake, "99.1"))
    assert reextract_letters(store) == 2
    rows = article_rows(store)
    assert {r["letters_version"] for r in rows} == {"99.1"}
    assert all(r["letters"] in ([], "[]") for r in rows)
    assert reextract_letters(store) == 0


async def test_letters_read_by_a_newer_version_are_left_alone(site: Site, store, monkeypatch):
    await crawled(site, store, n=1)
    monkeypatch.setattr(scrapers.pages, "letters_extractor", lambda: (lambda t, **k: [], "0.1"))
    monkeypatch.setattr(scrapers.reextract, "letters_extractor", lambda: (lambda t, **k: [], "0.1"))
    assert reextract_letters(store) == 0
