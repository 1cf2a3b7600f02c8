"""Short forms: a surname, a given name or a style alone, resolved by title, recency, the article and date."""
from __future__ import annotations

from datetime import date

import pytest

from scrapers.letters.entities import find_entities


def shorts(text: str, when: date | None) -> list[tuple[str, str | None]]:
    return [(m.text, m.person) for m in find_entities(text, when).mentions if m.kind == "short"]


def test_a_surname_alone_is_the_office_holder_of_the_day():
    assert shorts("Putin wrote to Biden.", date(2022, 5, 1)) == [("Putin", "Vladimir Putin"), ("Biden", "Joe Biden")]


def test_a_common_word_needs_the_full_name_in_the_article():
    assert shorts("Moon rose over Seoul.", date(2019, 5, 1)) == [("Moon", "Moon Jae-in")]  # always read
    assert shorts("Williams wrote a book.", date(2023, 1, 2)) == []
    assert shorts("Rodney Williams wrote. Williams thanked him.", date(2023, 1, 2)) == [("Williams", "Rodney Williams")]


def test_a_korean_given_name_alone_after_the_full_name():
    text = "Kim Yong Chol carried the letter. Yong-chol met Pompeo."
    assert ("Yong-chol", "Kim Yong Chol") in shorts(text, date(2018, 6, 1))


@pytest.mark.parametrize("text, person", [
    ("Mr Kim sent a letter.", "Kim Jong Un"),
    ("Chairman Kim sent a letter.", "Kim Jong Un"),
])
def test_a_style_before_a_surname(text, person):
    assert [p for _, p in shorts(text, date(2019, 6, 1))] == [person]
