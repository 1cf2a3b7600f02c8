"""Titles without a country, placed in the country the article is about."""
from __future__ import annotations

from datetime import date

import pytest

from scrapers.letters.entities import find_entities, resolve_title


def titles(text: str, when: date | None) -> list[tuple[str, str | None]]:
    ents = find_entities(text, when)
    return [(m.text, resolve_title(ents, m.role or "", when)) for m in ents.mentions if m.kind == "title"]


@pytest.mark.parametrize("text, when, expected", [
    ("KUWAIT: HH the Amir sent a cable to the Saudi king.", date(2019, 3, 1),
     ("HH the Amir", "Sabah Al-Ahmad Al-Jaber Al-Sabah")),
    ("Muscat: His Majesty the Sultan received a cable of thanks.", date(2021, 3, 1),
     ("His Majesty the Sultan", "Haitham bin Tariq")),
    ("Queen Elizabeth was at Balmoral. The monarch then wrote to Port-au-Prince.", date(2021, 8, 16),
     ("The monarch", "Elizabeth II")),
])
def test_a_bare_title_is_the_office_of_the_articles_country(text, when, expected):
    assert expected in titles(text, when)


def test_a_royal_title_is_not_read_in_a_country_without_a_monarch():
    assert titles("Haiti mourned. The monarch wrote to Port-au-Prince.", date(2021, 8, 16)) == []


def test_the_president_alone_is_left_to_the_sentence_reader():
    assert titles("KUWAIT: The President said he wrote.", date(2019, 3, 1)) == []


def test_the_dateline_country_comes_first():
    text = ("KUWAIT: His Highness the Crown Prince sent cables to the UAE President Sheikh Khalifa, "
            "Sheikh Mohammed bin Rashid and Sheikh Mohamed bin Zayed.")
    assert ("His Highness the Crown Prince", "Nawaf Al-Ahmad Al-Jaber Al-Sabah") in titles(text, date(2018, 10, 29))


def test_a_president_elect_is_the_next_holder():
    assert titles("He sent a cable to Brazil's President-elect.", date(2018, 10, 29)) == [
        ("Brazil's President-elect", "Jair Bolsonaro")]


def test_an_undated_article_takes_the_office_from_the_style_of_a_name():
    text = "Amir Sheikh Sabah Al-Ahmad Al-Jaber Al-Sabah met Sheikh Nawaf Al-Ahmad. KUWAIT: His Highness the Amir wrote."
    assert ("His Highness the Amir", "Sabah Al-Ahmad Al-Jaber Al-Sabah") in titles(text, None)


def test_a_country_adjective_places_a_bare_title():
    assert titles("The monarch, at her Scottish estate for the summer, wrote.", date(2021, 8, 16)) == [
        ("The monarch", "Elizabeth II")]


def test_the_dateline_after_a_headline_still_places_the_title():
    text = ("Kuwait's rulers send greetings\n\nKUWAIT: His Highness the Crown Prince sent a cable to "
            "Sheikh Khalifa bin Zayed, Sheikh Mohammed bin Rashid and Sheikh Mohamed bin Zayed of the UAE.")
    assert ("His Highness the Crown Prince", "Nawaf Al-Ahmad Al-Jaber Al-Sabah") in titles(text, date(2018, 10, 29))


def test_the_pm_is_the_head_of_government_of_the_articles_country():
    text = "Theresa May wrote to Jeremy Corbyn. In her letter to the Labour leader, the PM said the UK would leave."
    assert ("the PM", "Theresa May") in titles(text, date(2019, 2, 10))


@pytest.mark.parametrize("text, when, expected", [
    ("TEHRAN: The Supreme Leader received a letter from Iran's president.", date(2015, 5, 1),
     ("The Supreme Leader", "Ali Khamenei")),
    ("DUBLIN: The Taoiseach wrote to the US president.", date(2019, 5, 1), ("The Taoiseach", "Leo Varadkar")),
])
def test_titles_that_name_one_office(text, when, expected):
    assert expected in titles(text, when)
