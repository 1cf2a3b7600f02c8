"""Sentences and paragraphs keep their place in the original text."""
from __future__ import annotations

from scrapers.letters.sentences import normalize, split_sentences


def test_normalising_keeps_every_offset():
    text = "Kim\u2019s \u201cwarm\u201d letter \u2013 sent\u00a0today"
    out = normalize(text)
    assert len(out) == len(text)
    assert out == "Kim's \"warm\" letter - sent today"


def test_spans_point_into_the_text():
    text = "First sentence here. Second one follows!\n\nA new paragraph? Yes."
    sents = split_sentences(text)
    assert [s.text for s in sents] == ["First sentence here.", "Second one follows!", "A new paragraph?", "Yes."]
    for s in sents:
        assert text[s.start:s.end] == s.text
    assert sents[0].para == sents[1].para != sents[2].para


def test_abbreviations_and_initials_do_not_end_sentences():
    text = "U.S. President Donald Trump met Mr. Kim. Envoy W. Patrick Murphy handed over the letters on Jan. 5."
    assert [s.text for s in split_sentences(text)] == [
        "U.S. President Donald Trump met Mr. Kim.",
        "Envoy W. Patrick Murphy handed over the letters on Jan. 5.",
    ]


def test_a_missing_space_after_a_full_stop_still_ends_the_sentence():
    sents = split_sentences("They exchanged letters.The agency said so.")
    assert [s.text for s in sents] == ["They exchanged letters.", "The agency said so."]


def test_headlines_are_lines_without_closing_punctuation():
    sents = split_sentences("Kim Sends Letter to Xi\n\nKim sent a letter to Xi.")
    assert [s.headline for s in sents] == [True, False]
