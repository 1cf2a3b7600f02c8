"""One reader per date form, each shown on a short phrasing (published 2024-03-14, a Thursday)."""
from __future__ import annotations

import pytest

from scrapers.letters.date_readers import find_dates
from scrapers.letters.date_types import anchor_for, parse_published


def read(text: str) -> list[tuple[str, str | None]]:
    return [(text[d.start:d.end], d.span.iso()) for d in find_dates(text, anchor_for(parse_published("2024-03-14")))]


@pytest.mark.parametrize("text, expected", [
    ("He wrote on March 3, 2021.", [("March 3, 2021", "2021-03-03")]),
    ("He wrote on 3 March 2021.", [("3 March 2021", "2021-03-03")]),
    ("He wrote in March 2021.", [("March 2021", "2021-03")]),
    ("He wrote on March 3.", [("March 3", "2024-03-03")]),
    ("He wrote on December 3.", [("December 3", "2023-12-03")]),
    ("He wrote in 2021.", [("in 2021", "2021")]),
    ("He wrote on Monday.", [("on Monday", "2024-03-11")]),
    ("He wrote last month.", [("last month", "2024-02")]),
    ("He wrote three days ago.", [("three days ago", "2024-03-11")]),
    ("He wrote during the first week of March.", [("the first week of March", "2024-03")]),
    ("He wrote on New Year's Eve.", [("New Year's Eve", "2023-12-31")]),
])
def test_each_form(text, expected):
    assert read(text) == expected


def test_a_longer_form_is_read_once():
    assert read("On Monday, March 11, 2024 he wrote.") == [("Monday, March 11, 2024", "2024-03-11")]


def test_a_text_without_dates_costs_one_search():
    assert read("He wrote a letter to his counterpart.") == []
