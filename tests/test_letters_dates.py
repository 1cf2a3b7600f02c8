"""Dates: the article's own date, and dates in sentences resolved against it."""
from __future__ import annotations

from datetime import date

import pytest

from scrapers.letters.dates import (
    DateSpan, anchor_for, dateline_date, find_article_date, find_article_interval, find_dates, parse_published,
)


def iso(text: str, published: str | None) -> list[str | None]:
    return [d.span.iso() for d in find_dates(text, anchor_for(parse_published(published)))]


@pytest.mark.parametrize("value, expected", [
    ("2019-09-16", (date(2019, 9, 16), date(2019, 9, 16))),
    ("2019-09-16T10:11:00Z", (date(2019, 9, 16), date(2019, 9, 16))),
    ("2023-10", (date(2023, 10, 1), date(2023, 10, 31))),
    ("2019", (date(2019, 1, 1), date(2019, 12, 31))),
    (None, None),
    ("", None),
    ("yesterday-ish", None),
    ("2019-02-30", None),
])
def test_publication_dates(value, expected):
    assert parse_published(value) == expected


def test_intervals_print_at_the_precision_they_support():
    assert DateSpan(date(2019, 8, 9), date(2019, 8, 9)).iso() == "2019-08-09"
    assert DateSpan(date(2019, 8, 1), date(2019, 8, 31)).iso() == "2019-08"
    assert DateSpan(date(2019, 7, 29), date(2019, 8, 4)).iso() == "2019"
    assert DateSpan(date(2019, 12, 30), date(2020, 1, 5)).iso() is None
    assert DateSpan(date(2019, 8, 9), date(2019, 8, 9), anchored=False).iso() is None


@pytest.mark.parametrize("text, published, expected", [
    ("sent on Thursday", "2020-03-05", ["2020-03-05"]),
    ("received Wednesday", "2022-04-22", ["2022-04-20"]),
    ("last Friday", "2022-04-22", ["2022-04-15"]),
    ("yesterday", "2018-12-31", ["2018-12-30"]),
    ("last week", "2019-01-24", ["2019-01"]),
    ("this week", "2007-12-07", ["2007-12"]),
    ("last month", "2019-01-10", ["2018-12"]),
    ("late last year", "2018-03-20", ["2017"]),
    ("in August", "2019-09-16", ["2019-08"]),
    ("in December", "2019-09-16", ["2018-12"]),
    ("on 9 August", "2019-09-16", ["2019-08-09"]),
    ("on June 12", "2018-07-12", ["2018-06-12"]),
    ("in the third week of August", "2019-09-16", ["2019-08"]),
    ("24 days after the June 12 summit", "2018-07-12", ["2018-07-06"]),
    ("two days ago", "2019-09-16", ["2019-09-14"]),
    ("two weeks ago", "2019-09-16", ["2019"]),
    ("in 2018", "2023-10-12", ["2018"]),
    ("on October 19", "2021-10-23", ["2021-10-19"]),
    ("November 16, Juche 111 (2022)", None, ["2022-11-16"]),
    ("Monday 16 September 2019", None, ["2019-09-16"]),
])
def test_date_expressions(text, published, expected):
    assert iso(text, published) == expected


def test_may_the_verb_is_not_may_the_month():
    assert iso("Trump may write to Kim", "2019-06-01") == []
    assert iso("in May", "2019-06-01") == ["2019-05"]


def test_years_inside_ranges_are_not_dates():
    assert iso("the 1950-1953 Korean War", "2019-06-01") == []


def test_relative_dates_without_a_publication_date_are_kept_but_not_reported():
    spans = find_dates("on Thursday", anchor_for(None))
    assert len(spans) == 1 and spans[0].span.iso() is None


@pytest.mark.parametrize("text, expected", [
    ("Hyonhee Shin\nMonday 16 September 2019 10:11 EDT\nBody text here.", date(2019, 9, 16)),
    ("By Patrick Goodenough | January 1, 2019 | 10:44pm EST\nBody.", date(2019, 1, 1)),
    ("Phnom Penh, November 21, 2019 - The ambassador handed over two letters on a long line of text here.", date(2019, 11, 21)),
    ("Date: 23/10/2021 | Source: KCNA", date(2021, 10, 23)),
    ("Some body text without any date.", None),
    ("", None),
])
def test_article_date_from_its_text(text, expected):
    assert find_article_date(text) == expected


