"""The word lists of data/lexicon.toml: well formed, and each one doing its job in a sentence."""
from __future__ import annotations

import pytest

from scrapers.letters import extract_letters
from scrapers.letters.lexicon import load_lexicon, words


def test_every_list_is_lower_case_words() -> None:
    for name, ws in load_lexicon().items():
        assert ws, name
        assert all(w == w.lower() and " " not in w for w in ws), name


def test_an_unknown_list_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        words("no such list")


@pytest.mark.parametrize(("text", "pair"), [
    # title_words: the title between "to" and the name is skipped
    ("Kim Jong Un sent a letter to Chinese President Xi Jinping.", ("Kim Jong Un", "Xi Jinping")),
    # plural_titles: "the presidents of" two countries are their presidents
    ("The presidents of Russia and China exchanged letters on Monday.", ("Vladimir Putin", "Xi Jinping")),
    # thanks: the one thanking received the letter
    ("Joe Biden thanked Xi Jinping for his letter.", ("Xi Jinping", "Joe Biden")),
])
def test_lists_at_work(text: str, pair: tuple[str, str]) -> None:
    got = {(x.sender, x.recipient) for x in extract_letters(text, published="2020-06-15")}
    assert pair in got


@pytest.mark.parametrize("text", [
    # nouns_taking_to: "the ambassador to Russia" is not the letter's addressee
    "In the message, delivered by the Chinese ambassador to Russia, Xi Jinping praised the ties.",
    # cable_not_mail
    "The undersea cable to Japan was cut on Monday.",
])
def test_lists_that_keep_a_wrong_reading_out(text: str) -> None:
    got = [(x.sender, x.recipient) for x in extract_letters(text, published="2020-06-15")]
    assert all("Russia" not in r and "Japan" not in r for _, r in got)
