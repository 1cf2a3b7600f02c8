"""A crawling process killed with SIGKILL in the middle of a crawl, then run again: every page
ends recorded once, nothing is lost or duplicated, and the projections equal a rebuild."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from folding import projection_rows
from sites import Site, aeb_pages, rss
from test_cli_service import env_for

from events.projections import ALL
from store import open_store
from store.projector import catch_up, rebuild

pytestmark = pytest.mark.slow

PAGES = 120


def crawl(env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "service.cli", "crawl", "--source", "news",
                             "--sources-file", "sources.toml"], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def count(db: Path, event_type: str) -> int:
    store = open_store(f"sqlite:///{db}")
    try:
        return store.count().get(event_type, 0)
    finally:
        store.close()


def test_a_crawl_killed_midway_and_run_again_records_every_page_once(tmp_path: Path):
    db = tmp_path / "kill.db"
    env = env_for(f"sqlite:///{db}", LETTERWATCH_PER_HOST_DELAY="0")
    with Site() as site:
        pages = sorted(aeb_pages().items())[:PAGES]
        urls = []
        for key, (_, html) in pages:
            site.page(f"/news/{key}.html", html)
            urls.append(site.url(f"/news/{key}.html"))
        site.page("/feed.xml", rss([(u.rsplit("/", 1)[1], u) for u in urls]),
                  content_type="application/rss+xml")
        (tmp_path / "sources.toml").write_text(
            f'[[source]]\nid = "news"\nurl = "{site.url("/feed.xml")}"\nkind = "feed"\n')

        first = crawl(env, tmp_path)
        deadline = time.monotonic() + 120
        while not db.exists() or count(db, "PageFetched") < PAGES // 4:
            assert first.poll() is None, first.communicate()[0]
            assert time.monotonic() < deadline, "the crawl made no progress"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        before = count(db, "PageFetched")
        assert PAGES // 4 <= before < PAGES, "killed too late to test anything"

        second = crawl(env, tmp_path)
        out, _ = second.communicate(timeout=300)
        assert second.returncode == 0, out

    store = open_store(f"sqlite:///{db}")
    try:
        fetched = Counter(r.event.url for r in store.read_all(types=["PageFetched"]))
        extracted = Counter(r.event.url for r in store.read_all(types=["ArticleExtracted"]))
        failed = [r.event for r in store.read_all(types=["FetchFailed"])]
        assert failed == []
        # None lost: every page is there; none duplicated: each once, the killed run's too.
        assert set(fetched) == set(urls) and set(fetched.values()) == {1}
        assert set(extracted) == set(urls) and set(extracted.values()) == {1}
        positions = [r.position for r in store.read_all()]
        assert positions == list(range(1, len(positions) + 1))
        for p in ALL.values():
            store.ensure_projection(p)
            catch_up(store, p)
        incremental = projection_rows(store)
        assert len(incremental["p_articles_articles"]) == PAGES
        for p in ALL.values():
            rebuild(store, p)
        assert projection_rows(store) == incremental
    finally:
        store.close()
