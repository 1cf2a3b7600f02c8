"""Importing a web archive against a bare extraction loop, and the filters' skipping rate.

    .venv/bin/python bench/bench_import.py [--aeb ../shared/aeb] [--records 10136]

The archive: the 181 pages of the article-extraction benchmark repeated (each copy under its
own URL and WARC-Record-ID) to at least ``--records`` response records, written with warcio
as an uncompressed WARC (about 1.9 GB at 10,136 records) and as a WARC gzipped per record.

- Bare: ``trafilatura.extract(html)`` over the 181 pages in memory, on one core.
- Import: ``letterwatch import-warc`` run as a user runs it, in its own process, into a
  fresh SQLite file: every record read, extracted (text, metadata, letters, simhash),
  stored and appended. One core: pinned to CPU 0, extraction in a thread. Both cores: two
  extraction workers, no pinning. Each run's peak memory is the largest sum, sampled every
  0.2 s, of the proportional set sizes (PSS: resident memory, shared pages divided among
  the processes sharing them) of the command and all its processes.
- Filters: a host filter that matches nothing, so every record is read and dropped on its
  headers, in this process: records per second and per CPU-second on the plain and the
  gzipped file.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load_pages(aeb: Path) -> list[tuple[str, bytes]]:
    truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
    return [(v["url"], gzip.decompress((aeb / "html" / f"{k}.html.gz").read_bytes()))
            for k, v in truth.items()]


def write_archive(path: Path, pages: list[tuple[str, bytes]], copies: int,
                  gzipped: bool) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    n = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        for copy in range(copies):
            for url, html in pages:
                sep = "&" if "?" in url else "?"
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                   ("Content-Length", str(len(html)))],
                                        protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    f"{url}{sep}copy={copy}", "response", payload=io.BytesIO(html),
                    http_headers=http, warc_headers_dict={"WARC-Date": "2019-06-30T12:00:00Z"}))
                n += 1
    return n


def bare(pages: list[tuple[str, bytes]], rounds: int = 2,
         cpu_ms: list[float] | None = None) -> float:
    import trafilatura

    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for _, html in pages:
            trafilatura.extract(html.decode("utf-8", "replace"))
    if cpu_ms is not None:
        cpu_ms.append((time.process_time() - cpu) * 1000 / (rounds * len(pages)))
    return rounds * len(pages) / (time.perf_counter() - started)


def _tree_memory(root: int) -> int:
    """Bytes of memory held by ``root`` and every process below it: the sum of their
    proportional set sizes (PSS), so the pages that forked workers share with their parent
    are counted once, not once per process as a sum of RSS would."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(stat[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total


