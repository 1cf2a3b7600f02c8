"""Text extraction quality on the article-extraction benchmark (AEB), scored its own way.

    .venv/bin/python bench/bench_extract_quality.py [--aeb ../shared/aeb] [--n-bootstrap 1000]

Compares letterwatch's extraction (``scrapers.extract.extract_article``: trafilatura,
page metadata, clean-up) with plain ``trafilatura.extract`` in the same run, on the 181
pages of /work/shared/aeb (``html/<key>.html.gz`` and ``ground-truth.json``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCORING = """\
Scoring (as the benchmark's evaluate.py): the true and the extracted articleBody are cut
into tokens (regex \\w+, Unicode), then into 4-token shingles counted as a multiset; per
page tp = shared shingles, fp = extracted only, fn = true only, each divided by tp+fp+fn so
long pages weigh no more than short ones. Precision is the mean of tp/(tp+fp) over pages
with tp+fp > 0, recall the mean of tp/(tp+fn) over pages with tp+fn > 0 (a page where both
texts are empty scores 1, an empty extraction of a non-empty truth scores 0), and F1 is
2PR/(P+R) of those two means. ± is 1.96 standard deviations of 1000 bootstrap resamples of
the pages."""

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))
                   if tokens[i:i + n])


def page_counts(true: str, pred: str) -> tuple[float, float, float]:
    t, p = shingles(true), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def metrics(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    p = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return {"f1": 2 * p * r / (p + r), "precision": p, "recall": r}


def with_ci(counts: list[tuple[float, float, float]], n_bootstrap: int) -> dict[str, float]:
    result = metrics(counts)
    rng = random.Random(0)
    samples: dict[str, list[float]] = {k: [] for k in result}
    for _ in range(n_bootstrap):
        resample = [counts[rng.randrange(len(counts))] for _ in counts]
        for k, v in metrics(resample).items():
            samples[k].append(v)
    for k in list(result):
        result[f"{k}_ci"] = 1.96 * statistics.stdev(samples[k])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aeb", type=Path, default=ROOT.parent / "shared" / "aeb")
    parser.add_argument("--n-bootstrap", type=int, default=1000)
    args = parser.parse_args()
    warnings.simplefilter("ignore")

    import trafilatura

    from scrapers.extract import EXTRACTOR_VERSION, extract_article

    truth = json.loads((args.aeb / "ground-truth.json").read_text(encoding="utf-8"))
    raw = {k: gzip.decompress((args.aeb / "html" / f"{k}.html.gz").read_bytes()) for k in truth}

    def ours(key: str) -> str:
        article = extract_article(raw[key], url=truth[key]["url"])
        return article.text if article else ""

    def plain(key: str) -> str:
        return trafilatura.extract(raw[key].decode("utf-8", "replace")) or ""

    def aeb_runner(key: str) -> str:  # how the benchmark's own run_trafilatura.py calls it
        return trafilatura.extract(raw[key].decode("utf-8", "replace"),
                                   include_comments=False) or ""

    systems: dict[str, Callable[[str], str]] = {
        f"letterwatch {EXTRACTOR_VERSION}": ours,
        "trafilatura.extract (defaults)": plain,
        "trafilatura.extract (include_comments=False, as AEB runs it)": aeb_runner,
    }
    print(f"AEB: {len(truth)} pages from {args.aeb}; trafilatura {trafilatura.__version__}")
    print()
    results = {}
    for name, extract in systems.items():
        started = time.perf_counter()
        counts = [page_counts(truth[k]["articleBody"], extract(k)) for k in truth]
        elapsed = time.perf_counter() - started
        m = with_ci(counts, args.n_bootstrap)
        results[name] = m
        print(f"{name:<62} F1={m['f1']:.3f} ± {m['f1_ci']:.3f}  "
              f"precision={m['precision']:.3f} ± {m['precision_ci']:.3f}  "
              f"recall={m['recall']:.3f} ± {m['recall_ci']:.3f}  "
              f"({len(truth) / elapsed:.1f} pages/s)")
    print()
    print(SCORING)
    ours_m = results[f"letterwatch {EXTRACTOR_VERSION}"]
    plain_m = results["trafilatura.extract (defaults)"]
    ok = ours_m["f1"] >= plain_m["f1"] and ours_m["f1"] >= 0.97 and ours_m["precision"] >= 0.96
    print()
    print(f"target: F1 >= plain trafilatura, F1 >= 0.970, precision >= 0.960: "
          f"{'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
