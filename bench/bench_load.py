"""The API under load while a worker ingests: ``letterwatch api`` (a real uvicorn process on
loopback) answers a mix of reads from wrk while ``letterwatch worker`` (another process)
crawls a local site serving the article-extraction benchmark's pages under many URLs.

    .venv/bin/python bench/bench_load.py                     # SQLite, 200 connections, 60 s
    .venv/bin/python bench/bench_load.py --database postgres # the same on PostgreSQL
    .venv/bin/python bench/bench_load.py --duration 10       # a quick look

Before the run the store gets ``--letters`` letters (as bench_api.py makes them), so the
letter queries have real work to do. The mix: ``/letters/latest``, ``/letters?person=``,
``/articles``, ``/sources``, ``/events?after=`` (random positions). Reported: requests/s,
p50 and p99 latency, errors (non-2xx answers and socket errors, which must be zero) and the
pages the worker fetched during the window. Needs wrk (Debian: ``apt-get install -y wrk``).
Then each endpoint alone for ``--per-endpoint`` seconds, the worker still ingesting.
Figures go to bench/results/load-<database>.json. Exits 1 on any error or if nothing was
ingested.

The site (its own process) serves each of the 181 pages under many addresses,
``/a/<n>/<key>.html``, each copy with a paragraph of its own (see ``vary``), and RSS feeds
``/feed/<i>.xml`` of 500 of them each; the worker has one source per feed.
"""

from __future__ import annotations

import argparse
import functools
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench_pipeline import load_pages, reply, rss_feed  # noqa: E402 - bench/ is on the path now

AEB = ROOT.parent / "shared" / "aeb"
if not AEB.is_dir():
    AEB = Path("/work/shared/aeb")
RESULTS = ROOT / "bench" / "results"
PER_FEED = 500  # the crawler takes at most 500 new URLs from one listing per poll
POSTGRES_URL = os.environ.get("LETTERWATCH_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")

# Filler for each copy's own paragraph: ordinary news words, so the extractor keeps it
# (a sentence split into words reads better here than a list literal).
WORDS = (  # noqa: SIM905
    "the government said on monday that officials would meet again next week to discuss "
    "the plan after talks in the capital ended without agreement while ministers from "
    "both sides called for calm and promised further steps on trade security energy "
    "prices schools hospitals roads workers farmers families election budget court "
    "police report council mayor river harbour bridge station market museum festival "
    "storm weather summer winter morning evening city village region border coast"
).split()


# --- the site --------------------------------------------------------------------------------


def vary(html: bytes, n: int) -> bytes:
    """Copy ``n`` of a page: a paragraph of its own after the page's longest one (which is
    in the article). Without it the near-duplicate index would record all but one copy of
    each page as a duplicate; with it most copies count as articles of their own, as
    distinct stories do, and the index and the articles and letters tables grow as they
    would. A simhash only moves past the duplicate threshold when a good share of the text
    is new, so the paragraph is 40% as long as the page's paragraphs (at least 80 words)."""
    at, words = _shape(html)
    rng = random.Random(n)
    para = (f"<p>Copy {n}: " + " ".join(rng.choice(WORDS) for _ in range(words))
            + ".</p>").encode()
    return html[:at] + para + html[at:]


_P = re.compile(rb"<p[\s>](.*?)</p>", re.S | re.I)
_TAG = re.compile(rb"<[^>]*>")


@functools.lru_cache(maxsize=512)
def _shape(html: bytes) -> tuple[int, int]:
    """Where the copy's paragraph goes (after the longest paragraph, else before </body>)
    and how many words it has."""
    paras = [(len(_TAG.sub(b" ", m.group(1)).split()), m.end()) for m in _P.finditer(html)]
    words = max(80, int(0.4 * sum(w for w, _ in paras)))
    if paras:
        return max(paras)[1], words
    body = html.lower().rfind(b"</body>")
    return (body if body >= 0 else len(html)), words


def page_url(base: str, keys: list[str], n: int) -> str:
    return f"{base}/a/{n}/{keys[n % len(keys)]}.html"


def _serve(aeb: str, pages_total: int, ports: multiprocessing.Queue) -> None:
    pages = load_pages(Path(aeb))
    keys = sorted(pages)
    path_re = re.compile(r"^/a/(\d+)/([\w-]+)\.html$")
    feed_re = re.compile(r"^/feed/(\d+)\.xml$")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            base = f"http://127.0.0.1:{self.server.server_port}"
            page, feed = path_re.match(self.path), feed_re.match(self.path)
            if page and page.group(2) in pages and int(page.group(1)) < pages_total:
                reply(self, vary(pages[page.group(2)], int(page.group(1))), "text/html")
            elif feed:
                first = int(feed.group(1)) * PER_FEED
                numbers = range(first, min(first + PER_FEED, pages_total))
                reply(self, rss_feed([(str(n), page_url(base, keys, n)) for n in numbers]),
                      "application/rss+xml")
            else:
                reply(self, None)

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a stopped worker's
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    ports.put(server.server_port)
    server.serve_forever()


