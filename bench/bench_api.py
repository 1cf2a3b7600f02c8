"""Load test of ``GET /letters/latest`` on a store of 100,000 letters, next to a bare Starlette
endpoint serving the same JSON from memory, both under wrk on loopback.

    .venv/bin/python bench/bench_api.py                 # 100,000 letters, 30 s per run
    .venv/bin/python bench/bench_api.py --duration 5    # a quick look

Targets: at least 2,000 requests/s with p99 under 50 ms, at least half the bare endpoint's
requests/s, and no errors. Needs wrk (Debian: ``apt-get install -y wrk``). Exits 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = ("letter", "message", "telegram", "greetings", "note")
OUTLETS = ("Reuters", "AP", "Yonhap", "KCNA", "TASS", "Xinhua", "AFP", "NHK")


def generate(store_url: str, letters: int, seed: int = 7, fold: bool = True) -> float:
    """Append ``letters`` articles, each reporting one letter between a distinct pair, and fold
    every projection (unless ``fold`` is false); returns the seconds taken."""
    from events import ArticleExtracted, Finding, LettersExtracted
    from events.projections import ALL
    from store import open_store
    from store.projector import rebuild_all

    rng = random.Random(seed)
    # Each letter has a pair of its own (so none merge): enough people for that many pairs.
    people = [f"Leader {i:03d}" for i in range(max(400, math.isqrt(letters) + 2))]
    pairs = [(a, b) for a in people for b in people if a != b]
    rng.shuffle(pairs)
    start = time.perf_counter()
    store = open_store(store_url)
    chunk: list = []
    first_day = date(1990, 1, 1)
    for i in range(letters):
        sender, recipient = pairs[i]
        day = first_day + timedelta(days=rng.randrange(12_000))
        outlet = OUTLETS[i % len(OUTLETS)]
        article_id = f"b{i:06d}"
        evidence = f"{sender} sent {recipient} a {KINDS[i % 5]} on {day:%d %B %Y}, {outlet} said."
        chunk += [
            ArticleExtracted(article_id=article_id, url=f"https://{outlet.lower()}.example/{i}",
                             title=f"{sender} writes to {recipient}", text=evidence,
                             extractor_version="bench", site_name=outlet,
                             published=(day + timedelta(days=1)).isoformat()),
            LettersExtracted(article_id=article_id, extractor_version="bench", letters=(
                Finding(sender=sender, recipient=recipient, kind=KINDS[i % 5],
                        date=day.isoformat(), via=None, evidence=evidence),)),
        ]
        if len(chunk) >= 2000:
            store.append(f"bench-{i // 1000}", chunk)
            chunk = []
            print(f"\rappended {i + 1:,} letters", end="", file=sys.stderr, flush=True)
    if chunk:
        store.append("bench-last", chunk)
    print(file=sys.stderr)
    if not fold:
        store.close()
        return time.perf_counter() - start
    for p in ALL.values():
        store.ensure_projection(p)
    folded = rebuild_all(store, ALL.values(), progress=lambda name, pos, head: print(
        f"\rfolding {name}: {pos:,}/{head:,}", end="", file=sys.stderr, flush=True))
    for name, n in folded.items():
        print(f"\rfolded {name}: {n:,} events{' ' * 20}", file=sys.stderr)
    rows = store.query("SELECT COUNT(*) AS n FROM p_letters_letters")[0]["n"]
    store.close()
    assert rows == letters, f"expected {letters} letters, the projection has {rows}"
    return time.perf_counter() - start


def baseline_app():  # noqa: ANN201 - uvicorn factory
    """A bare Starlette endpoint answering the same bytes from memory: the ceiling."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    body = Path(os.environ["BENCH_BODY"]).read_bytes()

    async def latest(request):  # noqa: ANN001, ANN202
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/letters/latest", latest)])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(target: str, workers: int, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", target, "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--log-level", "warning",
         "--no-access-log", "--app-dir", str(ROOT / "bench")],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/letters/latest", timeout=5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{target} did not start")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def read_wrk_report(out: str) -> dict[str, float]:
    """Requests/s, p50/p99 latency (ms), errors (socket errors and non-2xx/3xx answers) and
    requests from the report ``wrk --latency`` prints."""
    errors = 0
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sock:
        errors += sum(int(g) for g in sock.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
            "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
            "errors": errors,
            "requests": int(re.search(r"(\d+) requests in", out).group(1))}


def wrk(url: str, duration: int, connections: int, threads: int) -> dict[str, float]:
    """Run wrk on one URL and read its report."""
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s",
                          "--latency", url], capture_output=True, text=True, check=True).stdout
    return read_wrk_report(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=30, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--database", help="SQLite file to reuse (generated if missing)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    tmp = Path(tempfile.mkdtemp(prefix="letterwatch-bench-"))
    db = Path(args.database) if args.database else tmp / "bench.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        seconds = generate(url, args.letters)
        print(f"store: {args.letters:,} letters appended and folded in {seconds:.1f} s")
    env = {"LETTERWATCH_DATABASE_URL": url, "LETTERWATCH_API_FOLLOW": "false"}

    api, base = start_server("service.app:api_app", args.workers, env)
    try:
        import httpx

        body = httpx.get(base + "/letters/latest").content
        assert len(__import__("json").loads(body)["items"]) == 20
        (tmp / "latest.json").write_bytes(body)
        wrk(base + "/letters/latest", 2, args.connections, args.threads)  # warm up
        ours = wrk(base + "/letters/latest", args.duration, args.connections, args.threads)
    finally:
        stop_server(api)
    bare, base = start_server("bench_api:baseline_app", args.workers,
                              {"BENCH_BODY": str(tmp / "latest.json")})
    try:
        wrk(base + "/letters/latest", 2, args.connections, args.threads)
        ceiling = wrk(base + "/letters/latest", args.duration, args.connections, args.threads)
    finally:
        stop_server(bare)

    ratio = ours["rps"] / ceiling["rps"]
    print(f"\nGET /letters/latest, {len(body):,} bytes, {args.connections} connections, "
          f"{args.duration} s, {args.workers} uvicorn worker(s), {os.cpu_count()} cores")
    print(f"{'':24}{'requests/s':>12}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, r in (("letterwatch API", ours), ("bare Starlette", ceiling)):
        print(f"{name:24}{r['rps']:>12,.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
              f"{int(r['errors']):>8}")
    print(f"API / bare: {ratio:.2f}")
    checks = {
        "≥ 2,000 requests/s": ours["rps"] >= 2000,
        "p99 < 50 ms": ours["p99_ms"] < 50,
        "≥ half the bare endpoint's requests/s": ratio >= 0.5,
        "no errors": ours["errors"] == 0,
    }
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    if not args.database:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
