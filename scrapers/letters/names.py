"""The first name pass: people the gazetteer knows by full name or style."""
from __future__ import annotations

import re

from .entity_patterns import ROMAN, is_cap, is_stop, joins
from .gazetteer import Gazetteer, norm
from .mentions import Mention
from .name_words import name_words
from .scan import Scan

__all__ = ["gazetteer_names", "in_country_near"]


# ---------------------------------------------------------------- gazetteer names

def _longest_name_at(scan: Scan, i: int) -> tuple[int, int, set[str], int] | None:
    """The longest gazetteer name starting at token `i`, extended while the words begin some name."""
    g, toks, text = scan.g, scan.toks, scan.text
    a = toks[i][0]
    hit = None
    n = 1
    while True:
        end = toks[i + n - 1][1]
        key = norm(text[a:end])
        if key not in g.name_prefixes:
            break
        cands = g.full_names.get(key)
        if cands:
            hit = (a, end, cands, n)
        if n >= g.max_name_tokens or i + n >= len(toks) or not joins(toks[i + n - 1][2], text[end:toks[i + n][0]]):
            break
        n += 1
    if hit and i + hit[3] < len(toks) and text[hit[1]:toks[i + hit[3]][0]] == " ":
        nxt = toks[i + hit[3]][2]
        if ROMAN.fullmatch(nxt):
            return None  # "King Abdullah II" is not King Abdullah
        if (norm(text[a:hit[1]]) in g.style_keys and is_cap(nxt) and not is_stop(nxt)
                and nxt.lower() not in name_words().headline_verbs):
            return None  # "King Hassan Benali" is not King Hassan II
    return hit


def _past_honorifics(scan: Scan, i: int, hit: tuple[int, int, set[str], int]) -> tuple[int, int, set[str], int]:
    """A style read as a name ("Crown Prince Salman", "Custodian of the Two Holy Mosques King Salman")
    must not cut short a longer name starting inside it ("Salman bin Hamad Al Khalifa"): the reading
    that reaches further wins."""
    best = hit
    # only up to where the name itself begins: "Prince Mohammed bin Salman bin Abdulaziz" stays MBS
    firsts = {norm(p.split()[0]) for p in hit[2]}
    stop = next((k for k in range(i, i + hit[3]) if norm(scan.toks[k][2]) in firsts), i)
    for k in range(i + 1, stop + 1):
        later = _longest_name_at(scan, k) if norm(scan.toks[k][2]) in scan.g.first_tokens else None
        if later and later[1] > best[1]:
            best = (later[0], later[1], later[2], later[3] + (k - i))
    return best


def gazetteer_names(scan: Scan, mention: type[Mention]) -> None:
    """Step 1: full names and variants from the gazetteer, longest first at each position."""
    g, toks, text = scan.g, scan.toks, scan.text
    hits: list[tuple[int, int, set[str]]] = []
    next_free = 0
    for i, (_, _, tok) in enumerate(toks):
        # "Kassym-Jomart" is one token but two name words: its first word starts the name
        if i < next_free or not is_cap(tok) or norm(tok).split(" ", 1)[0] not in g.first_tokens:
            continue
        hit = _longest_name_at(scan, i)
        if hit:
            hit = _past_honorifics(scan, i, hit)
            hits.append((hit[0], hit[1], in_country_near(g, text, hit[0], hit[1], hit[2])))
            next_free = i + hit[3]
    for _, _, cands in hits:
        if len(cands) == 1:
            scan.named.add(next(iter(cands)))
    for a, b, cands in hits:
        person = g.pick(cands, scan.when, scan.named) if len(cands) > 1 else next(iter(cands))
        scan.named.add(person)
        _bind_style(scan, a, person)
        b = _rest_of_lineage(text, b)
        scan.take(mention(a, b, text[a:b], "name", person, scan.possessive_after(b)))


# "Mohammed bin Salman bin Abdulaziz Al Saud": a longer lineage after a known name is still his name
_LINEAGE = re.compile(r"(?:\s+(?:bin|ibn|bint|Bin|Ibn)\s+[A-Z][\w'-]+)*(?:\s+(?:Al|al|Al-|al-)[\s-]?[A-Z][\w'-]+)?")


def _rest_of_lineage(text: str, end: int) -> int:
    m = _LINEAGE.match(text, end)
    return m.end() if m and m.end() > end and re.match(r"\s+(?:bin|ibn|bint|Bin|Ibn|Al|al)\b", text[end:end + 6]) else end


_STYLE_WORDS = re.compile(r"(?:(?P<before>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+)?$")


def _bind_style(scan: Scan, start: int, person: str) -> None:
    """"Amir Sheikh Sabah ...", "King Salman": a style that is an office of the person's country says
    who holds it, so "the Amir" later in an undated article is the same man."""
    words = scan.text[start:start + 40].split()[:2]
    before = _STYLE_WORDS.search(scan.text, max(0, start - 30), start)
    phrases = [" ".join(words[:2]).lower(), words[0].lower() if words else ""]
    if before and before.group("before"):
        b = before.group("before").lower()
        phrases += [b, b.split()[-1]]
    for t in scan.g.tenures.get(person, []):
        c = scan.g.countries.get(t.country)
        if c is None or (scan.when is not None and not t.covers(scan.when)):
            continue
        if any(c.titles.get(p) == t.office for p in phrases if p):
            scan.bindings.setdefault((t.country, t.office), person)


_COUNTRY_WORDS_BEFORE = re.compile(r"((?:[A-Z][\w.'-]*\s+){1,3})$")
_COUNTRY_WORDS_AFTER = re.compile(r",?\s+(?:of|of\s+the)\s+((?:[A-Z][\w.'-]*\s*){1,4})")


def _of_country(g: Gazetteer, words: list[str], cands: set[str]) -> set[str] | None:
    for n in range(len(words), 0, -1):
        for i in range(len(words) - n + 1):
            code = g.country_of(norm(" ".join(words[i:i + n])))
            if code:
                return {p for p in cands if any(t.country == code for t in g.tenures.get(p, []))}
    return None


def in_country_near(g: Gazetteer, text: str, start: int, end: int, cands: set[str]) -> set[str]:
    """Of the people sharing a name, those of the country named beside it ("Jordan's King Abdullah",
    "Sheikh Hamad of Bahrain")."""
    if len(cands) < 2:
        return cands
    before = _COUNTRY_WORDS_BEFORE.search(text, max(0, start - 40), start)
    if before is not None:
        mine = _of_country(g, [w[:-2] if w.endswith("'s") else w for w in before.group(1).split()], cands)
        if mine:
            return mine
    after = _COUNTRY_WORDS_AFTER.match(text, end)
    if after is not None:
        mine = _of_country(g, after.group(1).split(), cands)
        if mine:
            return mine
    return cands