@contextmanager
def aeb_site(pages_total: int) -> Iterator[str]:
    """The site in a process of its own; yields its base URL."""
    ctx = multiprocessing.get_context("spawn")
    ports = ctx.Queue()
    proc = ctx.Process(
        target=_serve, args=(str(AEB), pages_total, ports), daemon=True)
    proc.start()
    try:
        yield f"http://127.0.0.1:{ports.get(timeout=60)}"
    finally:
        proc.terminate()
        proc.join(10)


# --- the store and the processes ---------------------------------------------------------------


def database_url(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'load.db'}"
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}schema=bench_{uuid.uuid4().hex[:10]}"


def prepare(url: str, letters: int, base: str, feeds: int) -> None:
    """Letters for the queries to find, projections current, one source per feed."""
    from bench_api import generate

    from events.projections import ALL
    from scrapers.sources import SourceSpec, sync_sources
    from store import open_store
    from store.projector import ensure_current

    if letters:
        generate(url, letters)
    store = open_store(url)
    try:
        ensure_current(store, ALL.values())
        sync_sources(store, [SourceSpec(f"feed-{i}", f"{base}/feed/{i}.xml", "feed",
                                        interval_seconds=3600) for i in range(feeds)])
    finally:
        store.close()


def drop(url: str) -> None:
    if url.startswith("postgresql"):
        from store import open_store

        store = open_store(url)
        store.drop_schema()  # type: ignore[attr-defined]
        store.close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_env(url: str) -> dict[str, str]:
    return {**os.environ, "LETTERWATCH_DATABASE_URL": url,
            "LETTERWATCH_ALLOW_PRIVATE": '["127.0.0.1"]',
            "LETTERWATCH_PER_HOST_DELAY": "0",  # one local host stands in for many sites
            "LETTERWATCH_PER_HOST_CONCURRENCY": "4",
            "LETTERWATCH_SCHEDULER_TICK_SECONDS": "1",
            "LETTERWATCH_API_FOLLOW": "false"}


def letterwatch(args: list[str], url: str, cwd: Path, log: Path) -> subprocess.Popen:
    # cwd is a scratch folder: a .env in the checkout must not change the run.
    exe = Path(sys.executable).with_name("letterwatch")
    return subprocess.Popen([str(exe), *args], env=service_env(url), cwd=cwd,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def start_api(url: str, cwd: Path, workers: int = 1) -> tuple[subprocess.Popen, str]:
    import httpx

    port = free_port()
    proc = letterwatch(["api", "--host", "127.0.0.1", "--port", str(port), "--workers",
                        str(workers), "--log-level", "warning"], url, cwd, cwd / "api.log")
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the API exited: see {cwd / 'api.log'}")
        try:
            if httpx.get(base + "/healthz", timeout=5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the API did not start")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def ingested(url: str) -> dict[str, int]:
    """Events of each type in the log, read with a connection of our own."""
    from store import open_store

    store = open_store(url)
    try:
        return store.count()
    finally:
        store.close()


# --- the load ------------------------------------------------------------------------------------


def request_mix(seed: int, head: int, people: int, n: int = 1000) -> list[str]:
    """Paths in the proportions of the mix, shuffled."""
    rng = random.Random(seed)
    paths = []
    for _ in range(n):
        r = rng.random()
        if r < 0.3:
            paths.append("/letters/latest")
        elif r < 0.55:
            paths.append(f"/letters?person=Leader%20{rng.randrange(max(people, 1)):03d}&limit=20")
        elif r < 0.7:
            paths.append("/articles?limit=20")
        elif r < 0.8:
            paths.append("/sources")
        else:  # a client tailing the log from where it left off
            paths.append(f"/events?after={rng.randrange(max(head, 1))}&limit=20")
    return paths


def wrk(base: str, paths: list[str], duration: float, connections: int, threads: int,
        scratch: Path) -> dict[str, Any]:
    """wrk over the mix (a Lua script picks each request's path at random)."""
    from bench_api import read_wrk_report

    script = scratch / "mix.lua"
    script.write_text("local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
                      "request = function()\n"
                      "  return wrk.format('GET', paths[math.random(#paths)])\nend\n")
    # A 10 s timeout: a slow answer shows in p99; only one that never comes is an error.
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(duration)}s",
                          "--timeout", "10s", "--latency", "-s", str(script), base],
                         capture_output=True, text=True, check=True).stdout
    return {**read_wrk_report(out), "generator": "wrk"}


