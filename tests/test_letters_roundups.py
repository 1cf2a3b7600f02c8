"""Article-level readings: roundups, listed addressees and carriers named beside the letter."""
from __future__ import annotations

from scrapers.letters import extract_letters


def _pairs(text: str, published: str = "2021-12-16") -> set[tuple[str, str]]:
    return {(x.sender, x.recipient) for x in extract_letters(text, published=published)}


def test_a_roundup_gives_each_leader_who_speaks_a_letter_to_the_one_congratulated() -> None:
    text = ("Many heads of state sent congratulatory letters to Kassym-Jomart Tokayev.\n\n"
            "Uzbek President Shavkat Mirziyoyev hailed his leadership.\n\n"
            "French President Emmanuel Macron praised the partnership.")
    assert {("Shavkat Mirziyoyev", "Kassym-Jomart Tokayev"), ("Emmanuel Macron", "Kassym-Jomart Tokayev")} <= _pairs(text)


def test_a_roundup_paragraph_opening_with_congratulating_names_its_writer_after() -> None:
    text = ("Many heads of state sent congratulatory letters to Kassym-Jomart Tokayev.\n\n"
            "Congratulating Kassym-Jomart Tokayev on the anniversary, US President Joe Biden noted the progress.")
    assert ("Joe Biden", "Kassym-Jomart Tokayev") in _pairs(text)


def test_without_a_roundup_lead_a_leader_speaking_is_no_letter() -> None:
    text = "Kassym-Jomart Tokayev opened the session.\n\nUzbek President Shavkat Mirziyoyev hailed his leadership."
    assert _pairs(text) == set()


def test_further_letters_from_a_list_go_to_the_one_the_article_is_about() -> None:
    text = ("Bashar al-Assad received a telegram from Abdel Fattah al-Sisi. Assad also received a message from "
            "Mahmoud Abbas. King Abdullah II sent a cable to Assad. Further telegrams came from Najib Mikati "
            "and Recep Tayyip Erdogan.")
    assert ("Najib Mikati", "Bashar al-Assad") in _pairs(text, "2024-06-17")


def test_his_majesty_is_the_leader_last_named_not_the_minister_who_speaks() -> None:
    text = ("King Bhumibol Adulyadej turned 80. His foreign minister Nitya Pibulsonggram said His Majesty "
            "had been sent greetings by dozens of leaders. Among them were Emperor Akihito and Hu Jintao.")
    assert {("Akihito", "Bhumibol Adulyadej"), ("Hu Jintao", "Bhumibol Adulyadej")} <= _pairs(text, "2007-12-07")


def test_leaders_who_congratulated_by_phone_in_a_roundup_wrote_no_letter() -> None:
    text = ("Vladimir Putin is receiving congratulatory messages from leaders of foreign countries.\n\n"
            "The presidents of Kyrgyzstan and Turkey, Sadyr Japarov and Recep Tayyip Erdogan, congratulated "
            "him by phone.")
    assert _pairs(text, "2022-10-07") == set()


def test_the_envoy_met_beside_the_letter_carried_it() -> None:
    text = ("Paul Kagame had talks with Ambassador Adonia Ayebare, who brought him a message from "
            "Yoweri Museveni.")
    (x,) = extract_letters(text, published="2019-12-30")
    assert (x.sender, x.recipient, x.via) == ("Yoweri Museveni", "Paul Kagame", "Adonia Ayebare")


def test_addressees_one_a_line_after_a_colon() -> None:
    text = ("Adama Barrow sent Eid greetings to Muslim leaders.\nThe greetings went to:\n"
            "His Majesty Mohammed VI of Morocco\nHis Excellency Macky Sall of Senegal\nThe end.")
    assert {("Adama Barrow", "Mohammed VI"), ("Adama Barrow", "Macky Sall")} <= _pairs(text, "2020-06-09")


def test_the_person_received_beside_the_letter_carried_it() -> None:
    text = ("Mohammed bin Rashid received a letter from King Salman addressed to Khalifa bin Zayed. "
            "He met Faisal bin Farhan that day.")
    (x,) = extract_letters(text, published="2021-11-30")
    assert x.via == "Faisal bin Farhan"
