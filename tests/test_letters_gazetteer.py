"""The gazetteer: who is who, by which names, and who held which office when."""
from __future__ import annotations

from datetime import date

import pytest

from scrapers.letters.gazetteer import load_gazetteer, norm

G20 = ["AR", "AU", "BR", "CA", "CN", "FR", "DE", "IN", "ID", "IT", "JP", "MX", "RU", "SA", "ZA", "KR", "TR", "GB", "US", "EU"]
CORPUS_COUNTRIES = ["KP", "KR", "US", "RU", "CN", "JP", "SG", "VN", "SY", "KH", "BY", "UA", "IR", "IQ", "BR", "CH"]


def test_loaded_once_and_names_its_sources():
    g = load_gazetteer()
    assert g is load_gazetteer()
    assert any("Wikipedia" in s for s in g.meta["sources"])
    assert any(".gov" in s or "kremlin.ru" in s for s in g.meta["sources"])


@pytest.mark.parametrize("code", sorted(set(G20 + CORPUS_COUNTRIES)))
def test_every_covered_country_has_heads_and_a_foreign_minister_from_2000_to_now(code):
    g = load_gazetteer()
    c = g.countries[code]
    assert "fm" in c.offices, code
    leader_office = "leader" if "leader" in c.offices else c.leader
    for year in range(2005, 2026):
        when = date(year, 6, 1)
        assert g.holder(code, leader_office, when) is not None, (code, year)
    current = [t for t in c.offices["fm"] if t.end is None]
    assert len(current) == 1, code


def test_office_lists_are_in_order_and_do_not_overlap():
    g = load_gazetteer()
    for c in g.countries.values():
        for office, tenures in c.offices.items():
            for a, b in zip(tenures, tenures[1:], strict=False):
                assert a.end is not None and a.end <= b.start, (c.code, office, a.person, b.person)


@pytest.mark.parametrize("variant", ["Kim Jong-un", "Kim Jong Un", "KIM JONG UN", "Kim Jong-Un", "kim jongun"])
def test_name_variants_share_one_key(variant):
    assert load_gazetteer().full_names.get(norm(variant)) == {"Kim Jong Un"}


def test_keys_ignore_accents_dots_and_hyphens():
    assert norm("Recep Tayyip Erdoğan") == "recep tayyip erdogan"
    assert norm("U.S.") == norm("US") == "us"
    assert norm("George H.W. Bush") == norm("George H. W. Bush")


@pytest.mark.parametrize("when, expected", [
    (date(2011, 11, 30), "Kim Jong Il"),
    (date(2011, 12, 30), "Kim Jong Un"),
])
def test_north_korean_leader_changes_in_december_2011(when, expected):
    g = load_gazetteer()
    assert g.holder("KP", g.office_key("KP", "leader"), when) == expected


@pytest.mark.parametrize("when, expected", [
    (date(2003, 1, 1), "George W. Bush"),
    (date(2012, 1, 1), "Barack Obama"),
    (date(2019, 1, 1), "Donald Trump"),
    (date(2023, 1, 1), "Joe Biden"),
    (date(2025, 1, 21), "Donald Trump"),
])
def test_us_presidents(when, expected):
    g = load_gazetteer()
    assert g.holder("US", g.office_key("US", "president"), when) == expected


def test_titles_mean_different_offices_in_different_countries():
    g = load_gazetteer()
    assert g.office_key("DE", "chancellor") == "hog"
    assert g.office_key("CN", "premier") == "hog"
    assert g.office_key("US", "secretary of state") == "fm"
    assert g.holder("RU", g.office_key("RU", "kremlin chief"), date(2010, 1, 1)) == "Dmitry Medvedev"
    assert g.holder("IR", g.office_key("IR", "supreme leader"), date(2020, 1, 1)) == "Ali Khamenei"
    assert g.holder("IR", g.office_key("IR", "president"), date(2020, 1, 1)) == "Hassan Rouhani"


def test_a_surname_shared_by_two_presidents_goes_by_the_date():
    g = load_gazetteer()
    assert g.resolve_name("bush", date(1990, 6, 1), short=True) == "George H. W. Bush"
    assert g.resolve_name("bush", date(2007, 6, 1), short=True) == "George W. Bush"
    assert g.resolve_name("kim", date(2009, 6, 1), short=True) == "Kim Jong Il"


def test_without_a_date_a_person_the_article_names_wins():
    g = load_gazetteer()
    assert g.holder("KP", "leader", None) == "Kim Jong Un"
    assert g.holder("KP", "leader", None, prefer={"Kim Jong Il"}) == "Kim Jong Il"


def test_women_are_known_for_she_and_her():
    g = load_gazetteer()
    assert g.is_female("Theresa May") and g.is_female("Kim Yo Jong") and not g.is_female("Kim Jong Un")


@pytest.mark.parametrize("person, when, predecessor, successor", [
    ("Joe Biden", date(2021, 6, 1), "Donald Trump", "Donald Trump"),
    ("Bill Clinton", date(2001, 1, 10), "George H. W. Bush", "George W. Bush"),
    ("Barack Obama", date(2017, 1, 21), "George W. Bush", "Donald Trump"),
    ("Kim Jong Un", date(2020, 1, 1), "Kim Jong Il", None),
])
def test_predecessor_and_successor_in_the_office_held(person, when, predecessor, successor):
    g = load_gazetteer()
    assert (g.predecessor(person, when), g.successor(person, when)) == (predecessor, successor)
