"""Event log throughput, side by side with the ``eventsourcing`` library's recorders.

Same events (payload size), same batch sizes, same database, one run:
  - batched append (one transaction per batch), events/s
  - single-event appends (one transaction each), events/s
  - replay of the log into the articles projection, events/s
  - replay of a 1,000,000-event log in a fresh process, its own peak RSS (VmHWM)

The replay's memory is read from /proc/self/status (VmHWM) in the child: ru_maxrss is carried
over from the parent across fork and exec on Linux, so it would report the bench's own peak.

    python bench/bench_store.py [--events 200000] [--batch 1000] [--replay 1000000]
    LETTERWATCH_BENCH_POSTGRES_URL=postgresql://127.0.0.1:5432/test (default) ; "" to skip
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from events import ArticleExtracted, Finding, LettersExtracted, PageFetched, url_key  # noqa: E402
from events.projections import ALL, ARTICLES  # noqa: E402
from store.projector import rebuild, rebuild_all  # noqa: E402
from store.sqlite import SQLiteStore  # noqa: E402

PG_URL = os.environ.get("LETTERWATCH_BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
TEXT = "Kim Jong Un sent a letter to Donald Trump, the White House said. " * 3


def article_events(i: int) -> list:
    """Three events per article, as a crawl writes them: fetched, extracted, letters found.
    Each article's letter is between a pair of its own, as in bench_api: one pair reported a
    million times would make one letter of a million sources."""
    url = f"https://news.example/{i}"
    aid = url_key(url)
    sender, recipient = f"Leader {i % 1000:03d}", f"Leader {1000 + i // 1000 % 1000:04d}"
    return [
        PageFetched(url=url, final_url=url, status=200, body_sha256="ab" * 32, size=48_000,
                    content_type="text/html", source_id="bench"),
        ArticleExtracted(article_id=aid, url=url, text=TEXT, extractor_version="1.0",
                         title="Kim sends letter", published="2019-08-10", site_name="News"),
        LettersExtracted(article_id=aid, extractor_version="1.0", letters=(
            Finding(sender, recipient, "letter", "2019-08", None, TEXT[:64]),)),
    ]


def batches(n: int, size: int) -> list[tuple[str, list]]:
    """Exactly n events, cut into appends of ``size`` (one stream each)."""
    events: list = []
    i = 0
    while len(events) < n:
        events.extend(article_events(i))
        i += 1
    del events[n:]
    return [(f"article-{k // size}", events[k:k + size]) for k in range(0, n, size)]


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>10,.0f} ev/s"


# --- letterwatch ---------------------------------------------------------------------------


def lw_append(store, work) -> float:
    t = time.perf_counter()
    for stream, events in work:
        store.append(stream, events)
    return time.perf_counter() - t


# --- eventsourcing -------------------------------------------------------------------------


def es_stored(work):
    """The same payloads as eventsourcing StoredEvents (originator = stream, state = JSON)."""
    from eventsourcing.persistence import StoredEvent

    out = []
    for stream, events in work:
        oid = uuid.uuid5(uuid.NAMESPACE_URL, stream)
        out.append([StoredEvent(originator_id=oid, originator_version=v, topic=e.TYPE,
                                state=orjson.dumps(e.data())) for v, e in enumerate(events, 1)])
    return out


def es_append(recorder, stored) -> float:
    t = time.perf_counter()
    for events in stored:
        recorder.insert_events(events)
    return time.perf_counter() - t


def es_sqlite(path: str):
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    recorder = SQLiteApplicationRecorder(SQLiteDatastore(path))
    recorder.create_table()
    return recorder


def es_postgres(schema: str):
    from urllib.parse import urlsplit

    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    u = urlsplit(PG_URL)
    ds = PostgresDatastore(u.path.lstrip("/") or "test", u.hostname or "127.0.0.1", u.port or 5432,
                           u.username or os.environ.get("USER", "root"), u.password or "",
                           schema=schema)
    with ds.transaction(commit=True) as curs:
        curs.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    recorder = PostgresApplicationRecorder(ds, events_table_name="stored_events")
    recorder.create_table()
    return recorder, ds


def drop_pg_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


# --- replay --------------------------------------------------------------------------------


def replay_rate(store) -> float:
    store.ensure_projection(ARTICLES)
    t = time.perf_counter()
    n = rebuild(store, ARTICLES)
    return n / (time.perf_counter() - t)


def replay_all_rate(store) -> float:
    """Events of the log per second while every projection is rebuilt in one read of it."""
    for p in ALL.values():
        store.ensure_projection(p)
    t = time.perf_counter()
    rebuild_all(store, ALL.values())
    return store.head() / (time.perf_counter() - t)


REPLAY_CHILD = """
import sys, time
from events.projections import ALL
from store import open_store
from store.projector import rebuild_all
store = open_store(sys.argv[1])
for p in ALL.values():
    store.ensure_projection(p)
