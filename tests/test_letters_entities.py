"""People in an article: names, short forms, titles, places and descriptions."""
from __future__ import annotations

from datetime import date

import pytest

from scrapers.letters.entities import find_entities, resolve_title


def people(text: str, when: date | None = None) -> list[tuple[str, str | None]]:
    ents = find_entities(text, when)
    out = []
    for m in ents.mentions:
        if m.kind in ("title", "place"):
            out.append((m.text, resolve_title(ents, m.role or "", when)))
        elif m.kind != "pronoun":
            out.append((m.text, m.person))
    return out


def test_full_names_and_short_forms():
    got = people("Kim Jong-un met Vladimir Putin. Putin thanked Mr Kim.", date(2019, 4, 25))
    assert ("Kim Jong-un", "Kim Jong Un") in got
    assert ("Putin", "Vladimir Putin") in got and ("Kim", "Kim Jong Un") in got


def test_a_title_before_a_name_is_one_mention_and_binds_the_office():
    ents = find_entities("Russian President Vladimir Putin spoke. The Russian president left.", None)
    first = ents.mentions[0]
    assert first.text == "Russian President Vladimir Putin" and first.person == "Vladimir Putin"
    assert ents.bindings[("RU", "hos")] == "Vladimir Putin"


def test_titles_alone_resolve_by_date():
    assert people("the North Korean leader", date(2009, 1, 1)) == [("the North Korean leader", "Kim Jong Il")]
    assert people("President of the Syrian Arab Republic", date(2022, 11, 16))[0][1] == "Bashar al-Assad"
    assert people("the Kremlin", date(2018, 8, 15)) == [("the Kremlin", "Vladimir Putin")]


def test_a_seat_of_government_used_as_an_adjective_is_not_a_person():
    assert people("White House officials declined to comment.", date(2019, 1, 1)) == []


def test_people_outside_the_gazetteer_are_found_and_called_by_a_part_of_their_name():
    got = people("Ambassador Sarah Example-Jones arrived. Example-Jones handed over the letter.")
    assert ("Sarah Example-Jones", "Sarah Example-Jones") in got
    assert ("Example-Jones", "Sarah Example-Jones") in got


def test_korean_given_names_used_alone():
    got = people("Kim Yong-chol visited. Yong-chol passed on a letter.")
    assert ("Yong-chol", "Kim Yong Chol") in got


def test_descriptions_are_resolved_by_apposition():
    ents = find_entities("A North Korean official handed over a message. Putin met the official, Kim Yong Nam.", None)
    assert ents.descriptors["official"] == "Kim Yong Nam"


def test_country_possessive_joins_the_name():
    got = people("China's Xi Jinping received it.", date(2020, 1, 1))
    assert got == [("China's Xi Jinping", "Xi Jinping")]


@pytest.mark.parametrize("text, person", [
    ("Jordan's King Abdullah wrote to him.", "Abdullah II"),
    ("Saudi King Abdullah wrote to him.", "Abdullah bin Abdulaziz Al Saud"),
    ("Sheikh Hamad of Bahrain wrote to him.", "Hamad bin Isa Al Khalifa"),
    ("Qatari Emir Sheikh Hamad wrote to him.", "Hamad bin Khalifa Al Thani"),
])
def test_a_country_beside_a_shared_style_picks_that_countrys_ruler(text, person):
    ents = find_entities(text, date(2006, 5, 1))
    assert [m.person for m in ents.mentions if m.kind == "name"] == [person]


@pytest.mark.parametrize("text, person", [
    ("President Laurent Koudou Gbagbo wrote to him.", "Laurent Gbagbo"),
    ("President Joao Lourenzo wrote to him.", "João Lourenço"),
])
def test_a_middle_name_or_a_misspelt_surname_still_finds_the_gazetteer_person(text, person):
    ents = find_entities(text, date(2010, 4, 1))
    assert [m.person for m in ents.mentions if m.kind == "name"] == [person]


def test_a_detached_article_before_a_short_name_is_part_of_it():
    ents = find_entities("Abdel Fattah al-Sisi wrote. Al Sissi conveyed his greetings.", date(2020, 1, 1))
    assert [(m.text, m.person) for m in ents.mentions if m.kind == "short"] == [("Al Sissi", "Abdel Fattah al-Sisi")]


def test_a_title_before_a_former_holder_does_not_bind_the_office():
    text = "The Cuban leader wrote. The late Cuban leader Fidel Castro was remembered."
    ents = find_entities(text, date(2020, 10, 17))
    title = next(m for m in ents.mentions if m.kind == "title")
    assert resolve_title(ents, title.role or "", date(2020, 10, 17)) == "Raúl Castro"


@pytest.mark.parametrize("text, person", [
    ("Former President Clinton wrote to his successor.", "Bill Clinton"),
    ("Secretary Clinton wrote to her counterpart.", "Hillary Clinton"),
])
def test_a_title_before_a_shared_surname_keeps_the_one_who_held_it(text, person):
    ents = find_entities("Bill Clinton and Hillary Clinton were there. " + text, date(2017, 1, 22))
    assert [m.person for m in ents.mentions if m.kind == "short"] == [person]


