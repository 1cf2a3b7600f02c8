"""``/letters?as_of=`` walked downwards, the costly direction: each request a position no
earlier answer folded from, as a client paging back through history does.

Compares the snapshot design (a fold from the nearest snapshot) with folding from the start
of the log, which every such request cost before snapshots (the cache only helped a client
walking forwards). Both answer from the same SQLite log, in one process.

    python bench/bench_as_of.py [--articles 20000] [--requests 40] [--every 5000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from events import ArticleExtracted, Finding, LettersExtracted  # noqa: E402
from service.api.queries import AsOf  # noqa: E402
from store import NO_STREAM  # noqa: E402
from store.sqlite import SQLiteStore  # noqa: E402

PEOPLE = ["Kim Jong Un", "Vladimir Putin", "Xi Jinping", "Joe Biden", "Emmanuel Macron",
          "Narendra Modi", "Lula", "Olaf Scholz", "Fumio Kishida", "Recep Erdogan"]


def fill(store: SQLiteStore, articles: int) -> None:
    batch = []
    for i in range(articles):
        sender, recipient = PEOPLE[i % 10], PEOPLE[(i * 7 + 3) % 10]
        if sender == recipient:
            recipient = PEOPLE[(i + 1) % 10]
        finding = Finding(sender=sender, recipient=recipient, kind="letter",
                          date=f"20{10 + i % 14}-{i % 12 + 1:02d}-{i % 28 + 1:02d}", via=None,
                          evidence=f"{sender} wrote to {recipient} ({i}).", reply_to=None)
        batch.append((f"article-a{i}", [
            ArticleExtracted(article_id=f"a{i}", url=f"https://n{i % 40}.example/{i}",
                             title=f"t{i}", published="2024-01-01", site_name=f"n{i % 40}",
                             extractor_version="b", text=finding.evidence),
            LettersExtracted(article_id=f"a{i}", extractor_version="b", letters=(finding,))],
            NO_STREAM))
        if len(batch) == 500:
            store.append_streams(batch)
            batch = []
    if batch:
        store.append_streams(batch)


def walk(asof: AsOf, store: SQLiteStore, positions: list[int]) -> list[float]:
    took = []
    for p in positions:
        started = time.perf_counter()
        asof.letters(store, p)
        took.append((time.perf_counter() - started) * 1000)
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--every", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "asof.db")
        fill(store, args.articles)
        head = store.head()
        step = head // (args.requests + 1)
        positions = [head - step * (i + 1) for i in range(args.requests)]
        print(f"log: {head} events; {args.requests} requests walking down from {positions[0]} "
              f"to {positions[-1]}")
        snap = AsOf(every=args.every)
        first = walk(snap, store, [head])[0]
        snapped = walk(snap, store, positions)
        scratch = walk(AsOf(size=0, every=10**12), store, positions)
        for name, took in (("snapshots", snapped), ("from the start", scratch)):
            print(f"{name:>15}: median {statistics.median(took):7.1f} ms, "
                  f"max {max(took):7.1f} ms per request")
        print(f"(the first request with snapshots, at the head, folds the log once: "
              f"{first:.0f} ms)")
        # What the snapshots add: their tables' dicts (the rows themselves are shared).
        held = [rows for at, rows in snap._snapshots.items() if at]
        extra = sum(sys.getsizeof(t) for rows in held for t in rows.tables.values())
        letters = len(held[-1].tables["letters"]) if held else 0
        print(f"{len(held)} snapshots, {extra / 1e6:.1f} MB of table dicts "
              f"({letters} letters in the latest)")
        store.close()


if __name__ == "__main__":
    main()
