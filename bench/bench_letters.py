"""Articles per second for correspondence extraction on the seed and development corpora.

Run on demand: `python bench/bench_letters.py [--repeat N] [--shared PATH]`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrapers.letters import extract_letters  # noqa: E402
from scrapers.letters.gazetteer import load_gazetteer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=40, help="passes over the corpus (default 40)")
    ap.add_argument("--shared", default=os.environ.get("LETTERWATCH_SHARED", str(Path(__file__).resolve().parents[2] / "shared")))
    args = ap.parse_args()
    corpus = Path(args.shared) / "corpus"
    rows = []
    for path in (corpus / "seeds" / "seeds.jsonl", corpus / "dev" / "articles.jsonl"):
        with open(path, encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    t0 = time.perf_counter()
    load_gazetteer()
    t_load = time.perf_counter() - t0
    extract_letters(rows[0]["text"], title=rows[0].get("title"), published=rows[0].get("published"))  # warm caches
    n = letters = 0
    chars = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(args.repeat):
        for r in rows:
            letters += len(extract_letters(r["text"], title=r.get("title"), published=r.get("published")))
            chars += len(r["text"])
            n += 1
    dt = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(f"gazetteer load      {t_load * 1000:.1f} ms (once per process)")
    print(f"articles            {n} ({len(rows)} distinct x {args.repeat})")
    print(f"letters found       {letters}")
    print(f"elapsed             {dt:.2f} s")
    print(f"articles/s (wall)   {n / dt:.0f}")
    print(f"articles/s (cpu)    {n / cpu:.0f}   <- one core, unaffected by other load on the machine")
    print(f"ms/article          {dt / n * 1000:.2f}")
    print(f"MB/s of text        {chars / dt / 1e6:.2f}")


if __name__ == "__main__":
    main()
