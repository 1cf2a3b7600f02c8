"""Compiled patterns and small word sets used to find people, titles and places in a text."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .gazetteer import GENERIC_TITLES, load_gazetteer, norm
from .name_words import name_words

TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?:'(?!s\b)[^\W\d_]+)*")
POSS = re.compile(r"'s?\b|s'")
_JOIN_OK = re.compile(r"^(?: |\. ?|-)$")
ROMAN = re.compile(r"(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3})")

# Word sets kept in data/name_words.toml (see there for what each does).
NAME_TITLES = name_words().name_titles
PARTICLES = name_words().particles
COMMON_SHORT = name_words().common_short
ALWAYS_SHORT = name_words().always_short

ROLE_WORDS = (
    "official|officials|envoy|emissary|ambassador|diplomat|minister|secretary|spokesman|spokeswoman|spokesperson|"
    "adviser|advisor|aide|negotiator|representative|director|chief|speaker|delegation|delegate|messenger|"
    "sister|brother|wife|husband|counterpart|lawmaker|senator|general|premier"
)
DESCRIPTOR = re.compile(
    r"\b(?P<det>[Aa]n?|[Tt]he|[Oo]ne)\s+(?:(?:[A-Z][\w.]*|senior|top|high-ranking|special|visiting|former|personal)\s+){0,4}"
    r"(?P<role>official|envoy|emissary|ambassador|diplomat|aide|negotiator|representative|delegation|messenger)\b"
)
ROLE_HINT = re.compile(r"official|envoy|emissary|ambassador|diplomat|aide|negotiator|representative|delegation|messenger")
APPOSITION = re.compile(
    rf"\b(?P<role>{ROLE_WORDS})\b[,]?\s+(?P<name>(?:[A-Z]\.\s?)*[A-Z][a-z]+(?:[-'][A-Za-z]+)?(?:\s+(?:[A-Z]\.\s?)*[A-Z][a-z]+(?:-[A-Za-z]+)?){{1,3}})"
)
SEAT_AS_MODIFIER = re.compile(
    r"\s+(?:[A-Z]|officials?\b|spokes\w+|press\b|aides?\b|staff\b|advis[eo]rs?\b|lawn\b|grounds\b|website\b|"
    r"statement\b|sources?\b|correspondents?\b|briefing\b|national\b|chief\s+of\s+staff|counsel\b|readout\b|transcript\b)"
)
PRONOUNS = {
    "he": ("he", False), "him": ("he", False), "his": ("he", True),
    "she": ("she", False), "her": ("she", True), "hers": ("she", True),
    "they": ("they", False), "them": ("they", False), "their": ("they", True),
    "i": ("i", False), "me": ("i", False), "my": ("i", True),
}
PRONOUN_RE = re.compile(r"\b(?:he|him|his|she|her|hers|they|them|their|I|me|my)\b", re.I)
# "the two" alone only when a verb follows ("The two exchanged greetings"), not "the two letters"
GROUP_RE = re.compile(
    r"\b(?:the\s+two(?:\s+(?:[a-z]+\s+)?(?:leaders|men|presidents|heads\s+of\s+state))|the\s+two(?=\s+(?:had|have|has|also|then|later|exchanged|met|agreed|were|are|sent|wrote|[a-z]+ed)\b)|"
    r"both\s+(?:leaders|men|presidents)|the\s+leaders|the\s+pair)\b",
    re.I,
)
# Forms of address between a title and the name it introduces ("U.S. President H.E. Donald Trump").
ADDRESS_AFTER_TITLE = re.compile(r"[\s,]*(?:H\.\s?E\.\s*|Mr\.?\s+|Ms\.?\s+|Mrs\.?\s+|Gen\.?\s+|Dr\.?\s+|Comrade\s+)?")


def joins(prev_tok: str, gap: str) -> bool:
    """Tokens of one name are separated by a space, or by a dot after an initial ("W. Bush")."""
    if not _JOIN_OK.match(gap):
        return False
    return "." not in gap or len(prev_tok) == 1 or prev_tok.isupper()


@lru_cache(maxsize=32768)
def is_stop(tok: str) -> bool:
    """A capitalised word that starts no name ("The", "President", "Secretary-General")."""
    low = tok.lower()
    stops = name_words().not_names
    if low in stops:
        return True
    return "-" in low and all(p in stops for p in low.split("-"))


@lru_cache(maxsize=32768)
def is_cap(tok: str) -> bool:
    return tok[:1].isupper() or (tok.startswith(("al-", "el-")) and tok[3:4].isupper())


@dataclass(frozen=True, slots=True)
class Patterns:
    """Title, seat and place patterns built from the gazetteer's vocabulary."""

    office: re.Pattern
    title_tail: re.Pattern
    office_of_tail: re.Pattern
    seat: re.Pattern
    place: re.Pattern
    region: re.Pattern
    country_of: dict[str, str]
    office_words: list[str]
    office_first: frozenset[str]
    seat_first: frozenset[str]
    place_first: frozenset[str]
    region_first: frozenset[str]
    tail_first: frozenset[str]  # lower-case words a "the Russian" / "North Korea's" title tail can start with


