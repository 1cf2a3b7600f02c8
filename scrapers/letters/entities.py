"""People and organisations mentioned in an article: names, short forms, titles, places and pronouns, resolved."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from .bare_titles import bare_titles
from .dates import era_of
from .entity_patterns import (
    ADDRESS_AFTER_TITLE,
    APPOSITION,
    DESCRIPTOR,
    GROUP_RE,
    PRONOUN_RE,
    PRONOUNS,
    ROLE_HINT,
    SEAT_AS_MODIFIER,
    patterns,
)
from .gazetteer import Gazetteer, load_gazetteer, norm
from .mentions import Mention, party_type
from .names import gazetteer_names
from .scan import Scan
from .short_forms import short_names
from .unknown_names import other_names

__all__ = ["Mention", "ArticleEntities", "find_entities", "resolve_title", "gazetteer", "party_type"]


@dataclass(slots=True)
class ArticleEntities:
    """All mentions in one text with the article-level tables used to resolve them."""

    mentions: list[Mention]
    named: set[str]
    bindings: dict[tuple[str, str], str] = field(default_factory=dict)
    descriptors: dict[str, str] = field(default_factory=dict)
    _starts: list[int] | None = None
    era: date | None = None  # for an undated text, the latest date it states: offices are resolved then

    def in_span(self, start: int, end: int) -> list[Mention]:
        if self._starts is None:
            self._starts = [m.start for m in self.mentions]
        i = bisect_left(self._starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                out.append(self.mentions[i])
            i += 1
        return out


# ---------------------------------------------------------------- titles and seats

def _starts_before(tok_starts: list[int], pos: int) -> list[int]:
    """Word starts in the 56 characters before `pos`, earliest first (longest title first)."""
    return tok_starts[bisect_left(tok_starts, pos - 56):bisect_left(tok_starts, pos)]


def _titles_at(scan: Scan, a_: int, tok_starts: list[int]) -> list[tuple[int, int, str, str, bool]]:
    """"Russian President", "the North Korean leader", "President of the Syrian Arab Republic" at one office word."""
    pats, g, text = patterns(), scan.g, scan.text
    om = pats.office.match(text, a_)
    if om is None:
        return []
    os_, oe = om.start(), om.end()
    found = []
    for ts in _starts_before(tok_starts, os_):
        tail = pats.title_tail.match(text, ts, os_)
        if tail:
            found.append((tail.start(), oe, tail.group("country"), tail.group("det")))
            break
    after = pats.office_of_tail.match(text, oe)
    if after:
        det = re.search(r"(?i)\b(the|a|an)\s+$", text[max(0, os_ - 5):os_])
        found.append((os_ - (len(det.group(0)) if det else 0), after.end(), after.group("country"), det))
    out = []
    for a, b, country, det in found:
        code = pats.country_of.get(norm(country))
        office = g.office_key(code, om.group("office")) if code else None
        if office and scan.free(a, b):
            out.append((a, b, code, office, det is not None))
    return out


def _seats(scan: Scan) -> list[tuple[int, int, str, str, bool]]:
    """"The Kremlin", "the White House" standing for the leader (not "White House officials")."""
    pats, g, text = patterns(), scan.g, scan.text
    out = []
    for a_, _, tok_ in scan.toks:
        if tok_ not in pats.seat_first:
            continue
        m = pats.seat.match(text, a_ - 4 if text[max(0, a_ - 4):a_] in ("the ", "The ") else a_)
        if m is None:
            continue
        code = pats.country_of.get(norm(m.group("seat")))
        if SEAT_AS_MODIFIER.match(text, m.end()) and not m.group("suffix"):
            continue
        if code and scan.free(m.start(), m.end()):
            c = g.countries[code]
            out.append((m.start(), m.end(), code, c.leader if c.leader in c.offices else "hos", True))
    return out


def _titles(scan: Scan) -> None:
    """Step 2: titles and seats, joined to a name that follows ("Russian President Vladimir Putin")."""
    pats = patterns()
    # only words a country phrase can start with begin a title tail ("the", "Russian", "North")
    tok_starts = [t[0] for t in scan.toks if t[2].lower() in pats.tail_first]
    hits = []
    for a_, _, tok_ in scan.toks:
        if tok_.lower() in pats.office_first:
            hits += _titles_at(scan, a_, tok_starts)
    hits += _seats(scan)
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    name_starts = {mm.start: mm for mm in scan.mentions}
    last_end = -1
    for a, b, code, office, _ in hits:
        if a < last_end:
            continue
        last_end = b
        nxt = ADDRESS_AFTER_TITLE.match(scan.text[b:b + 12])
        follow = name_starts.get(b + (nxt.end() if nxt else 0))
        if follow is not None and follow.person:
            if _holds(scan, follow.person, code, office):
                scan.bindings[(code, office)] = follow.person
            # one mention for "Russian President Vladimir Putin", so the title words are not read as text
            scan.taken[a:follow.start] = b"\x01" * (follow.start - a)
            follow.start = a
            follow.text = scan.text[a:follow.end]
            continue
        scan.taken[a:b] = b"\x01" * (b - a)
        scan.mentions.append(Mention(a, b, scan.text[a:b], "title", None, scan.possessive_after(b), role=f"{code}:{office}"))


def _holds(scan: Scan, person: str, code: str, office: str) -> bool:
    """Whether a title before `person` names the office-holder of the article's date: "the late Cuban
    leader Fidel Castro" in 2020 does not make Fidel Castro what "the Cuban leader" means there."""
    tenures = [t for t in scan.g.holders(code, office) if t.person == person]
    if not tenures or scan.when is None:
        return True
    return any(t.covers(scan.when) for t in tenures)


