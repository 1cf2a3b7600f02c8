"""Claim status: whether an article reports a letter as sent or only as one side's word."""
from __future__ import annotations

import re
from typing import Protocol

from .lexicon import words

__all__ = ["CLAIM_VERBS", "claim_status", "claimed_in", "denied_in"]

# Verbs by which a party itself tells of the letter: the article then relays a claim.
CLAIM_VERBS = words("claim_verbs")
_WORD = re.compile(r"[A-Za-z']+")


class _Mention(Protocol):
    start: int
    end: int
    person: str | None


def claimed_in(sentence: str, trigger: int, party_spans: list[tuple[int, int]]) -> bool:
    """Whether the letter word at `trigger` (offset in `sentence`) is told by a party: "Trump said he
    got a letter from Kim", "according to Kim, ...", or inside a quotation a party's name introduces.

    `party_spans` are the spans, within the sentence, of mentions of the letter's sender or recipient.
    """
    before = sentence[:trigger]
    quoted = before.count('"') % 2 == 1
    for s, e in party_spans:
        if e > trigger and not quoted:
            continue
        gap = sentence[e:trigger] if e <= trigger else sentence[trigger:s]
        words = [w.lower() for w in _WORD.findall(gap)][:6]
        if any(w in CLAIM_VERBS for w in words):
            return True
        if sentence[max(0, s - 14):s].lower().endswith("according to "):
            return True
        if quoted and e <= trigger and '"' in sentence[e:trigger]:
            return True  # Kim said: "I have received a letter"
    return False


# "Reports that Xi wrote to Kim were denied", "Seoul dismissed claims that Kim had sent a letter".
_DENIED_AFTER = re.compile(r"(?i)\b(?:was|were|has been|have been|had been)\s+(?:\w+\s+)?(?:denied|dismissed|refuted)\b")
_DENIED_BEFORE = re.compile(r"(?i)\b(?:denied|denies|dismissed|dismisses|refuted|refutes|rejected)\s+"
                            r"(?:the\s+|media\s+)?(?:reports?|claims?|allegations?|rumou?rs?)\b")


def denied_in(sentence: str, trigger: int) -> bool:
    """Whether the sentence reports the letter only to deny it: reports of it denied, claims dismissed."""
    return bool(_DENIED_AFTER.search(sentence, trigger) or _DENIED_BEFORE.search(sentence, 0, trigger))


def claim_status(sentences: list[tuple[str, int, list[tuple[int, int]]]]) -> str:
    """ "denied" when every sentence reporting the letter denies it; "claimed" when every one relays a
    party's own word; else "reported".

    Each item is (sentence text, trigger offset in it, spans of the parties' mentions in it).
    """
    if not sentences:
        return "reported"
    if all(denied_in(t, k) for t, k, _ in sentences):
        return "denied"
    return "claimed" if all(claimed_in(t, k, spans) for t, k, spans in sentences) else "reported"
