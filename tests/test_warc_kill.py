"""An import killed with SIGKILL in the middle of an archive, then run again: every record
ends imported exactly once, with no gap in the log, and projections equal to a rebuild."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from folding import projection_rows
from sites import aeb_pages
from test_cli_service import env_for
from warcs import Capture, write_warc

from events.projections import ALL
from store import open_store
from store.projector import catch_up, rebuild

pytestmark = pytest.mark.slow

PAGES = 120


def run_import(archive: Path, env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "service.cli", "import-warc", str(archive),
                             "--json"], env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def count(db: Path, event_type: str) -> int:
    store = open_store(f"sqlite:///{db}")
    try:
        return store.count().get(event_type, 0)
    finally:
        store.close()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_import_killed_midway_and_run_again_records_every_record_once(tmp_path: Path,
                                                                         workers: str):
    pages = list(aeb_pages().values())[:PAGES]
    captures = [Capture(url, html, date=f"2019-06-{1 + i % 28:02d}T10:00:00Z")
                for i, (url, html) in enumerate(pages)]
    archive = write_warc(tmp_path / "news.warc.gz", captures)
    db = tmp_path / "kill.db"
    env = env_for(f"sqlite:///{db}", LETTERWATCH_EXTRACT_WORKERS=workers)

    first = run_import(archive, env, tmp_path)
    deadline = time.monotonic() + 120
    while not db.exists() or count(db, "PageFetched") < PAGES // 4:
        assert first.poll() is None, first.communicate()[0]
        assert time.monotonic() < deadline, "the import made no progress"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    before = count(db, "PageFetched")
    assert PAGES // 4 <= before < PAGES, "killed too late to test anything"

    second = run_import(archive, env, tmp_path)
    out, _ = second.communicate(timeout=300)
    assert second.returncode == 0, out
    assert f'"already": {before}' in out and f'"pages": {PAGES - before}' in out

    store = open_store(f"sqlite:///{db}")
    try:
        fetched = Counter(r.event.archive_record_id for r in store.read_all(types=["PageFetched"]))
        urls = Counter(r.event.url for r in store.read_all(types=["PageFetched"]))
        extracted = Counter(r.event.url for r in store.read_all(types=["ArticleExtracted"]))
        assert len(fetched) == PAGES and set(fetched.values()) == {1}
        assert set(urls) == {c.url for c in captures} and set(urls.values()) == {1}
        assert set(extracted.values()) == {1} and len(extracted) == PAGES
        positions = [r.position for r in store.read_all()]
        assert positions == list(range(1, len(positions) + 1))
        # A third run adds nothing.
        head = store.head()
        third = run_import(archive, env, tmp_path)
        assert third.communicate(timeout=120)[1] is None and third.returncode == 0
        assert store.head() == head
        for p in ALL.values():
            store.ensure_projection(p)
            catch_up(store, p)
        live = projection_rows(store)
        for p in ALL.values():
            rebuild(store, p)
        assert live == projection_rows(store)
    finally:
        store.close()
