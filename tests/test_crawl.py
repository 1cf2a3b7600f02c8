"""A whole crawl against a fixture news site on 127.0.0.1: sources polled, pages fetched,
articles and letters extracted, and every hostile page ending in a recorded outcome while
the crawl carries on."""

from __future__ import annotations

import gzip
import time

import pytest
from sites import (
    AEB,
    Site,
    busy_then,
    endless,
    gzip_bomb,
    news_page,
    news_sitemap,
    redirect,
    rss,
    seed_page,
    seeds,
    site,  # noqa: F401 - fixture
    stall,
    static,
)

from events import url_key
from events.projections.articles import ARTICLES
from events.projections.sources import SOURCES
from scrapers.crawl import UnknownSource, crawl, crawl_sync
from scrapers.policy import FetchPolicy
from scrapers.sources import SourceSpec, sync_sources
from store import open_store
from store.projector import catch_up

CYRILLIC = ("<p>Президент России Владимир Путин получил письмо от лидера КНДР Ким Чен Ына, "
            "в котором говорится о готовности к новой встрече и развитии отношений.</p>") * 3


def policy(**changes) -> FetchPolicy:
    base = FetchPolicy(allow_private=["127.0.0.1"], per_host_delay=0.0, concurrency=16,
                       per_host_concurrency=16, connect_timeout=1.0, read_timeout=0.5,
                       total_timeout=2.0, max_body_bytes=2_000_000, max_retries=1,
                       retry_base_delay=0.01, max_retry_wait=2.0)
    return base.replace(**changes)


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "crawl.db"))
    yield s
    s.close()


def events_of(store, type_name: str) -> list:
    return [r.event for r in store.read_all(types=[type_name])]


def by_url(events) -> dict:
    return {e.url: e for e in events}


def build_news_site(site: Site) -> dict[str, str]:
    """The fixture site; returns a name -> URL map of its interesting pages."""
    all_seeds = seeds()
    urls = {}
    for seed in all_seeds:
        path = f"/news/{seed['id']}.html"
        site.page(path, seed_page(seed), etag=f'"{seed["id"]}"')
        urls[seed["id"]] = site.url(path)
    # The same story as s02 syndicated under another URL, in another site's chrome.
    s02 = next(s for s in all_seeds if s["id"] == "s02")
    site.page("/partner/kim-letter.html", seed_page(s02, site_name="Partner Wire"))
    urls["syndicated"] = site.url("/partner/kim-letter.html")
    aeb_key = sorted(p.name for p in (AEB / "html").glob("*.html.gz"))[0]
    site.page("/news/aeb.html", gzip.decompress((AEB / "html" / aeb_key).read_bytes()))
    urls["aeb"] = site.url("/news/aeb.html")
    hostile = {
        "stall": stall(), "endless": endless(), "bomb": gzip_bomb(10 * 1024**3),
        "loop": redirect("/news/loop.html"),
        "busy": busy_then(static(news_page(
            "Busy but fine", "<p>" + "All is well in the end. " * 30 + "</p>").encode()),
            1, retry_after="1"),
    }
    for name, handler in hostile.items():
        site.route(f"/news/{name}.html", handler)
        urls[name] = site.url(f"/news/{name}.html")
    site.page("/news/doc.pdf", b"%PDF-1.4 not a page", content_type="application/pdf")
    urls["pdf"] = site.url("/news/doc.pdf")
    site.page("/news/cyrillic.html", news_page("Письмо", CYRILLIC, lang="ru", charset="utf-8")
              .encode("cp1251"), content_type="text/html; charset=utf-8")
    urls["cyrillic"] = site.url("/news/cyrillic.html")
    urls["missing"] = site.url("/news/missing.html")
    site.page("/private/secret.html", news_page("Secret", "<p>hidden</p>"))
    urls["private"] = site.url("/private/secret.html")
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")

    feed_items = [(k, u) for k, u in urls.items() if k not in ("aeb",)]
    site.page("/feed.xml", rss(feed_items), content_type="application/rss+xml",
              etag='"feed-1"')
    site.page("/sitemap.xml", news_sitemap([(urls["aeb"], "2019-11-19T10:00:00+00:00")]),
              content_type="application/xml")
    site.page("/broken.xml", "this is { not: xml", content_type="application/xml")
    return urls