t = time.perf_counter()
rebuild_all(store, ALL.values())
n = store.head()
dt = time.perf_counter() - t
hwm = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(n, dt, hwm)
"""


def big_replay(n: int, workdir: str) -> tuple[int, float, int]:
    """Write n events, then replay them in a fresh process and read its peak RSS (kB)."""
    path = os.path.join(workdir, "big.db")
    store = SQLiteStore(path)
    done = 0
    i = 0
    while done < n:
        chunk = []
        while len(chunk) < 3000 and done + len(chunk) < n:
            chunk.extend(article_events(i))
            i += 1
        store.append(f"big-{i}", chunk[: n - done])
        done += min(len(chunk), n - done)
    store.close()
    out = subprocess.run([sys.executable, "-c", REPLAY_CHILD, f"sqlite:///{path}"],
                         capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    events, seconds, rss_kb = out.stdout.split()
    return int(events), float(seconds), int(rss_kb)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--single", type=int, default=2000)
    ap.add_argument("--replay", type=int, default=1_000_000)
    args = ap.parse_args()

    work = batches(args.events, args.batch)
    singles = [(f"single-{i}", [e]) for i, e in enumerate(
        e for _, b in batches(args.single, 3) for e in b)][: args.single]
    n = sum(len(b) for _, b in work)
    payload = sum(len(orjson.dumps(e.data())) for _, b in work[:10] for e in b) / sum(
        len(b) for _, b in work[:10])
    print(f"{n:,} events in batches of {args.batch}, mean payload {payload:.0f} bytes; "
          f"{len(singles):,} single-event appends\n")
    print(f"{'':34}{'letterwatch':>16}{'eventsourcing':>18}")

    with tempfile.TemporaryDirectory() as tmp:
        lw = SQLiteStore(os.path.join(tmp, "lw.db"))
        es = es_sqlite(os.path.join(tmp, "es.db"))
        print(f"{'SQLite batched append':34}{rate(n, lw_append(lw, work)):>16}"
              f"{rate(n, es_append(es, es_stored(work))):>18}")
        lw1 = SQLiteStore(os.path.join(tmp, "lw1.db"))
        es1 = es_sqlite(os.path.join(tmp, "es1.db"))
        print(f"{'SQLite single-event append':34}{rate(len(singles), lw_append(lw1, singles)):>16}"
              f"{rate(len(singles), es_append(es1, es_stored(singles))):>18}")
        print(f"{'SQLite replay into articles':34}{replay_rate(lw):>11,.0f} ev/s")
        print(f"{'SQLite rebuild of all, one read':34}{replay_all_rate(lw):>11,.0f} ev/s")
        lw.close()
        lw1.close()

        if PG_URL:
            from store.postgres import PostgresStore

            s1, s2, s3, s4 = (f"bench_{k}_{uuid.uuid4().hex[:6]}" for k in "abcd")
            try:
                pg = PostgresStore(PG_URL, schema=s1)
                es_pg, ds = es_postgres(s2)
                print(f"{'PostgreSQL batched append':34}{rate(n, lw_append(pg, work)):>16}"
                      f"{rate(n, es_append(es_pg, es_stored(work))):>18}")
                pg1 = PostgresStore(PG_URL, schema=s3)
                es_pg1, ds1 = es_postgres(s4)
                print(f"{'PostgreSQL single-event append':34}"
                      f"{rate(len(singles), lw_append(pg1, singles)):>16}"
                      f"{rate(len(singles), es_append(es_pg1, es_stored(singles))):>18}")
                print(f"{'PostgreSQL replay into articles':34}{replay_rate(pg):>11,.0f} ev/s")
                print(f"{'PostgreSQL rebuild of all, one read':34}"
                      f"{replay_all_rate(pg):>11,.0f} ev/s")
                pg.close()
                pg1.close()
                ds.close()
                ds1.close()
            finally:
                for s in (s1, s2, s3, s4):
                    drop_pg_schema(s)

        if args.replay:
            events, seconds, rss_kb = big_replay(args.replay, tmp)
            print(f"\nrebuild of every projection from {events:,} events in one read (SQLite, "
                  f"fresh process): {events / seconds:,.0f} ev/s, peak RSS {rss_kb / 1024:.0f} MB")
    print(f"\nself peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
