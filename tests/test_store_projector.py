"""Projections follow the log: incremental catch-up and a full rebuild give the same rows."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from folding import projection_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import (
    ArticleExtracted,
    FeedPolled,
    FetchFailed,
    Finding,
    LettersExtracted,
    PageFetched,
    PageSkipped,
    SourceAdded,
    SourceChanged,
    SourceRemoved,
)
from events.projections import ALL, LETTERS
from store.projector import catch_up, catch_up_all, ensure_current, rebuild, rebuild_all
from store.sqlite import SQLiteStore

PEOPLE = ["Kim Jong Un", "Donald Trump", "Xi Jinping", "Vladimir Putin"]
SOURCES = ["s1", "s2"]
ARTICLES = ["a1", "a2", "a3", "a4"]

dates = st.sampled_from([None, "2019", "2019-08", "2019-08-09", "2019-08-20", "2018-06-12"])


@st.composite
def findings(draw):
    sender, recipient = draw(st.permutations(PEOPLE))[:2]
    return Finding(sender, recipient, draw(st.sampled_from(["letter", "message", "telegram"])),
                   draw(dates), draw(st.sampled_from([None, "Kim Yong Chol"])),
                   draw(st.text(min_size=1, max_size=20)), draw(st.integers(0, 500)), -1,
                   draw(st.floats(0, 1)), None,
                   status=draw(st.sampled_from(["reported", "claimed", "denied", "planned"])),
                   recipient_type=draw(st.sampled_from(["person", "organisation"])))


@st.composite
def an_event(draw):
    kind = draw(st.sampled_from(["source", "change", "remove", "poll", "fail", "fetch", "skip",
                                 "article", "letters"]))
    s = draw(st.sampled_from(SOURCES))
    a = draw(st.sampled_from(ARTICLES))
    url = f"https://news.example/{a}"
    if kind == "source":
        return f"source-{s}", SourceAdded(source_id=s, url=f"https://{s}.example/feed",
                                          kind="feed", interval_seconds=600)
    if kind == "change":
        return f"source-{s}", SourceChanged(source_id=s, changes={
            "enabled": draw(st.booleans()), "interval_seconds": draw(st.integers(60, 9999))})
    if kind == "remove":
        return f"source-{s}", SourceRemoved(source_id=s)
    if kind == "poll":
        return f"source-{s}", FeedPolled(source_id=s, url=f"https://{s}.example/feed",
                                         status=200, entries_seen=draw(st.integers(0, 50)),
                                         new_urls=(url,))
    if kind == "fail":
        return f"page-{a}", FetchFailed(url=draw(st.sampled_from([url, f"https://{s}.example/feed"])),
                                        reason="timeout", source_id=s)
    if kind == "fetch":
        return f"page-{a}", PageFetched(url=url, final_url=url, status=200, body_sha256="0" * 64,
                                        size=10, source_id=s)
    if kind == "skip":
        return f"page-{a}", PageSkipped(url=url, reason="not_html", source_id=s)
    if kind == "article":
        return f"article-{a}", ArticleExtracted(
            article_id=a, url=url, text=draw(st.text(max_size=30)),
            extractor_version=draw(st.sampled_from(["1", "2"])),
            published=draw(st.sampled_from([None, "2019-08-10", "2019-09-01"])),
            duplicate_of=draw(st.sampled_from([None, None, "a1"])) if a != "a1" else None)
    letters = tuple(draw(st.lists(findings(), max_size=3)))
    if len(letters) > 1 and draw(st.booleans()):
        letters = letters[:1] + (Finding(*[getattr(letters[1], f) for f in
                                           ("sender", "recipient", "kind", "date", "via",
                                            "evidence", "start", "end", "confidence")],
                                         reply_to=0),) + letters[2:]
    return f"article-{a}", LettersExtracted(article_id=a, letters=letters,
                                            extractor_version=draw(st.sampled_from(["1", "2"])))


def text_indexes_agree(store: SQLiteStore) -> None:
    """Every full-text index holds exactly the words of its table's rows (FTS5's own check
    against the content table: it fails when a trigger missed a change)."""
    for p in ALL.values():
        for t in p.tables:
            if t.search:
                fts = f"p_{p.name}_{t.name}_fts"
                store._execute_raw(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")


def counts_agree(store: SQLiteStore) -> None:
    """The counts the letters fold keeps (people, correspondents, kinds) are what counting
    the letters table gives, however letters came and went."""
    def rows(sql: str) -> list[tuple]:
        return [tuple(r.values()) for r in store.query(sql)]

    assert rows("SELECT kind, letters FROM p_letters_kinds ORDER BY kind") == rows(
        "SELECT kind, COUNT(*) FROM p_letters_letters GROUP BY kind ORDER BY kind")
    # People and correspondents count the letters said to be sent (reported or claimed).
    sent = "(SELECT * FROM p_letters_letters WHERE status IN ('reported', 'claimed'))"
    assert rows("SELECT sender_key, recipient_key, letters FROM p_letters_correspondents "
                "ORDER BY 1, 2") == rows(
        f"SELECT sender_key, recipient_key, COUNT(*) FROM {sent} GROUP BY 1, 2 ORDER BY 1, 2")
    assert rows("SELECT person_id, name, sent, received FROM p_letters_people ORDER BY 1") == rows(
        f"SELECT k, MIN(n), SUM(s), SUM(r) FROM (SELECT sender_key AS k, sender AS n, 1 AS s, "
        f"0 AS r FROM {sent} UNION ALL SELECT recipient_key, recipient, 0, 1 FROM {sent}) "
        f"GROUP BY k ORDER BY k")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=st.lists(an_event(), max_size=40), cuts=st.lists(st.integers(0, 40), max_size=6),
       together=st.lists(st.booleans(), min_size=7, max_size=7))
def test_incremental_folding_and_a_rebuild_give_identical_projections(events, cuts, together):
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore(Path(tmp) / "p.db") as store:
        ensure_current(store, ALL.values())
        bounds = sorted({0, len(events), *[c for c in cuts if c <= len(events)]})
        for i, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
            for stream, e in events[lo:hi]:
                store.append(stream, [e])
            # Catch up after every chunk, in small batches: all projections in one read of
            # the log, or one after the other.
            if together[i]:
                catch_up_all(store, ALL.values(), batch=3)
            else:
                for p in ALL.values():
                    catch_up(store, p, batch=3)
        incremental = projection_rows(store)
        text_indexes_agree(store)
        counts_agree(store)
        rebuild_all(store, ALL.values())
        assert projection_rows(store) == incremental
        text_indexes_agree(store)
        for p in ALL.values():  # one at a time, as `letterwatch rebuild NAME` does
            rebuild(store, p)
        assert projection_rows(store) == incremental
        text_indexes_agree(store)


def test_rebuild_swaps_fresh_tables_in_while_readers_keep_answering(sqlite_store):
    store = sqlite_store
    ensure_current(store, [LETTERS])
    for i in range(300):
        aid = f"a{i}"
        store.append(f"article-{aid}", [
            ArticleExtracted(article_id=aid, url=f"https://x.example/{i}", text=".",
                             extractor_version="1", published="2019-08-10"),
            LettersExtracted(article_id=aid, extractor_version="1", letters=(
                Finding(PEOPLE[i % 4], PEOPLE[(i + 1) % 4], "letter", f"{2000 + i}", None, "e"),)),
        ])
    catch_up(store, LETTERS)
    stop = threading.Event()
    seen: list[int] = []

    def reader() -> None:
        while not stop.is_set():
            seen.append(store.query("SELECT COUNT(*) AS n FROM p_letters_letters")[0]["n"])

    t = threading.Thread(target=reader)
    t.start()
    try:
        rebuild(store, LETTERS)
    finally:
        stop.set()
        t.join()
    assert seen and set(seen) == {300}  # never an empty or half-built table
    assert store.checkpoint("letters").position == store.head()
    assert [c.target for c in store.checkpoints() if c.name == "letters"] == ["live"]


def test_two_runners_on_one_projection_never_apply_an_event_twice(store):
    for i in range(200):
        store.append(f"source-s{i}", [SourceAdded(source_id=f"s{i}", url="u", kind="feed"),
                                      FeedPolled(source_id=f"s{i}", url="u", status=200,
                                                 entries_seen=1, new_urls=("x",))])
    sources = ALL["sources"]
    store.ensure_projection(sources)
    threads = [threading.Thread(target=catch_up, args=(store, sources), kwargs={"batch": 7})
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = store.query("SELECT polls, new_urls FROM p_sources_sources")
    assert len(rows) == 200
    assert {(r["polls"], r["new_urls"]) for r in rows} == {(1, 1)}


def test_a_fold_version_bump_triggers_a_rebuild(sqlite_store):
    from dataclasses import replace

    store = sqlite_store
    ensure_current(store, [ALL["sources"]])
    store.append("source-a", [SourceAdded(source_id="a", url="u", kind="feed")])
    bumped = replace(ALL["sources"], version=ALL["sources"].version + 1)
    ensure_current(store, [bumped])
    cp = store.checkpoint("sources")
    assert (cp.version, cp.position) == (bumped.version, 1)
