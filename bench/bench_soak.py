"""Soak: a worker ingests 10,000 pages while the API is under load, and the memory of both
processes is watched.

    .venv/bin/python bench/bench_soak.py                      # SQLite, 10,000 pages
    .venv/bin/python bench/bench_soak.py --pages 2000         # a shorter look

The setup is bench_load.py's: ``letterwatch worker`` and ``letterwatch api`` as processes of
their own, a local site serving the 181 pages of the article-extraction benchmark as
``/a/<n>/<key>.html`` (each copy with a paragraph of its own, so most copies are articles
of their own rather than near-duplicates of the first; the share still taken for duplicates
is reported), one feed of 500 pages per source. wrk runs the read mix back to back in
windows of ``--window`` seconds for as long as the worker ingests. Every ``--sample``
seconds the resident memory (VmRSS, process and children) of the worker and of the API is
read from /proc (with its anonymous part, and the open file descriptors) together with the
pages fetched so far.

Reported: pages/s, requests/s and p50/p99 per window, errors, RSS at start, after warm-up,
halfway and at the end, and the slope of RSS after warm-up (least squares, MB per 1,000
pages). Figures go to bench/results/soak-<database>.json. Exits 1 on API errors or when
the pages were not all ingested.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import Services, load, save  # noqa: E402


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


def memory(pid: int) -> dict[str, float]:
    """VmRSS and its anonymous part (the heap: RssAnon) in MB, and open file descriptors,
    summed over a process and its descendants."""
    out = {"rss": 0.0, "anon": 0.0, "fds": 0}
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    out["rss"] += int(line.split()[1]) / 1024
                elif line.startswith("RssAnon:"):
                    out["anon"] += int(line.split()[1]) / 1024
            out["fds"] += len(os.listdir(f"/proc/{p}/fd"))
        except OSError:
            pass
    return {k: round(v, 1) for k, v in out.items()}


def slope_per_1000(samples: list[dict[str, Any]], key: str) -> float:
    """Least-squares slope of ``key`` (MB) against pages fetched, per 1,000 pages."""
    xs = [s["pages"] for s in samples]
    ys = [s[key] for s in samples]
    if len(xs) < 2 or max(xs) == min(xs):
        return 0.0
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return 1000 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def at_pages(samples: list[dict[str, Any]], pages: float) -> dict[str, Any]:
    return min(samples, key=lambda s: abs(s["pages"] - pages))


def soak(database: str, pages: int, connections: int, window: float, sample: float,
         warmup: int, max_minutes: float, letters: int) -> dict[str, Any]:
    samples: list[dict[str, Any]] = []
    windows: list[dict[str, Any]] = []
    done = threading.Event()
    with Services(database, pages, letters, name=f"soak-{database}") as s:
        t0 = time.monotonic()

        def hammer() -> None:
            paths = s.mix()
            while not done.is_set():
                r = load(s.api_base, paths, window, connections, s.scratch)
                windows.append({**r, "ended_s": round(time.monotonic() - t0, 1)})

        loader = threading.Thread(target=hammer, daemon=True)
        loader.start()
        last_progress, last_pages = time.monotonic(), -1
        first_page_at = last_page_at = None
        while True:
            fetched = s.fetched()
            now = time.monotonic()
            worker, api = memory(s.worker.pid), memory(s.api.pid)
            samples.append({"t": round(now - t0, 1), "pages": fetched,
                            "worker_mb": worker["rss"], "api_mb": api["rss"],
                            "worker_anon_mb": worker["anon"], "api_anon_mb": api["anon"],
                            "worker_fds": worker["fds"], "api_fds": api["fds"]})
            if fetched != last_pages:
                last_progress, last_pages = now, fetched
                last_page_at = now - t0
                if first_page_at is None and fetched:
                    first_page_at = now - t0
            print(f"\r{samples[-1]['t']:>7.0f} s  {fetched:>6,} pages  worker "
                  f"{samples[-1]['worker_mb']:>6.1f} MB  api {samples[-1]['api_mb']:>6.1f} MB  "
                  f"load windows {len(windows)}", end="", file=sys.stderr, flush=True)
            if (fetched >= pages or now - last_progress > 120 or now - t0 > 60 * max_minutes
                    or s.worker.poll() is not None):
                break
            time.sleep(sample)
        done.set()
        loader.join(window + 60)
        print(file=sys.stderr)
        end = s.ingested_counts()
        counts = {k: n - s.initial.get(k, 0) for k, n in end.items()}  # the crawl's only
        duplicates = s.duplicates()
    return summarise(samples, windows, counts, duplicates, s.exits, pages, warmup,
                     first_page_at, last_page_at, database, connections)


def summarise(samples: list[dict[str, Any]], windows: list[dict[str, Any]],
              counts: dict[str, int], duplicates: int, exits: dict[str, Any], pages: int,
              warmup: int, first: float | None, last: float | None, database: str,
              connections: int) -> dict[str, Any]:
    fetched = samples[-1]["pages"]
    after = [s for s in samples if s["pages"] >= warmup]
    marks = {"start": samples[0], "after_warmup": after[0] if after else samples[-1],
             "middle": at_pages(samples, fetched / 2), "end": samples[-1]}
    requests = sum(w["requests"] for w in windows)
    load_seconds = sum(w["requests"] / w["rps"] for w in windows if w["rps"])
    p99s = sorted(w["p99_ms"] for w in windows)
    return {
        "database": database, "pages_asked": pages, "pages_fetched": fetched,
        "articles": counts.get("ArticleExtracted", 0), "duplicates": duplicates,
        "fetch_failed": counts.get("FetchFailed", 0),
        "pages_per_s": round(fetched / (last - first), 2) if first and last and last > first
        else None,
        "ingest_seconds": round(last - first, 1) if first and last else None,
        "api": {"connections": connections, "windows": len(windows), "requests": requests,
                "rps": round(requests / load_seconds, 1) if load_seconds else None,
                "p50_ms_median_window": sorted(w["p50_ms"] for w in windows)[len(windows) // 2]
                if windows else None,
                "p99_ms_median_window": p99s[len(p99s) // 2] if p99s else None,
                "p99_ms_worst_window": p99s[-1] if p99s else None,
                "errors": sum(w["errors"] for w in windows),
                "generator": windows[0]["generator"] if windows else None},
        "rss_mb": {k: {"pages": v["pages"], "t": v["t"], "worker": v["worker_mb"],
                       "api": v["api_mb"], "worker_fds": v["worker_fds"],
                       "api_fds": v["api_fds"]} for k, v in marks.items()},
        "rss_slope_mb_per_1000_pages_after_warmup": {
            "worker": round(slope_per_1000(after, "worker_mb"), 2),
            "api": round(slope_per_1000(after, "api_mb"), 2),
            "worker_anon": round(slope_per_1000(after, "worker_anon_mb"), 2),
            "api_anon": round(slope_per_1000(after, "api_anon_mb"), 2)},
        "warmup_pages": warmup,
        "exit_codes_before_stop": exits,
        "samples": samples,
        "windows": [{k: w[k] for k in ("ended_s", "rps", "p50_ms", "p99_ms", "errors")}
                    for w in windows],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--window", type=float, default=30, help="seconds per wrk run")
    parser.add_argument("--sample", type=float, default=5, help="seconds between RSS samples")
    parser.add_argument("--warmup", type=int, default=1000,
                        help="pages before RSS is expected to level off")
    parser.add_argument("--letters", type=int, default=20_000, help="letters stored beforehand")
    parser.add_argument("--max-minutes", type=float, default=60)
    args = parser.parse_args()
    r = soak(args.database, args.pages, args.connections, args.window, args.sample,
             args.warmup, args.max_minutes, args.letters)
    path = save(f"soak-{args.database}", r)
    a, m = r["api"], r["rss_mb"]
    print(f"\n{r['pages_fetched']:,} of {r['pages_asked']:,} pages fetched in "
          f"{r['ingest_seconds']} s: {r['pages_per_s']} pages/s; {r['articles']:,} articles, "
          f"{r['duplicates']:,} of them near-duplicates; {r['fetch_failed']} fetches failed")
    print(f"API under {a['connections']} connections in {a['windows']} windows: "
          f"{a['rps']} requests/s, p50 {a['p50_ms_median_window']} ms and p99 "
          f"{a['p99_ms_median_window']} ms (median window), worst p99 {a['p99_ms_worst_window']}"
          f" ms, errors {a['errors']}")
    print(f"{'RSS MB':14}{'pages':>8}{'worker':>9}{'api':>9}{'worker fds':>12}{'api fds':>9}")
    for k, v in m.items():
        print(f"{k:14}{v['pages']:>8,}{v['worker']:>9.1f}{v['api']:>9.1f}"
              f"{v['worker_fds']:>12.0f}{v['api_fds']:>9.0f}")
    sl = r["rss_slope_mb_per_1000_pages_after_warmup"]
    print(f"slope after {r['warmup_pages']:,} pages: worker {sl['worker']:+.2f} MB, "
          f"api {sl['api']:+.2f} MB per 1,000 pages")
    print(f"figures in {path}")
    ok = a["errors"] == 0 and r["pages_fetched"] >= r["pages_asked"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
