"""``letterwatch demo``: the whole pipeline on the shipped sample site, with no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from service.demo.server import SITE, DemoSite


def test_the_demo_site_serves_its_pages_with_its_own_address():
    site = DemoSite().start()
    try:
        feed = httpx.get(site.feed_url)
        assert feed.status_code == 200 and "rss" in feed.headers["content-type"]
        assert f"<link>{site.base}/articles/" in feed.text and "{{BASE}}" not in feed.text
        pages = sorted((SITE / "articles").glob("*.html"))
        assert 5 <= len(pages) <= 12  # a handful of articles, not the corpus
        page = httpx.get(f"{site.base}/articles/{pages[0].name}")
        assert "<article>" in page.text and "Advertisement" in page.text  # chrome included
        assert httpx.get(f"{site.base}/robots.txt").status_code == 200
        assert httpx.get(f"{site.base}/../pyproject.toml").status_code == 404
        assert httpx.get(f"{site.base}/nothing.html").status_code == 404
    finally:
        site.stop()


@pytest.mark.slow
def test_demo_once_crawls_the_sample_site_and_prints_the_letters(tmp_path: Path):
    db = tmp_path / "demo.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERWATCH_")}
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "demo", "--once", "--database", str(db)],
        capture_output=True, text=True, timeout=240, cwd=tmp_path, env={**env, "COLUMNS": "160"})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "demo news site on http://127.0.0.1:" in out
    assert "9 articles crawled" in out
    # Letters from the seed articles, each reported by the demo outlet.
    assert "Kim Yong Nam" in out  # the intermediary of Kim's message to Putin
    for name in ("Kim Jong Un", "Vladimir Putin", "Donald Trump", "Xi Jinping", "Moon Jae-in"):
        assert name in out
    assert "The Demo Gazette" in out
    # The kept database holds the log the letters came from.
    from store.sqlite import SQLiteStore

    with SQLiteStore(db) as store:
        counts = store.count()
        assert counts["ArticleExtracted"] == 9 and counts["LettersExtracted"] == 9
        assert counts["FeedPolled"] == 1
