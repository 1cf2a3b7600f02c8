"""Archives read over HTTP, through the crawler's fetch policy: the address guard, redirects
and a size cap; and the list of CC-NEWS files for a range of months. All against a local
server."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from sites import Reply, Request, Site, aeb_pages, redirect, seed_page, seeds, site  # noqa: F401
from test_cli_service import env_for
from warcs import Capture, record_bytes

from scrapers.policy import FetchPolicy
from scrapers.warc.ccnews import ListingError, cc_news_urls, months
from scrapers.warc.importer import import_archives_sync
from store import Store

LOCAL = FetchPolicy(allow_private=["127.0.0.1"])


def seed_archive() -> bytes:
    return b"".join(record_bytes(Capture(f"https://news.example/{s['id']}",
                                         seed_page(s).encode())) for s in seeds())


def larger_archive() -> bytes:
    """The seeds and 30 benchmark pages: larger than a read buffer."""
    return seed_archive() + b"".join(record_bytes(Capture(url, html))
                                     for url, html in list(aeb_pages().values())[:30])


def unsized(data: bytes):
    """Sends ``data`` without a Content-Length, as a stream ending when the connection does."""
    async def handler(req: Request, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "application/warc"})
        for i in range(0, len(data), 4096):
            await reply.write(data[i:i + 4096])

    return handler


def test_an_archive_url_is_streamed_and_imported(sqlite_store: Store, site: Site):
    data = seed_archive()
    site.page("/news.warc.gz", data, content_type="application/warc")
    site.route("/latest.warc.gz", redirect("/news.warc.gz"))
    url = site.url("/latest.warc.gz")
    report = import_archives_sync(sqlite_store, [url], LOCAL)
    assert (report.pages, report.articles, report.bad) == (5, 5, {})
    assert report.bytes == len(data)
    archives = {r.event.archive for r in sqlite_store.read_all(types=["PageFetched"])}
    assert archives == {url}
    assert import_archives_sync(sqlite_store, [url], LOCAL).already == 5


def test_the_address_guard_refuses_a_private_address(sqlite_store: Store, site: Site):
    site.page("/news.warc.gz", seed_archive())
    report = import_archives_sync(sqlite_store, [site.url("/news.warc.gz")], FetchPolicy())
    assert report.bad == {"file cannot be opened": 1}
    assert "non-public address" in report.problems[0][2]
    assert site.hits["/news.warc.gz"] == 0 and sqlite_store.head() == 0


def test_an_archive_over_the_size_cap_is_refused_or_cut(sqlite_store: Store, site: Site):
    data = larger_archive()
    site.page("/sized.warc.gz", data)
    site.route("/unsized.warc.gz", unsized(data))
    limit = len(data) // 2
    sized = import_archives_sync(sqlite_store, [site.url("/sized.warc.gz")], LOCAL,
                                 archive_limit=limit)
    assert sized.bad == {"file cannot be opened": 1} and "too_large" in sized.problems[0][2]
    assert sized.pages == 0
    # Without a declared length the download stops at the cap; what came before is kept.
    cut = import_archives_sync(sqlite_store, [site.url("/unsized.warc.gz")], LOCAL,
                               archive_limit=limit)
    assert cut.bad == {"unreadable bytes": 1} and "too_large" in cut.problems[0][2]
    assert 5 <= cut.pages < 35
    assert cut.bytes <= limit + 65536


def test_a_missing_archive_is_reported(sqlite_store: Store, site: Site):
    report = import_archives_sync(sqlite_store, [site.url("/none.warc.gz")], LOCAL)
    assert report.bad == {"file cannot be opened": 1} and "HTTP 404" in report.problems[0][2]


def listing(paths: list[str]) -> bytes:
    return gzip.compress("".join(p + "\n" for p in paths).encode())


def test_cc_news_lists_the_files_of_a_month_range(site: Site):
    june = [f"crawl-data/CC-NEWS/2019/06/CC-NEWS-201906{d:02d}000000-0000{d}.warc.gz"
            for d in (1, 2)]
    july = ["crawl-data/CC-NEWS/2019/07/CC-NEWS-20190701000000-00003.warc.gz"]
    site.page("/crawl-data/CC-NEWS/2019/06/warc.paths.gz", listing(june),
              content_type="application/octet-stream")
    site.page("/crawl-data/CC-NEWS/2019/07/warc.paths.gz", listing(july),
              content_type="application/octet-stream")
    import asyncio

    urls = asyncio.run(cc_news_urls("2019-06", "2019-07", LOCAL, base=site.url("/")))
    assert urls == [site.url("/") + p for p in june + july]
    with pytest.raises(ListingError, match="2019/08/warc.paths.gz: http_404"):
        asyncio.run(cc_news_urls("2019-07", "2019-08", LOCAL, base=site.url("/")))


def test_months_run_across_years_and_refuse_a_backward_range():
    assert months("2019-11", "2020-02") == [(2019, 11), (2019, 12), (2020, 1), (2020, 2)]
    with pytest.raises(ValueError):
        months("2020-02", "2019-11")
    with pytest.raises(ValueError):
        months("2019", "2019-06")


@pytest.mark.slow
def test_the_cc_news_command_prints_urls_for_import(site: Site, tmp_path: Path):
    paths = ["crawl-data/CC-NEWS/2019/06/CC-NEWS-20190601000000-00001.warc.gz"]
    site.page("/crawl-data/CC-NEWS/2019/06/warc.paths.gz", listing(paths))
    site.page("/" + paths[0], seed_archive())
    env = env_for(f"sqlite:///{tmp_path / 'cc.db'}")
    out = subprocess.run([sys.executable, "-m", "service.cli", "cc-news-urls", "2019-06",
                          "--base", site.url("/")], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [site.url("/") + paths[0]]
    done = subprocess.run([sys.executable, "-m", "service.cli", "import-warc", "--json",
                           *out.stdout.split()], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert '"pages": 5' in done.stdout