async def _one_connection(host: str, port: int, paths: list[str], deadline: float,
                          seed: int, latencies: list[float], errors: list[int]) -> None:
    """One keep-alive connection asking for random paths of the mix until ``deadline``."""
    import asyncio

    rng = random.Random(seed)
    reader = writer = None
    while time.monotonic() < deadline:
        began = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            assert reader is not None
            writer.write(f"GET {rng.choice(paths)} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            async with asyncio.timeout(10):
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
                status = int(head.split(" ", 2)[1])
                length = re.search(r"\ncontent-length: *(\d+)", head)
                if length:
                    await reader.readexactly(int(length.group(1)))
                else:  # chunked
                    while size := int((await reader.readline()).split(b";")[0], 16):
                        await reader.readexactly(size + 2)
                    await reader.readline()
            if not 200 <= status < 300:
                errors[0] += 1
            if "connection: close" in head:
                writer.close()
                writer = None
        except (OSError, EOFError, TimeoutError, ValueError, asyncio.IncompleteReadError):
            errors[0] += 1
            if writer is not None:
                writer.close()
            writer = None
        latencies.append((time.perf_counter() - began) * 1000)
    if writer is not None:
        writer.close()


def _pyload(base: str, paths: list[str], duration: float, connections: int,
            out: Any) -> None:
    import asyncio
    from urllib.parse import urlsplit

    async def run() -> dict[str, Any]:
        parts = urlsplit(base)
        latencies: list[float] = []
        errors = [0]
        started = time.monotonic()
        await asyncio.gather(*(
            _one_connection(parts.hostname or "127.0.0.1", parts.port or 80, paths,
                            started + duration, i, latencies, errors)
            for i in range(connections)))
        elapsed = time.monotonic() - started
        latencies.sort()
        pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
        return {"requests": len(latencies), "rps": len(latencies) / elapsed,
                "p50_ms": pick(0.50), "p99_ms": pick(0.99), "errors": errors[0],
                "generator": "asyncio"}

    out.put(asyncio.run(run()))


def pyload(base: str, paths: list[str], duration: float, connections: int) -> dict[str, Any]:
    """The same mix from Python in a process of its own, for machines without wrk: plain
    HTTP/1.1 keep-alive over asyncio streams, because httpx's connection pool spends more
    CPU than the API at 200 connections (38 requests/s where wrk got 280 here)."""
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_pyload, args=(base, paths, duration, connections, out))
    proc.start()
    result = out.get(timeout=duration + 120)
    proc.join(30)
    return result