def _bind_titles_to_other_names(scan: Scan) -> None:
    """"Moroccan King Hassan Benali": a title followed by a name the gazetteer lacks is that person,
    unless the name is a spelling of the office-holder the gazetteer has."""
    generic_at = {m.start: m for m in scan.mentions if m.kind == "generic"}
    if not generic_at:
        return
    g, text = scan.g, scan.text
    for m in [x for x in scan.mentions if x.kind == "title"]:
        nxt = ADDRESS_AFTER_TITLE.match(text[m.end:m.end + 12])
        follow = generic_at.get(m.end + (nxt.end() if nxt else 0))
        if follow is None or m.role is None:
            continue
        code, office = m.role.split(":", 1)
        holder = g.holder(code, office, scan.when, scan.named)
        person = holder if holder and _same_name(holder, follow.text) else follow.text
        scan.bindings[(code, office)] = person
        follow.person = person
        follow.kind = "name" if person == holder else "generic"
        follow.start = m.start
        follow.text = text[m.start:follow.end]
        scan.mentions.remove(m)


def _same_name(person: str, surface: str) -> bool:
    """Whether a name found in the text is a spelling of `person` ("Bashar Al-Asad", "Bashar al-Assad")."""
    from difflib import SequenceMatcher

    a = [t for t in norm(person).split() if len(t) > 2]
    b = [t for t in norm(surface).split() if len(t) > 2]
    return any(x == y or SequenceMatcher(None, x, y).ratio() >= 0.8 for x in a for y in b)


# ---------------------------------------------------------------- places, descriptors, pronouns

def _places(scan: Scan) -> None:
    """Step 5: places standing for their leader ("a message to Pyongyang"), resolved later if used;
    regions ("Nagorno-Karabakh") are taken so they are read as nobody."""
    pats, g, text = patterns(), scan.g, scan.text
    # tried only where a region's first word stands, not across the whole text
    regions = (pats.region.match(text, a_) for a_, _, tok_ in scan.toks if tok_ in pats.region_first)
    for m in regions:
        if m is not None and scan.free(m.start(), m.end()):
            scan.taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    for a_, _, tok_ in scan.toks:
        if tok_ not in pats.place_first or scan.taken[a_]:
            continue
        pm = pats.place.match(text, a_)
        if pm is None or not scan.free(pm.start(), pm.end()):
            continue
        code = pats.country_of.get(norm(pm.group("place")))
        if code is not None:
            scan.take(Mention(pm.start(), pm.end(), pm.group(0), "place", None, scan.possessive_after(pm.end()),
                              role=f"{code}:{g.countries[code].leader}"))


