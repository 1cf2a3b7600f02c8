"""The pre-check that spares most news the full reading must never refuse an article with a
letter in it, and should refuse the everyday uses of "note", "write" and "message"."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapers.letters import extract_letters
from scrapers.letters.extract import may_report_letters
from scrapers.letters.precheck import trigger_sentences
from scrapers.letters.sentences import ascii_lowered, split_sentences

FIXTURES = Path(__file__).parent / "fixtures"


def _articles() -> list[dict]:
    with open(FIXTURES / "letters_wire.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_every_article_with_a_letter_passes() -> None:
    with_letters = [a for a in _articles() if extract_letters(a["text"], title=a.get("title"),
                                                               published=a.get("published"))]
    assert len(with_letters) > 50
    assert [a["id"] for a in with_letters if not may_report_letters(a["text"])] == []


@pytest.mark.parametrize("text", [
    "Kim Jong Un sent a letter to Vladimir Putin on Tuesday.",
    "Putin wrote to Kim last month, the Kremlin said.",
    "Trump wrote Kim, and Kim answered.",
    "Xi Jinping sent a congratulatory message to Kim Jong Un.",
    "Kim Jong Un and Donald Trump exchanged letters in March.",
    "Moon handed Trump's note to Kim.",
    "Kim\u2019s \u201cletter\u201d reached Washington.",
    "LETTER FROM PYONGYANG: Kim wrote to the Russian president.",
])
def test_letters_pass(text: str) -> None:
    assert may_report_letters(text)


@pytest.mark.parametrize("text", [
    "The index rose, of note. Investors should take note of the bond market.",
    "She wrote in a blog post that sales fell. He writes about food.",
    "\"Sales will recover,\" she wrote, having written 43 songs.",
    "The campaign sent a strong message and a video message to voters.",
    "Footnotes and keynote speeches; a rewritten plan; noted analysts.",
    "The undersea cable was cut, as was the power cable.",
    "A spokesman replied that the ministry had responded and answered.",
])
def test_everyday_words_do_not_pass(text: str) -> None:
    assert not may_report_letters(text)


SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _shared_articles() -> list[dict]:
    files = [SHARED / "seeds" / "seeds.jsonl", SHARED / "dev" / "articles.jsonl", *sorted((SHARED / "train").glob("part-*.jsonl"))]
    rows = []
    for f in files:
        if f.exists():
            with open(f, encoding="utf-8") as fh:
                rows += [json.loads(line) for line in fh if line.strip()]
    return rows


def test_no_real_article_with_a_letter_of_any_status_is_refused() -> None:
    rows = _shared_articles()
    if not rows:
        pytest.skip("../shared/corpus is not present")
    with_letters = [a for a in rows if extract_letters(a["text"], published=a.get("published"))]
    assert len(with_letters) > 100
    assert [a["id"] for a in with_letters if not may_report_letters(a["text"])] == []


@pytest.mark.parametrize("text", [
    "Kim sent a LETTER to Moon. The weather was fine. Xi REPLIED.",
    "A Telegram arrived. Nothing here today. Congratulations poured in.",
])
def test_sentences_worth_reading_are_the_same_from_the_lowered_text(text):
    spans = [(s.start, s.end) for s in split_sentences(text)]
    plain = trigger_sentences(text, spans)
    assert plain == trigger_sentences(text, spans, ascii_lowered(text))
    assert plain[0] and not plain[1] and plain[2]