def test_a_capitalised_run_before_a_number_is_a_thing():
    ents = find_entities("The satellite left from the Tanegashima Yoshinobu 1 site.", date(2018, 10, 29))
    assert not [m for m in ents.mentions if m.kind == "generic"]


def test_a_shared_surname_again_is_the_one_last_named():
    text = "Hillary Clinton spoke. Former President Clinton sent a note. Clinton hoped for the best."
    ents = find_entities(text, date(2017, 1, 22))
    assert [m.person for m in ents.mentions if m.kind == "short"] == ["Bill Clinton", "Bill Clinton"]


def test_an_undated_text_resolves_offices_by_the_dates_it_states():
    text = "In a letter dated March 3, 2001, the U.S. president wrote to the Chinese leader."
    ents = find_entities(text, None)
    assert ents.era == date(2001, 3, 3)
    assert [resolve_title(ents, m.role or "", None) for m in ents.mentions if m.kind == "title"] == [
        "George W. Bush", "Jiang Zemin"]


def test_dates_after_today_do_not_date_an_undated_text():
    ents = find_entities("The U.S. president set goals for 2999 in 2004.", None)
    assert ents.era == date(2004, 12, 31)


@pytest.mark.parametrize("text, person", [
    ("The Custodian of the Two Holy Mosques King Salman bin Abdulaziz Al-Saud sent a cable.", "Salman bin Abdulaziz Al Saud"),
    ("A cable went to His Royal Highness Prince Mohammed bin Salman bin Abdulaziz, Crown Prince.", "Mohammed bin Salman"),
    ("Bahraini Crown Prince Salman bin Hamad Al Khalifa sent a cable.", "Salman bin Hamad Al Khalifa"),
])
def test_a_style_does_not_cut_a_longer_name_short(text, person):
    ents = find_entities(text, date(2020, 9, 1))
    assert [m.person for m in ents.mentions if m.kind == "name"] == [person]


@pytest.mark.parametrize("text, name", [
    ("US Commerce Secretary-designate Howard Lutnick wrote.", "Howard Lutnick"),
    ("Speaker Marzouq Al-Ghanem received the letter.", "Marzouq Al-Ghanem"),
])
def test_titles_before_a_name_the_gazetteer_lacks_are_not_part_of_it(text, name):
    ents = find_entities(text, date(2024, 12, 1))
    assert [m.person for m in ents.mentions if m.kind == "generic"] == [name]


@pytest.mark.parametrize("text, holder", [
    ("He wrote to the President of the Republic of Belarus.", "Alexander Lukashenko"),
    ("He wrote to the President of the Arab Republic of Egypt.", "Abdel Fattah al-Sisi"),
    ("A cable went to the Emir of the State of Kuwait.", "Nawaf Al-Ahmad Al-Jaber Al-Sabah"),
])
def test_a_states_formal_name_after_the_office(text, holder):
    when = date(2021, 3, 1)
    ents = find_entities(text, when)
    assert [resolve_title(ents, m.role or "", when) for m in ents.mentions if m.kind == "title"] == [holder]


@pytest.mark.parametrize("text, person", [
    ("Kazakh President Kassym-Jomart Tokayev wrote.", "Kassym-Jomart Tokayev"),
    ("German President Frank-Walter Steinmeier wrote.", "Frank-Walter Steinmeier"),
])
def test_a_hyphenated_first_name_starts_a_full_name(text, person):
    ents = find_entities(text, date(2022, 3, 1))
    assert [m.person for m in ents.mentions if m.kind == "name"] == [person]


@pytest.mark.parametrize("text, kind, person", [
    ("Moroccan King Hassan Benali wrote.", "generic", "Hassan Benali"),
    ("Sheikh Tamim Sends Letter To Putin", "name", "Tamim bin Hamad Al Thani"),
    ("King Hassan wrote to him.", "name", "Hassan II"),
])
def test_a_style_with_a_first_name_is_the_ruler_only_where_the_name_stops(text, kind, person):
    when = date(2023, 1, 1) if "Tamim" in text or "Benali" in text else date(1990, 1, 1)
    ents = find_entities(text, when)
    assert (kind, person) in [(m.kind, m.person) for m in ents.mentions]


@pytest.mark.parametrize("text, person", [
    ("Crown Prince Mohammed bin Salman bin Abdulaziz Al Saud received a letter.", "Mohammed bin Salman"),
    ("Sheikh Tamim bin Hamad bin Khalifa Al Thani sent a cable.", "Tamim bin Hamad Al Thani"),
    ("Mohammed bin Salman Al Saud wrote.", "Mohammed bin Salman"),
])
def test_a_longer_lineage_after_a_known_name_is_part_of_it(text, person):
    ents = find_entities(text, date(2022, 3, 1))
    assert [(m.kind, m.person) for m in ents.mentions] == [("name", person)]
