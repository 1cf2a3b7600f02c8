"""Letter extraction quality per set of real articles, scored by the corpus's own scorer.

    .venv/bin/python bench/bench_letters_quality.py [--shared ../shared] [--markdown]
                                                   [--verbose SET]

Sets: the seeds, dev, each part of train (a: by leader and region, b: hard reporting styles,
c: hard constructions, d: older eras and less-covered regions), train's tuning part and its
frozen part, and all of seeds + dev + train. The frozen part is, in each
``corpus/train/part-*.jsonl``, the lines whose 0-based index i has i % 4 == 3 (40 articles):
it is never tuned on, so its figure says how the extractor does on news it was not fitted to.
The tuning part is the rest of train.

Each article is read once by ``scrapers.letters.extract_letters``; the letters it reports as
sent (status reported or claimed, what ``extract-letters`` prints by default) are the
prediction. Every set is scored by ``<shared>/eval/score_letters.py`` itself, run in this
process on a gold and a prediction file per set, so the figures are the scorer's own.
tests/test_letters_quality.py keeps the frozen part and seeds + dev + train from falling below
the floors in tests/fixtures/letters_quality_floor.toml.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PARTS = ("a", "b", "c", "d")
FROZEN_EVERY = 4  # the frozen part: index % FROZEN_EVERY == FROZEN_AT in each train part
FROZEN_AT = 3
SENT = ("reported", "claimed")
PRED_FIELDS = ("sender", "recipient", "kind", "date", "via", "evidence")
SET_ORDER = ("seeds", "dev", "train-a", "train-b", "train-c", "train-d", "train-tune",
             "train-frozen", "all")
# Extractor 1.1.0's first run on each set, before any tuning on train (F1).
FIRST_RUN = {"seeds": 1.000, "dev": 1.000, "train-a": 0.574, "train-b": 0.380,
             "train-c": 0.304, "train-d": 0.430, "train-tune": 0.394, "train-frozen": 0.494,
             "all": 0.518}

Article = dict[str, Any]


def default_shared() -> Path:
    """``../shared`` beside the repository, as in CI; LETTERWATCH_SHARED overrides it."""
    if os.environ.get("LETTERWATCH_SHARED"):
        return Path(os.environ["LETTERWATCH_SHARED"])
    return ROOT.parent / "shared"


def _read(path: Path) -> list[tuple[int, Article]]:
    with path.open(encoding="utf-8") as fh:
        return [(i, json.loads(line)) for i, line in enumerate(fh) if line.strip()]


def load_sets(shared: Path) -> dict[str, list[Article]]:
    """Every set's gold articles, by name, in SET_ORDER."""
    corpus = shared / "corpus"
    sets: dict[str, list[Article]] = {
        "seeds": [a for _, a in _read(corpus / "seeds" / "seeds.jsonl")],
        "dev": [a for _, a in _read(corpus / "dev" / "articles.jsonl")],
        "train-tune": [], "train-frozen": []}
    for part in PARTS:
        lines = _read(corpus / "train" / f"part-{part}.jsonl")
        sets[f"train-{part}"] = [a for _, a in lines]
        for i, article in lines:
            frozen = i % FROZEN_EVERY == FROZEN_AT
            sets["train-frozen" if frozen else "train-tune"].append(article)
    sets["all"] = sets["seeds"] + sets["dev"] + [a for p in PARTS for a in sets[f"train-{p}"]]
    return {name: sets[name] for name in SET_ORDER}


def predict(articles: Iterable[Article]) -> dict[str, list[dict[str, Any]]]:
    """The extractor's letters reported as sent, per article id."""
    from scrapers.letters import extract_letters

    out = {}
    for a in articles:
        found = extract_letters(a["text"], title=a.get("title"), published=a.get("published"))
        out[str(a["id"])] = [{k: getattr(f, k) for k in PRED_FIELDS} for f in found
                             if getattr(f, "status", "reported") in SENT]
    return out


