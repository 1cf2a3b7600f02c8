"""The frames table: every row's examples read as their letter, every counterexample as none."""
from __future__ import annotations

import pytest

from scrapers.letters import extract_letters
from scrapers.letters.extract import may_report_letters
from scrapers.letters.frames import Example, load_frames, parse_example, parse_frames

PUBLISHED = "2020-06-15"


def _rows() -> list[tuple[str, Example]]:
    t = load_frames()
    rows = [("nouns", x) for x in t.noun_examples + t.noun_counterexamples]
    for f in t.frames.values():
        rows += [(f.name, x) for x in f.examples + f.counterexamples]
    return rows


def _sent(text: str) -> list[tuple[str, str, str | None]]:
    return [(x.sender, x.recipient, x.via) for x in extract_letters(text, published=PUBLISHED)
            if x.status in ("reported", "claimed")]


@pytest.mark.parametrize(("frame", "example"), _rows(), ids=lambda v: v if isinstance(v, str) else v.text[:60])
def test_every_row_reads_its_examples(frame: str, example: Example) -> None:
    got = _sent(example.text)
    if example.expected is None:
        assert got == []
        return
    sender, recipient, via = example.expected
    assert any((s, r) == (sender, recipient) and (via is None or v == via) for s, r, v in got), got
    assert may_report_letters(example.text)  # the pre-check is derived from the same table


def test_every_frame_has_examples_or_counterexamples() -> None:
    for f in load_frames().frames.values():
        assert f.examples or f.counterexamples, f.name


def test_the_table_knows_each_form_once_and_the_reader_matches_them_all() -> None:
    t = load_frames()
    assert t.by_form["sent"].name == "send"
    assert t.by_form["received"].role("subject", passive=False) == "recipient"
    assert t.by_form["sent"].role("subject", passive=True) == "recipient"
    assert t.kinds["cable"] == "telegram" and t.kinds["congratulations"] is None


def test_a_row_with_an_unknown_role_or_a_form_in_two_rows_is_refused() -> None:
    base = {"nouns": {"kinds": {}}, "participles": {"deliver": "", "author": ""}}
    with pytest.raises(ValueError, match="maps 'subject' to 'author'"):
        parse_frames(base | {"frame": [{"name": "x", "forms": "a", "active": {"subject": "author"}}]})
    with pytest.raises(ValueError, match="form 'a' is in frames"):
        parse_frames(base | {"frame": [{"name": "x", "forms": "a"}, {"name": "y", "forms": "a b"}]})


def test_congratulations_exchanged_are_messages() -> None:
    (a, b) = extract_letters("Xi Jinping exchanged congratulations with Joe Biden on Monday.", published=PUBLISHED)
    assert a.kind == b.kind == "message"


def test_examples_are_parsed_with_an_optional_carrier() -> None:
    assert parse_example("A gave it. => A -> B via C").expected == ("A", "B", "C")
    assert parse_example("A wrote. => A -> B").expected == ("A", "B", None)
    assert parse_example("Nothing here.").expected is None
    with pytest.raises(ValueError):
        parse_example("A wrote. => A and B")