def sources_for(site: Site, **extra) -> list[SourceSpec]:
    return [SourceSpec("news", site.url("/feed.xml"), "feed", **extra),
            SourceSpec("maps", site.url("/sitemap.xml"), "sitemap"),
            SourceSpec("broken", site.url("/broken.xml"), "feed")]


async def test_a_crawl_records_every_outcome_and_carries_on(site: Site, store):
    urls = build_news_site(site)
    sync_sources(store, sources_for(site))
    started = time.monotonic()
    report = await crawl(store, policy())
    # Hostile pages end at the policy's timeouts: a crawl that hung on one would take minutes.
    assert time.monotonic() - started < 120

    polled = {e.source_id: e for e in events_of(store, "FeedPolled")}
    assert set(polled) == {"news", "maps"}
    assert polled["news"].entries_seen == 15 and len(polled["news"].new_urls) == 15
    assert polled["news"].etag == '"feed-1"'
    failed = by_url(events_of(store, "FetchFailed"))
    assert failed[site.url("/broken.xml")].reason == "bad_feed"
    assert failed[urls["stall"]].reason == "timeout" and not failed[urls["stall"]].permanent
    assert failed[urls["stall"]].retry_at is not None
    assert failed[urls["endless"]].reason == "too_large"
    assert failed[urls["bomb"]].reason == "too_large"
    assert failed[urls["loop"]].reason == "too_many_redirects"
    assert failed[urls["missing"]].reason == "http_404" and failed[urls["missing"]].permanent
    assert failed[urls["private"]].reason == "robots" and site.hits["/private/secret.html"] == 0
    skipped = by_url(events_of(store, "PageSkipped"))
    assert skipped[urls["pdf"]].reason == "not_html"

    fetched = by_url(events_of(store, "PageFetched"))
    assert urls["busy"] in fetched  # 429 with Retry-After, then fine
    assert fetched[urls["cyrillic"]].charset == "cp1251"
    page = store.get_page(fetched[urls["s01"]].body_sha256)
    assert page is not None and b"Sarah Sanders" in page

    articles = {e.url: e for e in events_of(store, "ArticleExtracted")}
    assert "Путин получил письмо" in articles[urls["cyrillic"]].text
    s01 = articles[urls["s01"]]
    assert s01.article_id == url_key(urls["s01"])
    assert "Sarah Sanders has confirmed" in s01.text
    assert "READ MORE" not in s01.text and "icon bookmark" not in s01.text
    assert s01.title.startswith("Trump receives") and s01.site_name == "The Daily Example"
    original, copy = articles[urls["s02"]], articles[urls["syndicated"]]
    assert {original.duplicate_of, copy.duplicate_of} - {None} in (
        {original.article_id}, {copy.article_id})
    assert articles[urls["aeb"]].source_id == "maps"

    letters = {e.article_id: e for e in events_of(store, "LettersExtracted")}
    from scrapers.letters import EXTRACTOR_VERSION as LETTERS_VERSION

    assert letters[s01.article_id].extractor_version == LETTERS_VERSION
    assert any(f.sender == "Kim Jong Un" and f.recipient == "Donald Trump"
               for f in letters[s01.article_id].letters)
    assert [r.type for r in store.read_stream(f"article-{s01.article_id}")] == [
        "ArticleExtracted", "LettersExtracted"]

    assert report.failed == 7 and report.skipped == 1
    assert report.articles == 8 and report.duplicates == 1
    assert report.fetched == 9 and report.letters >= 5
    assert report.by_source["news"]["new_urls"] == 15


