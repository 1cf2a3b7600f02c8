"""The named filters: every example reports no letter sent, every counterexample its letter."""
from __future__ import annotations

import pytest

from scrapers.letters import extract_letters
from scrapers.letters.extract import may_report_letters
from scrapers.letters.filters import load_filters, parse_filters
from scrapers.letters.frames import Example

PUBLISHED = "2020-06-15"


def _rows() -> list[tuple[str, Example]]:
    return [(f.name, x) for f in load_filters().rows for x in f.examples + f.counterexamples]


def _sent(text: str) -> list[tuple[str, str]]:
    return [(x.sender, x.recipient) for x in extract_letters(text, published=PUBLISHED)
            if x.status in ("reported", "claimed")]


@pytest.mark.parametrize(("name", "example"), _rows(), ids=lambda v: v if isinstance(v, str) else v.text[:60])
def test_every_filter_reads_its_examples(name: str, example: Example) -> None:
    got = _sent(example.text)
    if example.expected is None:
        assert got == [], name
    else:
        assert example.expected[:2] in got
        assert may_report_letters(example.text)


def test_every_filter_says_why_and_has_an_example() -> None:
    for f in load_filters().rows:
        assert f.why and f.examples, f.name


def test_filters_answer_by_name() -> None:
    fl = load_filters()
    assert fl.by_modifier({"a", "video"}, addressed=True) == "speech"
    assert fl.by_modifier({"year's"}, addressed=False) == "speech"
    assert fl.by_modifier({"year's"}, addressed=True) is None
    assert fl.by_modifier({"year"}, addressed=False, kind="greetings") is None
    assert fl.by_complement("intent") == "letter of intent"
    assert fl.by_neighbours(["during", "a", "phone"], [], exchange=True) == "phone call"
    assert fl.by_neighbours(["during", "a", "phone"], [], exchange=False) is None


def test_a_near_filter_without_a_window_is_refused() -> None:
    with pytest.raises(ValueError, match="need a 'window'"):
        parse_filters({"filter": [{"name": "x", "near": ["call"]}]})