def _alt(words: list[str]) -> str:
    words = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    """Built once per process: the gazetteer's words as compiled alternations."""
    g = load_gazetteer()
    country_forms: dict[str, str] = {}
    for c in g.countries.values():
        for n in c.names + c.adjectives:
            if not n.startswith("the "):
                country_forms.setdefault(n, c.code)
    offices = set(GENERIC_TITLES)
    for c in g.countries.values():
        offices.update(c.titles)
    offices.update({"chairman", "general secretary", "secretary general", "crown prince", "speaker"})
    ctry = _alt(list(country_forms))
    mod_words = "then former outgoing incoming late new current top reclusive young elderly veteran nuclear-armed isolated"
    mods = rf"(?:(?:{'|'.join(mod_words.split())})\s+)"
    # Office words are rare, so they are found first and the country is looked for around them.
    office = re.compile(rf"(?<![\w-])(?P<office>{_alt(list(offices))})(?![\w-])", re.I)
    title_tail = re.compile(
        rf"(?<![\w-])(?:(?P<det>the|a|an)\s+)?{mods}?(?P<country>{ctry})(?P<poss>'s)?\s+{mods}?$", re.I)
    # a state's formal name before its short one: "the Arab Republic of Egypt", "the State of Kuwait"
    formal = (r"(?:(?:[A-Z][\w']+\s+){0,3}(?:Republic|Kingdom|State|Sultanate|Emirate|Federation|Commonwealth|"
              r"Principality|Confederation|Union)\s+of\s+(?:the\s+)?)?")
    office_of_tail = re.compile(
        rf"(?:\s+of\s+the\s+State\s+Affairs(?:\s+Commission)?)?\s+of\s+(?:the\s+)?{formal}(?P<country>{ctry})(?![\w-])",
        re.I)
    seats = {s: c.code for c in g.countries.values() for s in c.seats}
    seat = re.compile(rf"(?<![\w-])(?:(?P<det>[Tt]he)\s+)?(?P<seat>{_alt(list(seats))})(?:\s+(?P<suffix>chief|leader|boss|strongman))?(?![\w-])")
    place_names = {n: c.code for c in g.countries.values() for n in c.names if not n.startswith("the ")}
    place = re.compile(rf"(?<![\w-])(?P<place>{_alt(list(place_names))})(?![\w-])")
    region = re.compile(rf"(?<![\w-])(?:{_alt(list(name_words().regions))})(?![\w-])")
    lookup = {norm(k): v for k, v in country_forms.items()}
    lookup.update({norm(k): v for k, v in seats.items()})
    office_first = frozenset(o.split()[0].lower() for o in offices)
    seat_first = frozenset(x.split()[0] for x in seats)
    place_first = frozenset(m.group(0) for x in place_names if (m := TOKEN.match(x)))
    region_first = frozenset(m.group(0) for x in name_words().regions if (m := TOKEN.match(x)))
    tail_first = frozenset([m.group(0).lower() for x in country_forms if (m := TOKEN.match(x))]
                           + ["the", "a", "an"] + [w.split("-")[0] for w in mod_words.split()])
    return Patterns(office, title_tail, office_of_tail, seat, place, region, lookup, sorted(offices),
                    office_first, seat_first, place_first, region_first, tail_first)