def _merge_country_with_name(scan: Scan) -> None:
    """"North Korea's Kim", "China's Xi Jinping": the country is part of how the person is named."""
    text = scan.text
    scan.mentions.sort(key=lambda x: x.start)
    merged: list[Mention] = []
    for m in scan.mentions:
        prev = merged[-1] if merged else None
        if (prev is not None and prev.kind == "place" and m.kind in ("name", "short", "title", "generic")
                and (re.fullmatch(r"'s?\s+", text[prev.end:m.start]) if prev.possessive
                     else re.fullmatch(r"\s+(?:[a-z]+\s+){0,2}", text[prev.end:m.start]))):
            m.start = prev.start
            m.text = text[m.start:m.end]
            merged[-1] = m
            continue
        merged.append(m)
    scan.mentions[:] = merged


def _descriptors(scan: Scan) -> dict[str, str]:
    """Step 6: descriptors ("a North Korean official") and who they turn out to be ("the official, Kim Yong Nam")."""
    text = scan.text
    descriptors: dict[str, str] = {}
    for m in APPOSITION.finditer(text):
        named_m = next((x for x in scan.mentions if x.start == m.start("name") and x.person), None)
        if named_m is not None:
            descriptors.setdefault(m.group("role").lower(), named_m.person)
    for m in DESCRIPTOR.finditer(text) if ROLE_HINT.search(text) else ():
        a, b = m.start(), m.end()
        if not scan.free(b - len(m.group("role")), b):
            continue
        if re.match(r"[\s,]+(?:(?:[A-Z]\.\s?)*[A-Z][a-z])", text[b:b + 6]):
            continue  # a name follows; the name itself is the mention
        scan.take(Mention(a, b, text[a:b], "descriptor", None, False, role=m.group("role").lower()))
    return descriptors


def _pronouns(scan: Scan) -> None:
    """Step 7: pronouns and "the two leaders"."""
    text = scan.text
    low = text.lower()
    for m in GROUP_RE.finditer(text) if ("two" in low or "both" in low or "leaders" in low or "pair" in low) else ():
        if scan.free(m.start(), m.end()):
            scan.take(Mention(m.start(), m.end(), m.group(0), "pronoun", None, False, pronoun="two"))
    for a_, b_, w in scan.toks:
        lw = w.lower()
        if lw not in PRONOUNS or (w != "I" and lw == "i") or not scan.free(a_, b_):
            continue
        m = PRONOUN_RE.match(text, a_)
        if m is None or m.end() != b_:
            continue
        p, poss = PRONOUNS[lw]
        if lw == "her":
            # "her letter" (possessive) versus "sent her a letter" (object)
            nxt = re.match(r"\s+(?:a|an|the)\b", text[m.end():m.end() + 5])
            poss = nxt is None and bool(re.match(r"\s+[a-z\"']", text[m.end():m.end() + 3]))
        scan.take(Mention(m.start(), m.end(), w, "pronoun", None, poss, pronoun=p))


def find_entities(text: str, when: date | None, *, headline_ranges: list[tuple[int, int]] | None = None,
                  extra_named: set[str] | None = None) -> ArticleEntities:
    """Find and resolve every person and organisation reference in `text` (already normalised)."""
    era = era_of(text) if when is None else None
    scan = Scan.of(text, when or era, load_gazetteer(), headline_ranges or [])
    scan.named.update(extra_named or ())
    gazetteer_names(scan, Mention)
    _titles(scan)
    other_names(scan, Mention)
    _bind_titles_to_other_names(scan)
    short_names(scan, Mention)
    _places(scan)
    bare_titles(scan, Mention)
    _merge_country_with_name(scan)
    descriptors = _descriptors(scan)
    _pronouns(scan)
    scan.mentions.sort(key=lambda x: x.start)
    return ArticleEntities(scan.mentions, scan.named, scan.bindings, descriptors, era=era)


def resolve_title(ents: ArticleEntities, role: str, when: date | None) -> str | None:
    """The holder of a title mention ("KP:leader") at the article's date, preferring people the article names."""
    code, office = role.split(":", 1)
    if (code, office) in ents.bindings:
        return ents.bindings[(code, office)]
    return load_gazetteer().holder(code, office, when or ents.era, ents.named)


def gazetteer() -> Gazetteer:
    return load_gazetteer()
