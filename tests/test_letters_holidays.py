"""The table of named days: every row usable, every name found in text."""
from __future__ import annotations

import tomllib
from datetime import date
from itertools import pairwise
from importlib import resources

import pytest

from scrapers.letters.holidays import holidays

_RAW = tomllib.loads(resources.files("scrapers.letters").joinpath("data/holidays.toml").read_text("utf-8"))


def test_moving_days_have_one_date_a_year_in_order():
    for name, days in _RAW["moving"].items():
        parsed = [date.fromisoformat(d) for d in days]
        assert parsed == sorted(parsed), name
        # a lunar year is eleven days short of a solar one (Eid al-Adha falls twice in 2006)
        for a, b in pairwise(parsed):
            assert 340 <= (b - a).days <= 390, (name, a, b)


def test_fixed_days_are_real_days():
    for name, md in _RAW["fixed"].items():
        assert date(2024, int(md[:2]), int(md[3:])).year == 2024, name


def test_every_alias_and_offset_names_a_day_of_the_table():
    days = set(_RAW["fixed"]) | set(_RAW["moving"])
    assert set(_RAW["aliases"].values()) <= days
    assert {v[0] for v in _RAW["offsets"].values()} <= days


@pytest.mark.parametrize("name", sorted(set(_RAW["fixed"]) | set(_RAW["moving"]) | set(_RAW["aliases"]) | set(_RAW["offsets"])))
def test_every_name_is_found_in_text_and_resolves(name):
    table = holidays()
    m = table.pattern.search(f"Greetings on {name.title()} were sent.")
    assert m is not None, name
    assert table.on_or_before(m.group(0), date(2025, 12, 31)) is not None


def test_a_day_long_past_the_table_is_not_guessed():
    assert holidays().on_or_before("Eid al-Fitr", date(1990, 1, 1)) is None
