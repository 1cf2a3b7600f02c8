"""People the gazetteer lacks and organisations, read from capitalised runs."""
from __future__ import annotations

from datetime import date

import pytest

from scrapers.letters.entities import find_entities


def kinds(text: str) -> list[tuple[str, str, str | None]]:
    return [(m.kind, m.text, m.person) for m in find_entities(text, date(2024, 3, 1)).mentions
            if m.kind in ("generic", "organisation", "name")]


def test_a_name_the_gazetteer_lacks_is_a_person_as_written():
    assert kinds("Envoy Zoltan Bako carried the letter.") == [("generic", "Zoltan Bako", "Zoltan Bako")]


def test_a_title_with_one_name_word_is_how_the_person_is_called():
    assert ("generic", "Sheikh Zayan", "Sheikh Zayan") in kinds("Sheikh Zayan received the letter.")


def test_a_single_initial_before_the_name_belongs_to_it():
    assert kinds("J. Arnold Quimby wrote.") == [("generic", "J. Arnold Quimby", "J. Arnold Quimby")]


def test_a_part_of_a_name_the_gazetteer_lacks_refers_back_to_it():
    ents = find_entities("Envoy Zoltan Bako arrived. Bako handed over the letter.", date(2024, 3, 1))
    assert [(m.kind, m.person) for m in ents.mentions if m.text == "Bako"] == [("short", "Zoltan Bako")]


@pytest.mark.parametrize("text, org, kind", [
    ("The Liberal Democratic Party wrote to him.", "Liberal Democratic Party", "party"),
    ("The Cuban Parliament sent a message.", "Cuban Parliament", "parliament"),
])
def test_organisations_keep_their_whole_name_and_type(text, org, kind):
    ents = find_entities(text, date(2024, 3, 1))
    assert [(m.person, m.role) for m in ents.mentions if m.kind == "organisation"] == [(org, kind)]


@pytest.mark.parametrize("text, name", [
    ("Ambassador Pavel K Sorokin delivered the note.", "Pavel K Sorokin"),
    ("Emperor Haile Selassie I wrote.", "Haile Selassie I"),
])
def test_a_middle_initial_is_not_a_regnal_number(text, name):
    assert [p for k, _, p in kinds(text) if k == "generic"] == [name]