def load(base: str, paths: list[str], duration: float, connections: int,
         scratch: Path, generator: str = "auto") -> dict[str, Any]:
    if generator == "wrk" or (generator == "auto" and shutil.which("wrk")):
        return wrk(base, paths, duration, connections, 2, scratch)
    return pyload(base, paths, duration, connections)


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Services:
    """Site, store, API and worker for one run; ``with Services(...) as s:`` starts them."""

    database: str = "sqlite"
    pages_total: int = 10_000
    letters: int = 20_000
    scratch: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="lw-load-")))
    url: str = ""
    base: str = ""
    api_base: str = ""
    head: int = 0
    ingest: bool = True  # False: the API alone, for comparison
    name: str = ""  # the processes' logs are kept in bench/results under this name
    api_workers: int = 1

    def __enter__(self) -> Services:
        from contextlib import ExitStack

        self._stack = ExitStack()
        self.site = self._stack.enter_context(aeb_site(self.pages_total))
        self.url = database_url(self.database, self.scratch)
        self._stack.callback(drop, self.url)
        prepare(self.url, self.letters, self.site, -(-self.pages_total // PER_FEED))
        self.initial = ingested(self.url)
        self.head = sum(self.initial.values())
        self.api, self.api_base = start_api(self.url, self.scratch, self.api_workers)
        self._stack.callback(stop, self.api)
        if self.ingest:
            self.worker = letterwatch(["worker", "--log-level", "warning"], self.url,
                                      self.scratch, self.scratch / "worker.log")
            self._stack.callback(stop, self.worker)
        return self

    def __exit__(self, *exc: object) -> None:
        self.exits = {"api": self.api.poll(),
                      "worker": self.worker.poll() if self.ingest else None}
        self._stack.close()
        # The processes' own output is kept beside the figures: a crash shows up there.
        if self.name:
            RESULTS.mkdir(parents=True, exist_ok=True)
            for log in self.scratch.glob("*.log"):
                shutil.copy(log, RESULTS / f"{self.name}-{log.name}")
        shutil.rmtree(self.scratch, ignore_errors=True)

    def fetched(self) -> int:
        return ingested(self.url).get("PageFetched", 0)

    def ingested_counts(self) -> dict[str, int]:
        return ingested(self.url)

    def duplicates(self) -> int:
        """Articles the near-duplicate index matched, as the worker's projection has them."""
        from store import open_store

        store = open_store(self.url)
        try:
            return store.query("SELECT COUNT(*) AS n FROM p_articles_articles "
                               "WHERE duplicate_of IS NOT NULL")[0]["n"]
        finally:
            store.close()

    def wait_for_ingestion(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while self.fetched() == 0:
            if self.worker.poll() is not None or time.monotonic() > deadline:
                log = (self.scratch / "worker.log").read_text(errors="replace")[-3000:]
                raise SystemExit(f"the worker ingested nothing:\n{log}")
            time.sleep(0.5)

    def mix(self, seed: int = 1) -> list[str]:
        return request_mix(seed, self.head, 400 if self.letters else 0)


def run_load(database: str = "sqlite", duration: float = 60, connections: int = 200,
             letters: int = 20_000, generator: str = "auto",
             pages_total: int = 10_000, per_endpoint: float = 0,
             keep_logs: bool = False, api_workers: int = 1) -> dict[str, Any]:
    """One loaded window; the figures as a dict."""
    with Services(database, pages_total, letters,
                  name=f"load-{database}" if keep_logs else "", api_workers=api_workers) as s:
        s.wait_for_ingestion()
        load(s.api_base, s.mix(), 2, connections, s.scratch, generator)  # warm up
        before, started = s.fetched(), time.monotonic()
        result = load(s.api_base, s.mix(2), duration, connections, s.scratch, generator)
        window = time.monotonic() - started
        after = s.fetched()
        counts = ingested(s.url)
        # Each endpoint alone for a few seconds, the worker still ingesting: what the mix's
        # figures are made of.
        endpoints = {}
        if per_endpoint:
            for path in dict.fromkeys(p.split("?")[0] for p in s.mix()):
                paths = [p for p in s.mix() if p.split("?")[0] == path]
                endpoints[path] = load(s.api_base, paths, per_endpoint, connections, s.scratch,
                                       generator)
    return {**result, "database": database, "connections": connections,
            "duration_s": duration, "letters_in_store": letters,
            "pages_fetched_in_window": after - before,
            "pages_per_s_in_window": round((after - before) / window, 2),
            "events_by_type_at_end": counts,
            "exit_codes_before_stop": s.exits,  # None: still running when the run ended
            "per_endpoint": endpoints}


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True).stdout.strip()
    except OSError:
        return "unknown"


def save(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    meta = {"commit": commit(), "cores": os.cpu_count(),
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    path.write_text(json.dumps({**meta, **result}, indent=2) + "\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--duration", type=float, default=60, help="seconds under load")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--letters", type=int, default=20_000, help="letters stored beforehand")
    parser.add_argument("--generator", choices=("auto", "wrk", "asyncio"), default="auto")
    parser.add_argument("--per-endpoint", type=float, default=5,
                        help="then seconds of load on each endpoint alone (0: none)")
    parser.add_argument("--api-workers", type=int, default=1, help="letterwatch api --workers")
    args = parser.parse_args()
    r = run_load(args.database, args.duration, args.connections, args.letters, args.generator,
                 per_endpoint=args.per_endpoint, keep_logs=True, api_workers=args.api_workers)
    path = save(f"load-{args.database}", r)
    print(f"\n{args.connections} connections for {args.duration:g} s on the mix "
          f"({r['generator']}), {args.database}, {args.api_workers} API process(es), worker "
          f"ingesting; {os.cpu_count()} cores")
    print(f"requests/s {r['rps']:,.0f}  p50 {r['p50_ms']:.1f} ms  p99 {r['p99_ms']:.1f} ms  "
          f"errors {r['errors']}  requests {r['requests']:,}")
    print(f"pages fetched by the worker meanwhile: {r['pages_fetched_in_window']:,} "
          f"({r['pages_per_s_in_window']:.1f}/s)")
    for path_, e in r["per_endpoint"].items():
        print(f"  {path_:18} alone: {e['rps']:>7,.0f} requests/s  p50 {e['p50_ms']:>7.1f} ms  "
              f"p99 {e['p99_ms']:>7.1f} ms  errors {e['errors']}")
    print(f"figures in {path}")
    return 0 if r["errors"] == 0 and r["pages_fetched_in_window"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
