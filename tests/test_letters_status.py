"""Claim status: reported, claimed (one side says so), denied or planned."""
from __future__ import annotations

import pytest

from scrapers.letters import extract_letters
from scrapers.letters.status import claim_status, claimed_in


def _status(text: str) -> list[tuple[str, str, str]]:
    return [(x.sender, x.recipient, x.status) for x in extract_letters(text, published="2019-06-20")]


@pytest.mark.parametrize(("text", "status"), [
    ("Kim Jong Un sent a letter to Donald Trump, KCNA reported on Monday.", "reported"),
    ("Donald Trump said he had received a beautiful letter from Kim Jong Un.", "claimed"),
    ("According to Donald Trump, Kim Jong Un wrote to him last week.", "claimed"),
    ("Donald Trump did not send a letter to Kim Jong Un.", "denied"),
    ("Donald Trump sent no letter to Kim Jong Un.", "denied"),
    ("Donald Trump will send a letter to Kim Jong Un.", "planned"),
    ("Donald Trump may write to Kim Jong Un if the talks resume.", "planned"),
])
def test_each_status(text: str, status: str) -> None:
    assert [s for _, _, s in _status(text)] == [status]


def test_a_denied_letter_is_kept_beside_the_sent_ones_of_other_pairs() -> None:
    got = _status("Kim Jong Un sent a letter to Xi Jinping. Moon Jae-in did not send a letter to Shinzo Abe.")
    assert ("Kim Jong Un", "Xi Jinping", "reported") in got
    assert ("Moon Jae-in", "Shinzo Abe", "denied") in got


def test_claimed_in_reads_the_sentence_around_the_letter_word() -> None:
    s = "Trump said he got a letter from Kim."
    assert claimed_in(s, s.index("letter"), [(0, 5)])
    s = "Kim sent a letter to Trump."
    assert not claimed_in(s, s.index("letter"), [(0, 3), (21, 26)])
    assert claim_status([]) == "reported"


@pytest.mark.parametrize("text", [
    "Reports that Xi Jinping sent a letter to Kim Jong Un were denied by Beijing.",
    "Seoul dismissed reports that Moon Jae-in had sent a letter to Kim Jong Un.",
])
def test_a_letter_reported_only_to_be_denied_is_denied(text: str) -> None:
    assert [s for _, _, s in _status(text)] == ["denied"]
