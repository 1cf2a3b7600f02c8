"""The letters extractor cannot quietly lose ground on real articles: train's frozen part and
seeds + dev + train must score at least the F1 recorded in
tests/fixtures/letters_quality_floor.toml, by the corpus's own scorer."""

from __future__ import annotations

import functools
import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest
from sites import SHARED

ROOT = Path(__file__).resolve().parents[1]
FLOOR = Path(__file__).parent / "fixtures" / "letters_quality_floor.toml"


@functools.cache
def bench():
    spec = importlib.util.spec_from_file_location(
        "bench_letters_quality", ROOT / "bench" / "bench_letters_quality.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores():
    if not (SHARED / "corpus" / "train").is_dir() or not (SHARED / "eval").is_dir():
        pytest.skip(f"needs the annotated corpus and its scorer in {SHARED} (../shared)")
    return bench().score_sets(SHARED, names=("train-frozen", "all"))


@pytest.fixture(scope="module")
def floor() -> dict[str, float]:
    with FLOOR.open("rb") as fh:
        return tomllib.load(fh)


def test_the_frozen_part_is_forty_articles_from_every_part_of_train():
    if not (SHARED / "corpus" / "train").is_dir():
        pytest.skip(f"needs the annotated corpus in {SHARED} (../shared)")
    sets = bench().load_sets(SHARED)
    frozen = {a["id"] for a in sets["train-frozen"]}
    tune = {a["id"] for a in sets["train-tune"]}
    assert len(frozen) == 40 and not frozen & tune
    assert frozen | tune == {a["id"] for p in "abcd" for a in sets[f"train-{p}"]}
    assert all(len(frozen & {a["id"] for a in sets[f"train-{p}"]}) == 10 for p in "abcd")
    assert sets["train-a"][3]["id"] in frozen and sets["train-a"][4]["id"] in tune


def test_the_frozen_part_scores_at_least_its_recorded_f1(scores, floor):
    frozen = scores["train-frozen"]
    assert frozen.articles == 40
    assert frozen.f1 >= floor["frozen"], (
        f"frozen part F1 {frozen.f1:.3f} (P {frozen.precision:.3f}, R {frozen.recall:.3f}) "
        f"fell below its floor {floor['frozen']}")


def test_seeds_dev_and_train_score_at_least_their_recorded_f1(scores, floor):
    everything = scores["all"]
    assert everything.articles == 193
    assert everything.f1 >= floor["seeds_dev_train"], (
        f"seeds + dev + train F1 {everything.f1:.3f} fell below its floor "
        f"{floor['seeds_dev_train']}")


def test_the_scores_are_the_scorers_own(scores):
    # Counts, not a figure computed here: tp + fn is every gold letter not marked optional.
    s = scores["train-frozen"]
    assert s.tp + s.fn == s.gold and s.tp + s.fp >= s.tp
    assert set(s.agree) == {"kind", "date", "via"}
