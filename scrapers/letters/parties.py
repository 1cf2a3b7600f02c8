"""Parties that are organisations: finding their names in a sentence and typing a party."""
from __future__ import annotations

import re
from datetime import date

from .entities import Mention
from .gazetteer import load_gazetteer, norm
from .lexicon import words

__all__ = ["leads_country", "counterpart_mentions", "find_organisations", "party_type", "merged_mentions"]

_HEADS = words("organisation_heads")
_ANY_HEAD = re.compile(r"(?i)\b(?:" + "|".join(sorted(_HEADS)) + r")\b")
# The same in a text lowered by ``ascii_lowered`` (lowering keeps which characters are word characters).
_ANY_HEAD_LOWER = (re.compile(r"\b(?:" + "|".join(sorted(_HEADS)) + r")\b")
                   if all(h.isascii() and h.isalpha() and h.islower() for h in _HEADS) else None)
_WORD = re.compile(r"[^\W\d_][\w'.-]*")
_TITLE_HEADS = words("organisation_title_heads")
_TITLE_OF = re.compile(r"\b(?:member|head|chairman|chairwoman|president|secretary|leader|general)s? of\b")
_GROUP_OF = re.compile(r"\b(students|pupils|scholars) of (?:the )?(?:[\w.-]+(?: [\w.-]+)?'s )?")
_INNER = frozenset(("of", "and", "for", "the", "on"))
# Groups named by a lower-case last word: "Muscatine High School students".
_GROUPS = frozenset(("students", "pupils", "scholars"))


def party_type(name: str) -> str:
    """ "organisation" when the name ends in an organisation word, else "person"."""
    last = name.split(" of ")[0].split()[-1:] if name else []
    return "organisation" if last and last[0].lower().strip(".,") in _HEADS else "person"


def find_organisations(text: str, start: int, end: int, lowered: str | None = None) -> list[Mention]:
    """Organisations named in text[start:end], as mentions whose person is the organisation's name:
    capitalised words (with "of", "and", "for" inside) ending in an organisation word, and an
    optional "of <Name>" after it. Why by hand: no maintained library names organisations offline
    without a statistical model, and the reader needs only the few in a letter's slots."""
    if _ANY_HEAD_LOWER is not None and lowered is not None:
        if not _ANY_HEAD_LOWER.search(lowered, start, end):
            return []
    elif not _ANY_HEAD.search(text, start, end):
        return []  # most sentences name no organisation: skip the word scan
    toks = [(m.start(), m.end() - len(w) + len(w.rstrip(".")), w.rstrip("."))
            for m in _WORD.finditer(text, start, end) for w in [m.group(0)]]
    out: list[Mention] = []
    k = 0
    while k < len(toks):
        w = toks[k][2]
        if w.lower() not in _HEADS or not (w[0].isupper() or w.lower() in _GROUPS):
            k += 1
            continue
        first = _name_start(text, toks, k)
        if first == k:
            k += 1
            continue
        last = _name_end(text, toks, k)
        a, b = toks[first][0], toks[last][1]
        name = text[a:b]
        group = _GROUP_OF.search(text, max(start, a - 60), a)
        if group is not None and group.end() == a:
            a, name = group.start(), f"{name} {group.group(1)}"  # "students of Muscatine High School"
        if not _in_title(text, a, toks[first][2]):
            out.append(Mention(a, b, text[a:b], "org", person=name))
        k = last + 1
    return out


def _in_title(text: str, start: int, first_word: str) -> bool:
    """ "Member of the Supreme Council", "general secretary of the Workers' Party ... Central Committee":
    an organisation named inside someone's title is no party."""
    if first_word.lower() in _TITLE_HEADS:
        return True
    before = text[max(0, start - 60):start].lower()
    cut = max(before.rfind(","), before.rfind("."), before.rfind(";"))
    return bool(_TITLE_OF.search(before[cut + 1:]))


def _joined(text: str, toks: list[tuple[int, int, str]], k: int) -> bool:
    """Whether token k follows token k - 1 with nothing but a space between: one name."""
    return text[toks[k - 1][1]:toks[k][0]] == " "


def _name_start(text: str, toks: list[tuple[int, int, str]], k: int) -> int:
    first = k
    while (first > 0 and _joined(text, toks, first) and not toks[first - 1][2].endswith(("'s", "s'"))
           and (toks[first - 1][2][0].isupper() or toks[first - 1][2] in _INNER)):
        first -= 1  # "Iowa's Muscatine High School": the possessor is not part of the name
    while first < k and toks[first][2].lower() in _INNER:
        first += 1  # the name starts with a capitalised word, not "The"
    return first


def _name_end(text: str, toks: list[tuple[int, int, str]], k: int) -> int:
    """The last token of the name whose organisation word is at k: "High School students", "Party of Cuba"."""
    last = k
    while (last + 1 < len(toks) and _joined(text, toks, last + 1) and toks[last + 1][2].lower() in _HEADS
           and (toks[last + 1][2][0].isupper() or toks[last + 1][2].lower() in _GROUPS)):
        last += 1
    if last + 2 < len(toks) and toks[last + 1][2] == "of" and _joined(text, toks, last + 1):
        j = last + 2 + (toks[last + 2][2] == "the")
        n = 0
        while j < len(toks) and n < 3 and _joined(text, toks, j) and toks[j][2][0].isupper():
            last, j, n = j, j + 1, n + 1  # "of Iran", "of Viet Nam", "of the Workers' Party"
    return last


def merged_mentions(mentions: list[Mention], orgs: list[Mention]) -> list[Mention]:
    """The sentence's mentions with the ones found here (organisations, counterparts), which replace
    the mentions inside them ("the Workers' Party of Korea" is no mention of Korea)."""
    if not orgs:
        return mentions
    kept = [m for m in mentions if not any(o.start < m.end and m.start < o.end for o in orgs)]
    return sorted(kept + orgs, key=lambda m: m.start)


_COUNTERPART = re.compile(r"\b(?:his|her|their)\s+((?:[A-Z][\w-]*\s+){1,2})counterparts?\b(?!,?\s+(?:[A-Z]|the\b))")


def counterpart_mentions(text: str, start: int, end: int, mentions: list[Mention], when: date | None,
                         named: set[str]) -> list[Mention]:
    """ "his Chinese counterpart" with no name after it: the holder, at the article's date, of the
    office the possessor holds, in the country the adjective names (a president's counterpart is a
    president, a prime minister's a prime minister)."""
    g = load_gazetteer()
    out = []
    for m in _COUNTERPART.finditer(text, start, end):
        code = g.country_of(norm(m.group(1).strip()))
        if code is None:
            continue
        before = [x for x in mentions if x.end <= m.start() and x.person and x.kind != "pronoun"]
        offices = [t.office for x in before[-1:] for t in g.offices_of(x.person)
                   if when is None or t.covers(when)]
        office = next((o for o in ("hog", "hos", "leader") if o in offices), "hos")
        person = g.holder(code, office, when, named)
        if person:
            out.append(Mention(m.start(), m.end(), m.group(0), "name", person=person))
    return out


def leads_country(person: str, when: date | None) -> bool:
    """Whether `person` is a head of state or government (at `when`, or ever when it is unknown)."""
    for t in load_gazetteer().offices_of(person):
        if t.office in ("hos", "hog", "leader", "president") and (when is None or t.covers(when)):
            return True
    return False