def test_a_caption_date_deep_in_a_long_line_is_not_the_article_date():
    long_caption = ("US President Donald Trump shakes hands with North Korean leader Kim Jong Un as they meet at the "
                    "demilitarized zone separating the two Koreas, in Panmunjom, South Korea, June 30, 2019. PHOTO: REUTERS")
    assert find_article_date("Headline\n\n" + long_caption) is None


@pytest.mark.parametrize("text, published, expected", [
    ("He sent greetings on New Year's Eve.", "2024-01-01", ["2023-12-31"]),
    ("He sent greetings on New Year\u2019s Eve.", "2023-12-31", ["2023-12-31"]),
    ("During Eid al-Fitr, he received cables.", "2024-06-17", ["2024-04-10"]),
    ("He sent Eid ul-Adha greetings.", "2024-06-17", ["2024-06-16"]),
    ("He replied on the Lantern Festival.", "2024-03-01", ["2024-02-24"]),
    ("Spring Festival greetings were exchanged.", "2023-01-25", ["2023-01-22"]),
    ("He greeted them on Nowruz.", "2024-03-22", ["2024-03-21"]),
])
def test_named_days_resolve_to_the_latest_one_before_the_article(text, published, expected):
    assert iso(text, published) == expected


def test_a_named_day_without_a_known_date_is_not_reported():
    assert iso("He sent greetings on New Year's Eve.", None) == [None]


@pytest.mark.parametrize("text, expected", [
    ("He had sent his greetings the previous day.", ["2026-01-08"]),
    ("A day earlier he had written to him.", ["2026-01-08"]),
])
def test_the_previous_day_is_the_day_before_the_article(text, expected):
    assert iso(text, "2026-01-09") == expected


@pytest.mark.parametrize("text, published, expected", [
    ("Manama [Bahrain], August 7 (BNA): The king today received a message.", "2023-08-08", date(2023, 8, 7)),
    ("BEIJING, Dec. 31 (Xinhua) -- Xi exchanged greetings.", "2025-01-01", date(2024, 12, 31)),
    ("SEOUL, Oct. 15 (Yonhap) -- Kim wrote to him.", "2020-10-15", date(2020, 10, 15)),
    ("SEOUL, Oct. 1 (Yonhap) -- Kim sent a message.", "2020-10-17", None),
    ("Kim sent a message on Oct. 1.", "2020-10-17", None),
])
def test_a_wire_dateline_gives_the_day_of_writing(text, published, expected):
    assert dateline_date(text, parse_published(published)) == expected


@pytest.mark.parametrize("text, expected", [
    ("2003 Report\nThe king sent a cable.", (date(2003, 1, 1), date(2003, 12, 31))),
    ("BEIJING, Dec. 31, 2024 (Xinhua) -- Xi sent greetings.", (date(2024, 12, 31), date(2024, 12, 31))),
    ("2024-25 budget talks went on as Xi sent greetings.", None),
    ("Xi sent greetings in 1998.", None),
])
def test_an_article_dated_only_by_a_year_at_its_top(text, expected):
    assert find_article_interval(text) == expected


def test_the_era_of_an_undated_text_is_the_latest_date_it_states():
    from scrapers.letters.dates import era_of

    assert era_of("Talks began in 1998 and a letter dated May 2, 2001 followed.") == date(2001, 5, 2)
    assert era_of("He wrote on Monday.") is None


def test_a_byline_date_written_with_slashes():
    assert find_article_date("Leaders trade notes\nSource: Agency Published: 2016/05/04 09:00:00\nIt was sent.") == date(
        2016, 5, 4)


@pytest.mark.parametrize("text, expected", [
    ("Putin sends a telegram\n12.03.2019 14:05\nMOSCOW - Putin sent a telegram.", date(2019, 3, 12)),
    ("He paid 12.50 dollars on the 3.4.2019 trip and many other things happened in the long body text.", None),
])
def test_a_day_written_with_dots_at_the_top(text, expected):
    assert find_article_date(text) == expected
