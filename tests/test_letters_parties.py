"""Organisations as parties: found in a sentence, typed, and never both sides of a letter."""
from __future__ import annotations

import pytest

from scrapers.letters import extract_letters
from scrapers.letters.parties import find_organisations, party_type


@pytest.mark.parametrize(("text", "name"), [
    ("Xi replied to a letter from the US-China Youth and Student Exchange Association.",
     "US-China Youth and Student Exchange Association"),
    ("In his letter to the Norwegian Nobel Committee, Carter praised Trump.", "Norwegian Nobel Committee"),
    ("Xi answered a letter from Muscatine High School students.", "Muscatine High School students"),
    ("Kim sent greetings to the Communist Party of Cuba.", "Communist Party of Cuba"),
])
def test_organisations_are_found_by_their_last_word(text: str, name: str) -> None:
    assert name in [m.text for m in find_organisations(text, 0, len(text))]


@pytest.mark.parametrize("text", ["The ruling party said so.", "Students marched in the city.", "Kim Jong Un wrote."])
def test_no_organisation_without_a_capitalised_name(text: str) -> None:
    assert find_organisations(text, 0, len(text)) == []


def test_party_type() -> None:
    assert party_type("Norwegian Nobel Committee") == "organisation"
    assert party_type("Communist Party of Cuba") == "organisation"
    assert party_type("Xi Jinping") == "person"


def test_a_leader_writing_to_an_organisation_is_a_letter_with_its_type() -> None:
    letters = extract_letters("Kim Jong Un sent a message to the Communist Party of Cuba on Monday.",
                              published="2021-04-20")
    assert [(x.sender, x.recipient, x.sender_type, x.recipient_type) for x in letters] == [
        ("Kim Jong Un", "Communist Party of Cuba", "person", "organisation")]


def test_letters_between_two_organisations_are_not_leaders_letters() -> None:
    text = "The National Olympic Committee sent a letter to the International Olympic Committee."
    assert extract_letters(text, published="2020-03-01") == []


@pytest.mark.parametrize("text", [
    "Sultan Al Qasimi, Member of the Supreme Council and Ruler of Sharjah, sent a cable.",
    "Xi, general secretary of the Communist Party of China Central Committee, replied.",
])
def test_an_organisation_inside_a_title_is_no_party(text: str) -> None:
    assert find_organisations(text, 0, len(text)) == []


def test_students_of_a_school_are_named_as_a_group() -> None:
    text = "Xi Jinping answered a letter from students of Iowa's Muscatine High School."
    assert [m.person for m in find_organisations(text, 0, len(text))] == ["Muscatine High School students"]
    got = {(x.sender, x.recipient) for x in extract_letters(text, published="2024-02-24")}
    assert ("Xi Jinping", "Muscatine High School students") in got


@pytest.mark.parametrize(("text", "pair"), [
    ("Vladimir Putin sent a message to his Chinese counterpart on Monday.", ("Vladimir Putin", "Xi Jinping")),
    ("Xi Jinping wrote to his Russian counterpart last week.", ("Xi Jinping", "Vladimir Putin")),
])
def test_an_unnamed_counterpart_is_the_office_holder_of_that_country(text: str, pair: tuple[str, str]) -> None:
    got = {(x.sender, x.recipient) for x in extract_letters(text, published="2022-11-10")}
    assert pair in got


def test_a_named_counterpart_is_left_to_the_name() -> None:
    text = "Vladimir Putin sent a message to his Chinese counterpart, Xi Jinping."
    got = {(x.sender, x.recipient) for x in extract_letters(text, published="2022-11-10")}
    assert got == {("Vladimir Putin", "Xi Jinping")}


def test_letters_between_countries_named_only_as_countries_are_not_leaders_letters() -> None:
    assert extract_letters("China sent a message to Russia on Monday.", published="2015-06-15") == []
    (x,) = extract_letters("Kim Jong Un sent a message to South Korea on Monday.", published="2015-06-15")
    assert (x.sender, x.recipient) == ("Kim Jong Un", "Park Geun-hye")


def test_organisations_are_found_alike_with_the_lowered_text():
    text = "The Muscatine High School students wrote to the Central Committee of the Workers' Party."
    lowered = text.lower()
    assert [m.person for m in find_organisations(text, 0, len(text), lowered)] == \
        [m.person for m in find_organisations(text, 0, len(text))]
    assert find_organisations(text, 0, len(text), lowered)
