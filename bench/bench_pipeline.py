"""The whole pipeline against a bare extraction loop, on the benchmark's 181 pages.

    .venv/bin/python bench/bench_pipeline.py [--aeb ../shared/aeb] [--rounds 3]

Pipeline: a local HTTP server (its own process) serves the 181 pages of the
article-extraction benchmark and an RSS feed listing them; ``scrapers.crawl.crawl`` polls
the feed, fetches every page over loopback (robots.txt, address checks, limits), extracts
text, metadata and letters, and appends every event to a fresh SQLite store.
Bare: ``trafilatura.extract(html)`` over the same pages already in memory.

One core: this process (and so the pipeline's inline extraction) is pinned to CPU 0, the
server to CPU 1. Both cores: a process pool of two extraction workers, no pinning. Both
pipelines run once untimed first (imports, the workers' fork server). Each measure is taken
``--rounds`` times, interleaved, and the best and median rounds are reported, with the CPU
time per page of each process and of each stage of the work.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load_pages(aeb: Path) -> dict[str, bytes]:
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    return {k: gzip.decompress((aeb / "html" / f"{k}.html.gz").read_bytes()) for k in truth}


def rss_feed(items: list[tuple[str, str]]) -> bytes:
    """An RSS 2.0 feed of (title, link) items."""
    entries = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>AEB</title>'
            f"{entries}</channel></rss>").encode()


def reply(handler: BaseHTTPRequestHandler, body: bytes | None, ctype: str = "") -> None:
    """A 200 with ``body``, or an empty 404 when there is none."""
    handler.send_response(404 if body is None else 200)
    if body is not None:
        handler.send_header("Content-Type", ctype)
    handler.send_header("Content-Length", str(len(body or b"")))
    handler.end_headers()
    if body:
        handler.wfile.write(body)


def serve(aeb: str, ports: multiprocessing.Queue) -> None:
    """The benchmark site: /p/<key>.html for each page, /feed.xml listing them all."""
    if hasattr(os, "sched_setaffinity") and os.cpu_count() and os.cpu_count() > 1:
        os.sched_setaffinity(0, {1})
    pages = {f"/p/{k}.html": v for k, v in load_pages(Path(aeb)).items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path == "/feed.xml":
                base = f"http://127.0.0.1:{self.server.server_port}"
                reply(self, rss_feed([(p, base + p) for p in pages]), "application/rss+xml")
            else:
                reply(self, pages.get(self.path), "text/html; charset=utf-8")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ports.put(server.server_port)
    server.serve_forever()


def bare(pages: dict[str, bytes], cpu_ms: list[float] | None = None) -> float:
    import trafilatura

    started, cpu = time.perf_counter(), time.process_time()
    for html in pages.values():
        trafilatura.extract(html.decode("utf-8", "replace"))
    if cpu_ms is not None:
        cpu_ms.append((time.process_time() - cpu) * 1000 / len(pages))
    return len(pages) / (time.perf_counter() - started)


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a live process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _watched_pool(workers: int, spent: list[float]):
    """The crawl's process pool, with the workers' CPU time read just before shutdown."""
    pool = _real_pool(workers)
    shutdown = pool.shutdown

    def measured_shutdown(*args, **kwargs):
        spent.append(sum(_cpu_seconds(pid) for pid in list(pool._processes)))
        return shutdown(*args, **kwargs)

    pool.shutdown = measured_shutdown
    return pool


_real_pool = None


def pipeline(port: int, workers: int, n_pages: int, letters: bool = True
             ) -> tuple[float, dict]:
    global _real_pool
    import scrapers.crawl
    import scrapers.pages
    from scrapers.crawl import crawl
    from scrapers.policy import FetchPolicy
    from scrapers.sources import SourceSpec, sync_sources
    from store import open_store

    policy = FetchPolicy(allow_private=["127.0.0.1"], per_host_delay=0.0, concurrency=8,
                         per_host_concurrency=8, extract_workers=workers)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        sync_sources(store, [SourceSpec("aeb", f"http://127.0.0.1:{port}/feed.xml", "feed")])
        real = scrapers.pages.letters_extractor
        if not letters:  # inline extraction only: worker processes keep the real one
            scrapers.pages.letters_extractor = lambda: None
        spent: list[float] = []
        if _real_pool is None:
            _real_pool = scrapers.crawl._process_pool
        scrapers.crawl._process_pool = lambda n: _watched_pool(n, spent)
        try:
            started, cpu = time.perf_counter(), time.process_time()
            report = asyncio.run(crawl(store, policy))
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
        finally:
            scrapers.pages.letters_extractor = real
            scrapers.crawl._process_pool = _real_pool
        events = store.count()
        store.close()
    assert report.fetched == n_pages, report.as_dict()
    return n_pages / elapsed, {"articles": report.articles, "duplicates": report.duplicates,
                               "letters": report.letters, "events": sum(events.values()),
                               "cpu_ms": (cpu + sum(spent)) * 1000 / n_pages,
                               "main_cpu_ms": cpu * 1000 / n_pages}


def breakdown(pages: dict[str, bytes]) -> dict[str, float]:
    """Milliseconds of CPU per page for each stage of the pipeline's work, and for bare."""
    import hashlib
    import zlib

    import trafilatura

    from store import open_store

    from scrapers.extract import extract_article
    from scrapers.letters.extract import may_report_letters
    from scrapers.pages import find_letters
    from store.base import pack_page
    from scrapers.simhash import simhash

    def per_page(fn) -> float:
        started = time.process_time()
        for item in items:
            fn(item)
        return (time.process_time() - started) * 1000 / len(items)

    items = list(pages.values())
    costs = {"bare trafilatura.extract": per_page(
        lambda html: trafilatura.extract(html.decode("utf-8", "replace")))}
    costs["text extraction (trafilatura, metadata, clean-up)"] = per_page(extract_article)
    items = [a for a in (extract_article(html) for html in pages.values()) if a is not None]
    costs["letter extraction (scrapers.letters)"] = per_page(
        lambda a: find_letters(a.text, a.title, a.published))
    costs["  of which the pre-check (scrapers.letters)"] = per_page(
        lambda a: may_report_letters(a.text))
    read_fully = sum(may_report_letters(a.text) for a in items)
    costs["simhash"] = per_page(lambda a: simhash(a.text))
    items = list(pages.values())
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "pages.db"))
        costs["store.put_page (pack_page and its own SQLite write)"] = per_page(store.put_page)
        costs[f"(articles the letters pre-check sends to the full reading: {read_fully})"] = 0.0
        store.close()
    costs["pack_page (sha256, zlib level 1: in the extraction worker)"] = per_page(pack_page)
    costs["  of which sha256"] = per_page(lambda b: hashlib.sha256(b).digest())
    costs["  of which zlib level 1"] = per_page(lambda b: zlib.compress(b, 1))
    costs["  (zlib level 6, for comparison)"] = per_page(lambda b: zlib.compress(b, 6))
    return costs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aeb", type=Path, default=ROOT.parent / "shared" / "aeb")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    pages = load_pages(args.aeb)
    load_before = os.getloadavg()[0]
    ctx = multiprocessing.get_context("spawn")
    ports = ctx.Queue()
    server = ctx.Process(target=serve, args=(str(args.aeb), ports), daemon=True)
    server.start()
    port = ports.get(timeout=60)
    all_cpus = os.sched_getaffinity(0)
    try:
        bare(dict(list(pages.items())[:10]))  # warm-up: imports, jusText stop lists
        pipeline(port, 1, len(pages))
        pipeline(port, 2, len(pages))  # starts the fork server the workers come from
        one_bare, one_pipe, one_text, two_pipe = [], [], [], []
        # Other work on the machine comes and goes: each round's pipelines are also compared
        # with the bare loop run just before and just after them, and CPU time, which
        # waiting for the processor does not inflate, is compared too.
        paired: dict[str, list[float]] = {"one": [], "text": [], "two": []}
        cpu_bare: list[float] = []
        cpu_one: list[float] = []
        cpu_two: list[float] = []
        main_two: list[float] = []
        served: list[float] = []
        info: dict = {}
        for _ in range(args.rounds):
            os.sched_setaffinity(0, {0})
            one_bare.append(bare(pages, cpu_bare))
            rate, info = pipeline(port, 1, len(pages))
            one_pipe.append(rate)
            cpu_one.append(info["cpu_ms"])
            one_text.append(pipeline(port, 1, len(pages), letters=False)[0])
            os.sched_setaffinity(0, all_cpus)
            server_cpu = _cpu_seconds(server.pid)
            rate, two_info = pipeline(port, 2, len(pages))
            served.append((_cpu_seconds(server.pid) - server_cpu) * 1000 / len(pages))
            two_pipe.append(rate)
            cpu_two.append(two_info["cpu_ms"])
            main_two.append(two_info["main_cpu_ms"])
            os.sched_setaffinity(0, {0})
            around = (one_bare[-1] + bare(pages, cpu_bare)) / 2
            for key, xs in (("one", one_pipe), ("text", one_text), ("two", two_pipe)):
                paired[key].append(xs[-1] / around)
    finally:
        os.sched_setaffinity(0, all_cpus)
        server.terminate()
    costs = breakdown(pages)
    med = statistics.median
    print(f"pages: {len(pages)} (article-extraction benchmark), served over 127.0.0.1; "
          f"{args.rounds} rounds; CPUs available: {len(all_cpus)}; load average at start "
          f"{load_before:.2f}, at end {os.getloadavg()[0]:.2f}")
    print(f"pipeline output per run: {info['articles']} articles, {info['duplicates']} "
          f"duplicates, {info['letters']} letters, {info['events']} events")
    print()
    print("wall-clock pages/s; 'best' is the fastest round (least disturbed by other work on "
          "the machine), 'median' the middle one")
    print(f"{'':<46}{'best':>8}{'x bare':>8}{'median':>8}{'x bare':>8}{'paired':>8}")
    rows = [("bare trafilatura.extract loop, one core", one_bare, None, ""),
            ("pipeline, one core (inline extraction)", one_pipe, "one", "target >= 0.90"),
            ("  the same without letter extraction", one_text, "text", ""),
            ("pipeline, both cores (2 extraction workers)", two_pipe, "two", "target >= 1.60")]
    for name, xs, key, target in rows:
        pair = f"{med(paired[key]):>8.2f}" if key else f"{'':>8}"
        print(f"{name:<46}{max(xs):>8.1f}{max(xs) / max(one_bare):>8.2f}"
              f"{med(xs):>8.1f}{med(xs) / med(one_bare):>8.2f}{pair}   {target}")
    print("('paired': median over rounds of the pipeline's rate over the mean of the bare "
          "loop's just before and just after it)")
    print()
    print(f"CPU per page of the whole pipeline (crawling process, its threads and extraction "
          f"workers; median): one core {med(cpu_one):.1f} ms, two workers {med(cpu_two):.1f} ms "
          f"(bare: {med(cpu_bare):.1f} ms); one core, bare CPU / pipeline CPU = "
          f"{med(cpu_bare) / med(cpu_one):.2f}")
    print(f"  two workers: crawling process (fetch, one write of page and events) {med(main_two):.1f} ms, "
          f"extraction workers {med(cpu_two) - med(main_two):.1f} ms; the HTTP server "
          f"{med(served):.1f} ms on top")
    print()
    print("CPU per page, one core, measured on the same pages in this process:")
    for name, ms in costs.items():
        print(f"  {name:<52}{ms:>6.1f} ms")
    print()
    print("rounds, pages/s: bare " + " ".join(f"{x:.1f}" for x in one_bare)
          + " | one core " + " ".join(f"{x:.1f}" for x in one_pipe)
          + " | one core, no letters " + " ".join(f"{x:.1f}" for x in one_text)
          + " | two workers " + " ".join(f"{x:.1f}" for x in two_pipe))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
