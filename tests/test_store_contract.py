"""The event log's contract: every backend passes these same tests (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from events import FeedPolled, PageSkipped, SourceAdded, SourceChanged, UnknownEvent
from store import ANY, NO_STREAM, ConcurrencyError
from store.base import pack_page


def added(source_id: str = "s1", **kw) -> SourceAdded:
    return SourceAdded(source_id=source_id, url=f"https://{source_id}.example/feed", kind="feed",
                       **kw)


def skipped(n: int) -> list[PageSkipped]:
    return [PageSkipped(url=f"https://example.org/{i}", reason="not_html") for i in range(n)]


def test_append_gives_gap_free_positions_and_stream_versions(store):
    first = store.append("source-a", [added("a")], NO_STREAM)
    second = store.append("page-x", skipped(3))
    assert (first.stream_version, first.last_position) == (1, 1)
    assert (second.stream_version, second.last_position, second.written) == (3, 4, 3)
    assert [r.position for r in store.read_all()] == [1, 2, 3, 4]
    assert store.head() == 4


def test_stream_versions_of_many_streams_in_one_call(store):
    store.append("source-a", [added("a")])
    store.append("page-x", skipped(3))
    streams = ["page-x", "nothing-here", "source-a"] + [f"s-{i}" for i in range(600)]
    versions = store.stream_versions(streams)
    assert versions == {s: store.stream_version(s) for s in streams}
    assert (versions["page-x"], versions["source-a"], versions["nothing-here"]) == (3, 1, 0)


def test_events_read_back_equal_to_what_was_appended(store):
    event = added("a", interval_seconds=900, name="A feed")
    store.append("source-a", [event])
    (recorded,) = list(store.read_all())
    assert recorded.event == event
    assert recorded.stream == "source-a"
    assert recorded.recorded_at.tzinfo is not None
    assert recorded.type == "SourceAdded"


def test_expected_version_mismatch_raises_and_writes_nothing(store):
    store.append("source-a", [added("a")], NO_STREAM)
    change = SourceChanged(source_id="a", changes={"enabled": False})
    with pytest.raises(ConcurrencyError, match="is at version 1, not 0"):
        store.append("source-a", [change, change.__class__(source_id="a")], NO_STREAM)
    assert store.head() == 1
    assert store.stream_version("source-a") == 1
    store.append("source-a", [change], expected_version=1)
    assert store.stream_version("source-a") == 2


def test_any_version_skips_the_check(store):
    store.append("s", skipped(2))
    store.append("s", skipped(1), ANY)
    assert store.stream_version("s") == 3


def test_appending_the_same_event_id_twice_stores_it_once(store):
    events = skipped(3)
    store.append("page-x", events, NO_STREAM)
    retry = store.append("page-x", events, NO_STREAM)  # a retry after a lost reply
    assert retry.written == 0
    assert store.head() == 3
    assert sum(store.count().values()) == 3


def test_an_append_repeating_an_id_is_refused(store):
    e = skipped(1)[0]
    with pytest.raises(ValueError, match="repeat"):
        store.append("page-x", [e, e])
    assert store.head() == 0


def test_read_stream_reads_only_that_stream_in_order(store):
    store.append("a", skipped(2))
    store.append("b", skipped(1))
    store.append("a", skipped(1))
    versions = [(r.stream, r.stream_version) for r in store.read_stream("a")]
    assert versions == [("a", 1), ("a", 2), ("a", 3)]
    assert [r.stream_version for r in store.read_stream("a", after_version=2)] == [3]
    assert store.read_stream("nothing") == []


def test_read_all_pages_through_a_long_log_after_a_position(store):
    for i in range(5):
        store.append(f"page-{i}", skipped(700))  # more than one read page
    positions = [r.position for r in store.read_all(after=1234)]
    assert positions == list(range(1235, 3501))
    assert [r.position for r in store.read_all(after=10, limit=3)] == [11, 12, 13]


def test_read_all_is_lazy(store):
    store.append("p", skipped(1500))
    reader = store.read_all()
    assert next(reader).position == 1  # a generator: nothing forces the whole log into memory
    reader.close()


def test_read_all_filters_by_type(store):
    store.append("source-a", [added("a")])
    store.append("page-x", skipped(2))
    store.append("source-a", [FeedPolled(source_id="a", url="u", status=200, entries_seen=4)])
    got = [(r.position, r.type) for r in store.read_all(types=["FeedPolled", "SourceAdded"])]
    assert got == [(1, "SourceAdded"), (4, "FeedPolled")]
    assert list(store.read_all(types=[])) == []


def test_get_event_and_count(store):
    e = added("a")
    store.append("source-a", [e])
    store.append("page-x", skipped(2))
    assert store.get_event(e.id).event == e
    assert store.get_event("no-such-id") is None
    assert store.count() == {"PageSkipped": 2, "SourceAdded": 1}


def test_causation_and_correlation_ids_survive(store):
    cause = added("a")
    effect = FeedPolled(source_id="a", url="u", status=200, entries_seen=1, **cause.caused())
    store.append("source-a", [cause, effect])
    stored = store.read_all(after=1)
    got = next(stored).event
    assert got.causation_id == cause.id
    assert got.correlation_id == cause.id


def test_the_log_refuses_updates_and_deletes(store):
    store.append("page-x", skipped(1))
    with pytest.raises(Exception, match="append-only"):
        store._execute_raw("UPDATE events SET type = 'X'")
    with pytest.raises(Exception, match="append-only"):
        store._execute_raw("DELETE FROM events")
    assert store.count() == {"PageSkipped": 1}


def test_events_of_unknown_types_are_kept_not_lost(store):
    store._execute_raw(
        "INSERT INTO events (position, id, stream, stream_version, type, version, recorded_at, "
        "data) VALUES (1, 'e1', 's', 1, 'FromTheFuture', 3, ?, '{\"x\": 1}')",
        ("2030-01-01T00:00:00+00:00",))
    (recorded,) = list(store.read_all())
    assert isinstance(recorded.event, UnknownEvent)
    assert recorded.as_dict()["type"] == "FromTheFuture"
    assert recorded.as_dict()["data"] == {"x": 1}


def test_raw_pages_are_stored_once_by_hash_and_compressed(store):
    body = b"<html>" + b"letter " * 10_000 + b"</html>"
    sha = store.put_page(body)
    assert store.put_page(body) == sha
    assert store.get_page(sha) == body
    assert store.get_page("0" * 64) is None
    (row,) = store.query("SELECT size, COUNT(*) AS n FROM pages GROUP BY size")
    assert row == {"size": len(body), "n": 1}
    (stored,) = store.query("SELECT body FROM pages")
    assert len(bytes(stored["body"])) < len(body) / 10


def test_append_streams_gives_consecutive_positions_across_streams(store):
    store.append("page-x", skipped(1))
    results = store.append_streams([("page-x", skipped(2), 1), ("article-a", [added("a")], NO_STREAM),
                                    ("empty", [], ANY)])
    assert [(r.stream_version, r.last_position, r.written) for r in results] == [
        (3, 3, 2), (1, 4, 1), (0, 1, 0)]
    assert [(r.position, r.stream, r.stream_version) for r in store.read_all()] == [
        (1, "page-x", 1), (2, "page-x", 2), (3, "page-x", 3), (4, "article-a", 1)]


def test_append_streams_stores_the_page_in_the_same_transaction(store):
    body = b"<html>" + b"telegram " * 1000 + b"</html>"
    page = pack_page(body)
    store.append_streams([("page-x", skipped(1), NO_STREAM)], page=page)
    assert store.get_page(page.sha256) == body
    store.append_streams([("page-y", skipped(1), NO_STREAM)], page=page)  # stored once
    assert store.query("SELECT COUNT(*) AS n FROM pages") == [{"n": 1}]


def test_a_conflict_in_one_stream_writes_nothing_anywhere(store):
    store.append("article-a", [added("a")], NO_STREAM)
    page = pack_page(b"<html>never stored</html>")
    with pytest.raises(ConcurrencyError):
        store.append_streams([("page-x", skipped(2), NO_STREAM), ("article-a", [added("b")], NO_STREAM)],
                             page=page)
    assert store.head() == 1
    assert store.stream_version("page-x") == 0
    assert store.get_page(page.sha256) is None


def test_a_retried_append_streams_stores_each_event_once(store):
    appends = [("page-x", skipped(2), NO_STREAM), ("article-a", [added("a")], NO_STREAM)]
    store.append_streams(appends)
    retry = store.append_streams(appends)
    assert [r.written for r in retry] == [0, 0]
    assert store.head() == 3


def test_append_streams_refuses_a_stream_named_twice(store):
    with pytest.raises(ValueError, match="twice"):
        store.append_streams([("s", skipped(1), ANY), ("s", skipped(1), ANY)])
    assert store.head() == 0


def test_wait_for_events_returns_when_the_head_moves(store):
    assert store.wait_for_events(0, timeout=0.05) is False
    store.append("p", skipped(1))
    assert store.wait_for_events(0, timeout=1.0) is True


def test_healthy(store):
    assert store.healthy()
