"""Sentences and paragraphs keep their place in the original text."""
from __future__ import annotations

from scrapers.letters.sentences import ascii_lowered, normalize, split_sentences


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


def test_ascii_lowered_keeps_offsets_or_declines():
    assert ascii_lowered("Kim's LETTER to Moon") == "kim's letter to moon"
    # lowering would shift offsets ("\u0130" becomes two characters) or miss what ignoring case finds
    # ("\u017f" matches "s"): the caller searches the text itself then
    assert ascii_lowered("\u0130stanbul letter") is None
    assert ascii_lowered("me\u017fsage") is None


def test_a_stop_after_a_long_line_is_read_like_one_after_a_short_line():
    line = "They exchanged letters with many leaders over the years. " * 20
    sents = split_sentences(line + "Mr. Kim said so. U.S. envoys wrote.")
    assert len(sents) == 22
    assert [s.text for s in sents][-2:] == ["Mr. Kim said so.", "U.S. envoys wrote."]