async def test_a_second_crawl_asks_politely_and_fetches_nothing_again(site: Site, store):
    build_news_site(site)
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed", interval_seconds=60)])
    await crawl(store, policy(), source_ids=["news"])
    hits_before = site.hits["/news/s01.html"]
    report = await crawl(store, policy(), source_ids=["news"])
    polled = events_of(store, "FeedPolled")
    assert polled[-1].not_modified and polled[-1].status == 304
    assert site.requests[-1].headers.get("if-none-match") == '"feed-1"' or any(
        r.headers.get("if-none-match") == '"feed-1"' for r in site.requests)
    assert site.hits["/news/s01.html"] == hits_before
    assert report.fetched == 0 and report.not_modified == 1


async def test_pages_of_a_source_that_may_change_are_asked_again_conditionally(site: Site, store):
    build_news_site(site)
    site.page("/feed.xml", rss([("s01", site.url("/news/s01.html"))]),
              content_type="application/rss+xml")
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed", may_change=True)])
    await crawl(store, policy(), source_ids=["news"])
    await crawl(store, policy(), source_ids=["news"])
    assert len(events_of(store, "PageNotModified")) == 1
    assert any(r.path == "/news/s01.html" and r.headers.get("if-none-match") == '"s01"'
               for r in site.requests)


async def test_only_due_enabled_sources_are_polled(site: Site, store):
    build_news_site(site)
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed", interval_seconds=3600),
                         SourceSpec("off", site.url("/sitemap.xml"), "sitemap", enabled=False)])
    first = await crawl(store, policy())
    assert first.sources == 1 and site.hits["/sitemap.xml"] == 0
    second = await crawl(store, policy())  # polled a moment ago, next poll in an hour
    assert second.sources == 0
    with pytest.raises(UnknownSource):
        await crawl(store, policy(), source_ids=["nope"])


async def test_a_loopback_source_is_refused_without_the_allow_list(site: Site, store):
    build_news_site(site)
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed")])
    report = await crawl(store, policy(allow_private=[]))
    (failure,) = events_of(store, "FetchFailed")
    assert failure.reason == "blocked_address" and failure.url == site.url("/feed.xml")
    assert failure.permanent and report.failed == 1 and sum(site.hits.values()) == 0
    store.ensure_projection(SOURCES)
    catch_up(store, SOURCES)
    (row,) = store.query("SELECT * FROM p_sources_sources")
    assert row["consecutive_failures"] == 1 and "blocked_address" in row["last_error"]


async def test_a_site_source_finds_its_feed_on_the_home_page(site: Site, store):
    urls = build_news_site(site)
    site.page("/", news_page("Home", "<p>Welcome to the home page of the example.</p>"))
    sync_sources(store, [SourceSpec("home", site.url("/"), "site")])
    report = await crawl(store, policy(), source_ids=["home"])
    assert report.by_source["home"]["new_urls"] == 15
    assert urls["s03"] in by_url(events_of(store, "PageFetched"))


async def test_extraction_in_a_process_pool_gives_the_same_articles(site: Site, store, tmp_path):
    build_news_site(site)
    site.page("/feed.xml", rss([(s["id"], site.url(f"/news/{s['id']}.html")) for s in seeds()]),
              content_type="application/rss+xml")
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed")])
    report = await crawl(store, policy(extract_workers=2))
    inline = open_store(str(tmp_path / "inline.db"))
    sync_sources(inline, [SourceSpec("news", site.url("/feed.xml"), "feed")])
    await crawl(inline, policy())
    texts = lambda s: sorted(e.text for e in events_of(s, "ArticleExtracted"))  # noqa: E731
    assert report.articles + report.duplicates == 5
    assert texts(store) == texts(inline)
    inline.close()


