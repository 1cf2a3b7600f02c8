"""Parties that are organisations: finding their names in a sentence and typing a party."""
from __future__ import annotations

import re

from .entities import Mention
from .lexicon import words

__all__ = ["find_organisations", "party_type", "with_organisations"]

_HEADS = words("organisation_heads")
_WORD = re.compile(r"[^\W\d_][\w'.-]*")
_INNER = frozenset(("of", "and", "for", "the", "on"))
# Groups named by a lower-case last word: "Muscatine High School students".
_GROUPS = frozenset(("students", "pupils", "scholars"))


def party_type(name: str) -> str:
    """ "organisation" when the name ends in an organisation word, else "person"."""
    last = name.split(" of ")[0].split()[-1:] if name else []
    return "organisation" if last and last[0].lower().strip(".,") in _HEADS else "person"


def find_organisations(text: str, start: int, end: int) -> list[Mention]:
    """Organisations named in text[start:end], as mentions whose person is the organisation's name:
    capitalised words (with "of", "and", "for" inside) ending in an organisation word, and an
    optional "of <Name>" after it. Why by hand: no maintained library names organisations offline
    without a statistical model, and the reader needs only the few in a letter's slots."""
    toks = [(m.start(), m.end() - len(w) + len(w.rstrip(".")), w.rstrip("."))
            for m in _WORD.finditer(text, start, end) for w in [m.group(0)]]
    out: list[Mention] = []
    k = 0
    while k < len(toks):
        s_, e_, w = toks[k]
        low = w.lower()
        if low not in _HEADS or not (w[0].isupper() or low in _GROUPS):
            k += 1
            continue
        first = k
        while first > 0 and (toks[first - 1][2][0].isupper() or toks[first - 1][2] in _INNER):
            first -= 1
        while first < k and toks[first][2].lower() in _INNER:
            first += 1  # the name starts with a capitalised word, not "The"
        if first == k:
            k += 1
            continue
        last = k
        while last + 1 < len(toks) and toks[last + 1][2].lower() in _HEADS and (
                toks[last + 1][2][0].isupper() or toks[last + 1][2].lower() in _GROUPS):
            last += 1  # "High School students"
        if last + 2 < len(toks) and toks[last + 1][2] == "of":
            j = last + 2 + (toks[last + 2][2] == "the")
            while j < len(toks) and toks[j][2][0].isupper():
                last = j
                j += 1
        a, b = toks[first][0], toks[last][1]
        out.append(Mention(a, b, text[a:b], "org", person=text[a:b]))
        k = last + 1
    return out


def with_organisations(mentions: list[Mention], orgs: list[Mention]) -> list[Mention]:
    """The sentence's mentions with its organisations, which replace the mentions inside them
    ("the Workers' Party of Korea" is no mention of Korea)."""
    if not orgs:
        return mentions
    kept = [m for m in mentions if not any(o.start < m.end and m.start < o.end for o in orgs)]
    return sorted(kept + orgs, key=lambda m: m.start)
