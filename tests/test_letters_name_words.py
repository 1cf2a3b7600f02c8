"""The word lists that decide what is a name, each shown at work on a short phrasing."""
from __future__ import annotations

from datetime import date

import pytest

from scrapers.letters.entities import find_entities, party_type
from scrapers.letters.name_words import name_words


def found(text: str, when: date | None = date(2024, 3, 1)) -> list[tuple[str, str, str | None]]:
    return [(m.text, m.kind, m.person) for m in find_entities(text, when).mentions if m.kind != "pronoun"]


def test_the_lists_are_lower_case_and_do_not_contradict_each_other():
    lex = name_words()
    for words in (lex.not_names, lex.honorifics, lex.headline_verbs, lex.not_person_heads):
        assert words and all(w == w.lower() for w in words)
    # a party type must be a type some head word gives
    assert lex.party_types <= set(lex.organisation_heads.values())


@pytest.mark.parametrize("text", [
    "Datuk Seri wrote to the king.",
    "Shri K. Natwar Singh sent a note.",
    "His Highness sent a cable.",
])
def test_honorifics_alone_are_nobody(text):
    assert not [x for x in found(text) if x[1] == "generic"]


@pytest.mark.parametrize("text", ["Datuk Seri Zoltan Bako wrote.", "Alhaji Zoltan Bako wrote.", "Shri Zoltan Bako wrote."])
def test_an_honorific_is_not_part_of_a_name_the_gazetteer_lacks(text):
    assert [x[2] for x in found(text) if x[1] == "generic"] == ["Zoltan Bako"]


@pytest.mark.parametrize("headline, person", [
    ("Trump Says He Got A Beautiful Letter", "Donald Trump"),
    ("Putin Sends Greetings To Kim", "Vladimir Putin"),
])
def test_a_headline_verb_ends_the_name(headline, person):
    people = [x for x in found(headline) if x[1] != "place"]
    assert people[0][2] == person


@pytest.mark.parametrize("text", [
    "The queen was staying at Balmoral Castle when she wrote.",
    "The leaders met before the Olympic Games opened.",
    "Tension rose in the Taiwan Strait.",
    "Fighting resumed in Nagorno-Karabakh last week.",
    "He greeted the nation on the Muslim Feast.",
])
def test_places_events_and_regions_are_nobody(text):
    assert not [x for x in found(text) if x[1] in ("generic", "name", "short")]


@pytest.mark.parametrize("text, org, kind", [
    ("Xi replied to a letter from Nankai University students.", "Nankai University students", "students"),
    ("Netanyahu wrote to the Norwegian Nobel Committee.", "Norwegian Nobel Committee", "committee"),
    ("A letter from the Student Exchange Association reached Xi.", "Student Exchange Association", "association"),
])
def test_organisations_are_parties_with_a_type(text, org, kind):
    ents = find_entities(text, date(2024, 3, 1))
    (m,) = [m for m in ents.mentions if m.kind == "organisation"]
    assert (m.person, m.role, party_type(m)) == (org, kind, "organisation")


def test_people_are_persons():
    ents = find_entities("Vladimir Putin wrote to Xi Jinping.", date(2024, 3, 1))
    assert {party_type(m) for m in ents.mentions} == {"person"}


def test_an_organisation_name_runs_over_and():
    ents = find_entities("Xi replied to a letter from the US-China Youth and Student Exchange Association.", date(2024, 3, 1))
    assert [m.person for m in ents.mentions if m.kind == "organisation"] == ["US-China Youth and Student Exchange Association"]


@pytest.mark.parametrize("text", ["He congratulated Muslim Leaders on the feast.", "A message to the Arab Peoples."])
def test_groups_of_people_are_nobody_in_particular(text):
    assert not [x for x in found(text) if x[1] == "generic"]


@pytest.mark.parametrize("text, name", [
    ("Xi answered a letter from students of Ohio's Lakeview High School.", "Lakeview High School students"),
    ("Xi wrote to Chinese students at Novgorod State University.",
     "Chinese students at Novgorod State University"),
])
def test_students_of_a_school_are_one_party(text, name):
    ents = find_entities(text, date(2024, 2, 24))
    assert [(m.person, m.role) for m in ents.mentions if m.kind == "organisation"] == [(name, "students")]


@pytest.mark.parametrize("text", [
    "They met at Camp David before the talks.",
    "Greetings for Eid al-Fitr were exchanged.",
    "Tan Sri wrote nothing.",
    "Hurricane Katrina struck the coast.",
    "The Labour MPs signed the letter.",
])
def test_more_things_that_are_nobody(text):
    assert not [x for x in found(text) if x[1] == "generic"]


def test_a_city_name_inside_an_organisation_stays_in_it():
    ents = find_entities("The New York Times reported the letter.", date(2024, 3, 1))
    assert [m.person for m in ents.mentions if m.kind == "organisation"] == ["New York Times"]


@pytest.mark.parametrize("text, org", [
    ("The World Health Organization wrote to him.", "World Health Organization"),
    ("The World Bank wrote to him.", "World Bank"),
])
def test_international_organisations(text, org):
    ents = find_entities(text, date(2020, 6, 1))
    assert [m.person for m in ents.mentions if m.kind == "organisation"] == [org]


@pytest.mark.parametrize("text", ["He flew to Palm Beach.", "The Department of Homeland Security said so.",
                                  "Her Chief Strategy Officer spoke."])
def test_places_offices_and_posts_are_nobody(text):
    assert not [x for x in found(text) if x[1] == "generic"]


def test_short_form_lists_are_keys_the_gazetteer_uses():
    from scrapers.letters.gazetteer import load_gazetteer

    lex, g = name_words(), load_gazetteer()
    assert lex.always_short <= lex.common_short
    # a listed short form that no gazetteer person has would never be read: a stale row
    assert {k for k in lex.always_short if k not in g.short_names} == set()