def test_crawl_sync_runs_without_an_event_loop(site: Site, store):
    build_news_site(site)
    site.page("/feed.xml", rss([("s00", site.url("/news/s00.html"))]),
              content_type="application/rss+xml")
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed")])
    seen = []
    report = crawl_sync(store, policy(), progress=lambda what, done, total: seen.append(done))
    assert report.articles == 1 and seen[-1] == 1
    store.ensure_projection(ARTICLES)
    catch_up(store, ARTICLES)
    (row,) = store.query("SELECT * FROM p_articles_articles")
    assert row["letters_version"] is not None


async def test_a_sitemap_index_and_a_url_list_lead_to_their_pages(site: Site, store):
    urls = build_news_site(site)
    site.page("/sitemap-2019.xml", news_sitemap([(urls["s00"], "2019-06-14T10:00:00Z")]),
              content_type="application/xml")
    site.page("/sitemap-old.xml.gz", gzip.compress(news_sitemap(
        [(urls["s01"], "2018-09-10T10:00:00Z")]).encode()), content_type="application/gzip")
    site.page("/sitemap_index.xml", (
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f'<sitemap><loc>{site.url("/sitemap-2019.xml")}</loc><lastmod>2019-06-14</lastmod></sitemap>'
        f'<sitemap><loc>{site.url("/sitemap-old.xml.gz")}</loc></sitemap>'
        f'<sitemap><loc>{site.url("/sitemap-missing.xml")}</loc></sitemap></sitemapindex>'),
        content_type="application/xml")
    site.page("/picks.txt", f"# picked by hand\n{urls['s03']}?utm_source=list\n/news/s04.html\n",
              content_type="text/plain")
    sync_sources(store, [SourceSpec("index", site.url("/sitemap_index.xml"), "sitemap"),
                         SourceSpec("picks", site.url("/picks.txt"), "urls")])
    report = await crawl(store, policy())
    fetched = by_url(events_of(store, "PageFetched"))
    assert {urls["s00"], urls["s01"], urls["s03"], urls["s04"]} <= set(fetched)
    assert fetched[urls["s00"]].source_id == "index" and fetched[urls["s04"]].source_id == "picks"
    failed = by_url(events_of(store, "FetchFailed"))
    assert failed[site.url("/sitemap-missing.xml")].reason == "http_404"
    assert report.by_source["index"]["articles"] == 2 and report.by_source["picks"]["articles"] == 2


async def test_a_robots_refusal_is_asked_again_once_robots_txt_expires(site: Site, store):
    site.page("/private/a.html", seed_page(seeds()[0]))
    site.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.page("/feed.xml", rss([("a", site.url("/private/a.html"))]),
              content_type="application/rss+xml")
    sync_sources(store, [SourceSpec("news", site.url("/feed.xml"), "feed")])
    await crawl(store, policy(robots_ttl=0.2), source_ids=["news"])
    (refused,) = events_of(store, "FetchFailed")
    assert refused.reason == "robots" and not refused.permanent and refused.retry_at
    assert site.hits["/private/a.html"] == 0

    site.page("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    time.sleep(0.3)
    report = await crawl(store, policy(robots_ttl=0.2), source_ids=["news"])
    assert report.fetched == 1 and site.hits["/private/a.html"] == 1


async def test_a_source_whose_kind_changes_is_not_asked_conditionally(site: Site, store):
    site.page("/list.xml", rss([("a", site.url("/news/a.html"))]),
              content_type="application/rss+xml", etag='"v1"')
    site.page("/news/a.html", seed_page(seeds()[0]))
    sync_sources(store, [SourceSpec("news", site.url("/list.xml"), "feed")])
    await crawl(store, policy(), source_ids=["news"])
    sync_sources(store, [SourceSpec("news", site.url("/list.xml"), "sitemap")])
    catch_up(store, SOURCES)
    (row,) = store.query("SELECT kind, etag FROM p_sources_sources")
    assert row == {"kind": "sitemap", "etag": None}
    await crawl(store, policy(), source_ids=["news"])
    asked = [r for r in site.requests if r.path == "/list.xml"]
    assert len(asked) == 2 and "if-none-match" not in asked[1].headers
