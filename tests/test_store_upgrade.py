"""A log written by an older release still opens, reads and replays."""

from __future__ import annotations

import shutil
from pathlib import Path

from events.projections import ALL
from store.projector import catch_up
from store.sqlite import SQLiteStore

FIXTURE = Path(__file__).parent / "fixtures" / "log-v1.sqlite"


def test_an_old_log_is_upcast_when_read_and_replays_into_projections(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    with SQLiteStore(path) as store:
        events = [r.event for r in store.read_all()]
        assert [type(e).__name__ for e in events] == [
            "SourceAdded", "SourceAdded", "ArticleExtracted", "LettersExtracted"]
        assert events[0].interval_seconds == 1800  # v1 counted minutes
        for p in ALL.values():
            store.ensure_projection(p)
            catch_up(store, p)
        sources = store.query("SELECT source_id, interval_seconds, enabled FROM p_sources_sources "
                              "ORDER BY source_id")
        assert sources == [{"source_id": "kcna", "interval_seconds": 1800, "enabled": 1},
                           {"source_id": "yna", "interval_seconds": 7200, "enabled": 1}]
        (letter,) = store.query("SELECT sender, recipient, date FROM p_letters_letters")
        assert letter == {"sender": "Kim Jong Un", "recipient": "Donald Trump", "date": "2019-08"}
        # and the old file takes new appends
        store.append("source-kcna", [events[0].__class__(source_id="x", url="u", kind="feed")])
        assert store.head() == 5