def load_scorer(shared: Path) -> ModuleType:
    path = shared / "eval" / "score_letters.py"
    spec = importlib.util.spec_from_file_location("score_letters", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Score:
    articles: int
    gold: int
    tp: int
    fp: int
    fn: int
    agree: dict[str, tuple[int, int]]  # kind, date, via: (agreeing, compared)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def rate(self, what: str) -> float | None:
        ok, n = self.agree[what]
        return ok / n if n else None


_AGREES = re.compile(r"^(kind|date|via) agrees on (\d+)/(\d+)", re.M)
_COUNTS = re.compile(r"articles (\d+), gold letters (\d+), predicted \d+, tp (\d+), fp (\d+), "
                     r"fn (\d+)")


def score(scorer: ModuleType, gold: list[Article], pred: dict[str, list[dict[str, Any]]],
          verbose: bool = False) -> tuple[Score, str]:
    """Run the scorer's own main() on this set; returns the figures and what it printed."""
    with tempfile.TemporaryDirectory() as tmp:
        gold_path, pred_path = Path(tmp) / "gold.jsonl", Path(tmp) / "pred.jsonl"
        with gold_path.open("w", encoding="utf-8") as fh:
            for a in gold:
                fh.write(json.dumps(a, ensure_ascii=False) + "\n")
        with pred_path.open("w", encoding="utf-8") as fh:
            for a in gold:
                fh.write(json.dumps({"id": a["id"], "letters": pred.get(str(a["id"]), [])},
                                    ensure_ascii=False) + "\n")
        argv = ["score_letters.py", str(gold_path), str(pred_path)]
        if verbose:
            argv.append("--verbose")
        printed = io.StringIO()
        saved, sys.argv = sys.argv, argv
        try:
            with contextlib.redirect_stdout(printed):
                scorer.main()
        finally:
            sys.argv = saved
    text = printed.getvalue()
    counts = _COUNTS.search(text)
    if counts is None:
        raise RuntimeError(f"the scorer printed no counts:\n{text}")
    articles, gold_n, tp, fp, fn = map(int, counts.groups())
    agree = {m[1]: (int(m[2]), int(m[3])) for m in _AGREES.finditer(text)}
    return Score(articles, gold_n, tp, fp, fn, agree), text


def score_sets(shared: Path, names: Iterable[str] = SET_ORDER,
               verbose: Callable[[str], bool] = lambda name: False) -> dict[str, Score]:
    """Each named set scored; every article is read by the extractor once."""
    sets = load_sets(shared)
    chosen = [n for n in SET_ORDER if n in set(names)]
    pred = predict({str(a["id"]): a for n in chosen for a in sets[n]}.values())
    scorer = load_scorer(shared)
    out = {}
    for name in chosen:
        result, text = score(scorer, sets[name], pred, verbose=verbose(name))
        if verbose(name):
            print(f"--- {name}\n{text}")
        out[name] = result
    return out


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def table(scores: dict[str, Score], markdown: bool = False) -> str:
    head = ("set", "articles", "gold", "first F1", "F1", "P", "R", "kind", "date", "via")
    rows = [(name, str(s.articles), str(s.gold), f"{FIRST_RUN.get(name, 0):.3f}",
             f"{s.f1:.3f}", f"{s.precision:.3f}", f"{s.recall:.3f}", _pct(s.rate("kind")),
             _pct(s.rate("date")), _pct(s.rate("via"))) for name, s in scores.items()]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True)))
                     for r in [head, *rows])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=default_shared())
    ap.add_argument("--markdown", action="store_true", help="the table as Markdown")
    ap.add_argument("--verbose", action="append", default=[], metavar="SET",
                    help="print the scorer's missed and wrong letters for SET (repeatable)")
    args = ap.parse_args()
    if not (args.shared / "corpus").is_dir():
        sys.exit(f"no corpus under {args.shared}: pass --shared PATH")
    from scrapers.letters import EXTRACTOR_VERSION

    scores = score_sets(args.shared, verbose=lambda name: name in args.verbose)
    print(f"extractor {EXTRACTOR_VERSION}; frozen part: train lines i % {FROZEN_EVERY} == "
          f"{FROZEN_AT}; scored by {args.shared / 'eval' / 'score_letters.py'}")
    print(table(scores, markdown=args.markdown))


if __name__ == "__main__":
    main()