def run_import(archive: Path, workers: int, cpus: set[int] | None
               ) -> tuple[float, dict, int, float]:
    """(pages/s, the command's JSON report, peak memory of its process tree in bytes, CPU
    milliseconds per page of the command's own process)."""
    with tempfile.TemporaryDirectory(dir=archive.parent) as tmp:
        env = {**os.environ, "LETTERWATCH_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
               "LETTERWATCH_EXTRACT_WORKERS": str(workers)}

        def pin() -> None:
            if cpus is not None:
                os.sched_setaffinity(0, cpus)

        started = time.perf_counter()
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.Popen([sys.executable, "-m", "service.cli", "import-warc", "--json",
                                 str(archive)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, preexec_fn=pin)
        peak = [0]

        def sample() -> None:
            while proc.poll() is None:
                peak[0] = max(peak[0], _tree_memory(proc.pid))
                time.sleep(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, _ = proc.communicate()
        elapsed = time.perf_counter() - started
        spent = resource.getrusage(resource.RUSAGE_CHILDREN)
        sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"import-warc failed ({proc.returncode}): {out[-2000:]}")
    report = json.loads(out.strip().splitlines()[-1])
    cpu_ms = ((spent.ru_utime - cpu.ru_utime) + (spent.ru_stime - cpu.ru_stime)) * 1000
    return report["pages"] / elapsed, report, peak[0], cpu_ms / max(1, report["pages"])


def skip_rate(archive: Path) -> tuple[float, float]:
    """Records per second and per CPU-second (which a loaded machine does not inflate)
    through a host filter that keeps none of them."""
    from scrapers.policy import FetchPolicy
    from scrapers.warc.filters import RecordFilter
    from scrapers.warc.importer import import_archives_sync
    from store import open_store

    with tempfile.TemporaryDirectory(dir=archive.parent) as tmp:
        store = open_store(f"sqlite:///{tmp}/skip.db")
        started, cpu = time.perf_counter(), time.process_time()
        report = import_archives_sync(store, [str(archive)], FetchPolicy(),
                                      RecordFilter.build(["nothing.invalid"]))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        store.close()
    assert report.skipped["host"] == report.records, report.as_dict()
    return report.records / elapsed, report.records / cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aeb", type=Path, default=ROOT.parent / "shared" / "aeb")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, default=None, help="where to write the archives")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    pages = load_pages(args.aeb)
    copies = math.ceil(args.records / len(pages))
    load_start = os.getloadavg()
    all_cpus = os.sched_getaffinity(0)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        plain, gz = Path(tmp) / "aeb.warc", Path(tmp) / "aeb.warc.gz"
        records = write_archive(plain, pages, copies, gzipped=False)
        write_archive(gz, pages, copies, gzipped=True)
        sizes = (plain.stat().st_size, gz.stat().st_size)

        os.sched_setaffinity(0, {0})
        bare(pages[:10], 1)  # warm-up: imports, stop lists
        bare_cpu: list[float] = []
        bare_before = bare(pages, cpu_ms=bare_cpu)
        one, one_report, one_rss, one_cpu = run_import(plain, 1, {0})
        bare_after = bare(pages, cpu_ms=bare_cpu)
        os.sched_setaffinity(0, all_cpus)
        two, two_report, two_rss, _ = run_import(plain, 2, None)
        os.sched_setaffinity(0, {0})
        bare_last = bare(pages, cpu_ms=bare_cpu)
        os.sched_setaffinity(0, all_cpus)
        skip_plain, skip_plain_cpu = skip_rate(plain)
        skip_gz, skip_gz_cpu = skip_rate(gz)
    bare_rate = (bare_before + bare_after) / 2
    print(f"archive: {records} records (181 benchmark pages x {copies}); uncompressed "
          f"{sizes[0] / 1e9:.2f} GB, gzipped per record {sizes[1] / 1e9:.2f} GB; CPUs "
          f"{len(all_cpus)}; load average at start {load_start[0]:.2f} {load_start[1]:.2f} "
          f"{load_start[2]:.2f}, at end {os.getloadavg()[0]:.2f}")
    print(f"import output: {one_report['pages']} pages, {one_report['articles']} articles, "
          f"{one_report['duplicates']} duplicates, {one_report['letters']} letters")
    print()
    print(f"{'':<52}{'pages/s':>9}{'x bare':>8}{'peak PSS':>11}")
    print(f"{'bare trafilatura.extract loop, one core':<52}{bare_rate:>9.1f}{1:>8.2f}"
          f"{'':>11}   (before {bare_before:.1f}, after {bare_after:.1f}, "
          f"last {bare_last:.1f})")
    print(f"{'import-warc, one core (extraction in a thread)':<52}{one:>9.1f}"
          f"{one / bare_rate:>8.2f}{one_rss / 2**20:>8.0f} MB   target >= 0.90, < 300 MB")
    print(f"{'import-warc, both cores (2 extraction workers)':<52}{two:>9.1f}"
          f"{two / bare_rate:>8.2f}{two_rss / 2**20:>8.0f} MB   target >= 1.60, < 300 MB")
    bare_ms = sum(bare_cpu) / len(bare_cpu)
    print()
    print(f"CPU per page on one core, which waiting for the processor does not inflate: "
          f"import-warc {one_cpu:.1f} ms, bare loop {bare_ms:.1f} ms (runs: "
          f"{', '.join(f'{x:.1f}' for x in bare_cpu)}); bare CPU / import CPU = "
          f"{bare_ms / one_cpu:.2f}")
    print()
    print(f"records skipped by a host filter, records/s: uncompressed {skip_plain:,.0f}, "
          f"gzipped per record {skip_gz:,.0f}   target >= 20,000")
    print(f"  per CPU-second: uncompressed {skip_plain_cpu:,.0f}, gzipped per record "
          f"{skip_gz_cpu:,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
