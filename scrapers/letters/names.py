"""The name passes of entity finding: gazetteer names, names the gazetteer lacks, organisations, short forms."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from .entity_patterns import (
    ALWAYS_SHORT,
    COMMON_SHORT,
    NAME_TITLES,
    PARTICLES,
    POSS,
    ROMAN,
    TOKEN,
    is_cap,
    is_stop,
    joins,
    patterns,
)
from .gazetteer import Gazetteer, norm
from .holidays import holidays
from .name_words import name_words as lexicon

if TYPE_CHECKING:
    from .entities import Mention


@dataclass(slots=True)
class Scan:
    """One text being read: its tokens, which characters are already taken, and what was found."""

    text: str
    when: date | None
    g: Gazetteer
    toks: list[tuple[int, int, str]]
    taken: bytearray
    head_mask: bytearray
    mentions: list["Mention"] = field(default_factory=list)
    named: set[str] = field(default_factory=set)
    bindings: dict[tuple[str, str], str] = field(default_factory=dict)
    generic_aliases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, when: date | None, g: Gazetteer, headline_ranges: list[tuple[int, int]]) -> "Scan":
        toks = [(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(text)]
        head = bytearray(len(text) + 1)
        for x, y in headline_ranges:
            head[x:y] = b"\x01" * (y - x)
        return cls(text, when, g, toks, bytearray(len(text) + 1), head)

    def free(self, a: int, b: int) -> bool:
        return not any(self.taken[a:b])

    def take(self, m: "Mention") -> None:
        self.taken[m.start:m.end] = b"\x01" * (m.end - m.start)
        self.mentions.append(m)

    def possessive_after(self, end: int) -> bool:
        return POSS.match(self.text, end) is not None


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
    if hit and i + hit[3] < len(toks) and ROMAN.fullmatch(toks[i + hit[3]][2]) and text[hit[1]:toks[i + hit[3]][0]] == " ":
        return None  # "King Abdullah II" is not King Abdullah
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


def gazetteer_names(scan: Scan, mention: type["Mention"]) -> None:
    """Step 1: full names and variants from the gazetteer, longest first at each position."""
    g, toks, text = scan.g, scan.toks, scan.text
    hits: list[tuple[int, int, set[str]]] = []
    next_free = 0
    for i, (_, _, tok) in enumerate(toks):
        if i < next_free or not is_cap(tok) or norm(tok) not in g.first_tokens:
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
        scan.take(mention(a, b, text[a:b], "name", person, scan.possessive_after(b)))


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


# ---------------------------------------------------------------- names the gazetteer lacks

def _titled_single_name(scan: Scan, i: int, mention: type["Mention"]) -> bool:
    """"Sheikh Hasina": a title with a single name word is how the person is called."""
    toks, text, g = scan.toks, scan.text, scan.g
    a, b, tok = toks[i]
    if (tok.lower() not in NAME_TITLES or i + 1 >= len(toks) or scan.taken[a] or scan.head_mask[a]
            or text[b:toks[i + 1][0]] != " "):
        return False
    na, nb, ntok = toks[i + 1]
    more = i + 2 < len(toks) and joins(ntok, text[nb:toks[i + 2][0]]) and (
        is_cap(toks[i + 2][2]) or toks[i + 2][2] in PARTICLES)
    if (not is_cap(ntok) or is_stop(ntok) or scan.taken[na] or more or ntok.isupper()
            or norm(ntok) in g.short_names or norm(f"{tok} {ntok}") in g.full_names):
        return False
    surface = text[a:nb]
    scan.take(mention(a, nb, surface, "generic", surface, scan.possessive_after(nb)))
    scan.generic_aliases.setdefault(norm(ntok), surface)
    return True


def _run_end(scan: Scan, i: int) -> int:
    """Index of the last token of the capitalised run starting at token `i`."""
    toks, text = scan.toks, scan.text
    lex = lexicon()
    j = i
    while j + 1 < len(toks) and j - i < 5:
        na, nb, ntok = toks[j + 1]
        if not joins(toks[j][2], text[toks[j][1]:na]) or scan.taken[na]:
            break
        if ntok in PARTICLES and j + 2 < len(toks) and j + 1 - i < 5:
            # "Tamim bin Hamad": a particle joins two capitalised parts of one name
            qa, _, qtok = toks[j + 2]
            if joins(ntok, text[nb:qa]) and is_cap(qtok) and not scan.taken[qa] and not is_stop(qtok):
                j += 2
                continue
            break
        if ROMAN.fullmatch(ntok) and j > i:
            return j + 1  # "Abdullah II"
        low = ntok.lower()
        if not is_cap(ntok) or (is_stop(ntok) and low not in lex.organisation_heads):
            break
        if (ntok.isupper() and len(ntok) > 2) or low in lex.headline_verbs:
            break
        j += 1
    return j


_ORG_JOINERS = frozenset(["and", "for", "of", "&"])


def _organisation_run_end(scan: Scan, i: int, j: int) -> int:
    """Extend a run over "and"/"for"/"of" when it then ends in an organisation word
    ("US-China Youth and Student Exchange Association")."""
    toks, lex = scan.toks, lexicon()
    end = j
    while end + 2 < len(toks) and toks[end + 1][2] in _ORG_JOINERS and is_cap(toks[end + 2][2]):
        nxt = _run_end(scan, end + 2)
        if toks[nxt][2].lower() not in lex.organisation_heads:
            break
        end = nxt
    # "Lomonosov Moscow State University": capitalised words that start no name inside an organisation's
    k = end
    while k + 1 < len(toks) and k - end < 3 and is_cap(toks[k + 1][2]) and joins(toks[k][2], scan.text[toks[k][1]:toks[k + 1][0]]):
        k += 1
        if toks[k][2].lower() in lex.organisation_heads:
            return k
    return end


def _strip_run(scan: Scan, i: int, j: int) -> int:
    """First token of a run once honorifics, country words and titles are dropped ("Shri K. Natwar Singh",
    "Ivorian Energy Minister", "US Commerce Secretary-designate Howard Lutnick")."""
    lex, g = lexicon(), scan.g
    while i < j:
        low = scan.toks[i][2].lower()
        if low in lex.honorifics or g.country_of(norm(scan.toks[i][2])) is not None:
            i += 1
            continue
        break
    for k in range(j - 1, i - 1, -1):
        if scan.toks[k][2].lower() in lex.title_words:
            return k + 1
    return i


def _organisation(scan: Scan, i: int, j: int, mention: type["Mention"]) -> bool:
    """A run ending in an organisation word ("Norwegian Nobel Committee", "Nankai University students"),
    unless it is a person's title ("Head of the National Olympic Committee")."""
    toks, text = scan.toks, scan.text
    lex = lexicon()
    if toks[i][2].lower() in lex.title_words:
        return False
    # "Vietnamese Party General Secretary To Lam": the organisation word begins a title
    if j + 1 < len(toks) and toks[j + 1][2].lower() in lex.title_words and toks[j + 1][2][:1].isupper():
        return False
    last = j
    # "... University students", "... High School students": a lower-case group noun after the run
    if j + 1 < len(toks) and toks[j + 1][2] == "students" and text[toks[j][1]:toks[j + 1][0]] == " ":
        last = j + 1
    org_type = lex.organisation_type(toks[last][2])
    if org_type is None:
        return False
    a = toks[i][0]
    b = toks[last][1]
    if scan.g.country_of(norm(text[a:b])) is not None:
        return False  # "European Union", "African Union": polities of the gazetteer, read as places
    surface = name = text[a:b]
    group = _STUDENTS_OF.search(text, max(0, a - 60), a) if org_type == "school" else None
    if group is not None and scan.free(group.start(), a):
        # "students of Muscatine High School" are "Muscatine High School students"; "Chinese students
        # at Lomonosov Moscow State University" keep their own words
        a, org_type = group.start(), "students"
        surface = text[a:b]
        name = f"{name} students" if group.group("prep") == "of" else surface
    m = mention(a, b, surface, "organisation", name, scan.possessive_after(b))
    m.party_type = "organisation"
    m.role = org_type
    scan.take(m)
    return True


_STUDENTS_OF = re.compile(
    r"(?:\b[A-Z][a-z]+\s+)?\bstudents\s+(?P<prep>of|at|from)\s+(?:the\s+)?(?:[A-Z][\w.]*(?:'s|\u2019s)?\s+){0,3}$")


def _remember_aliases(scan: Scan, surface: str) -> None:
    parts = surface.replace(".", " ").split()
    last = parts[-2] if len(parts) > 2 and ROMAN.fullmatch(parts[-1]) else parts[-1]
    for p in (parts[0], last):
        if len(p) > 2 and p.lower() not in lexicon().not_names and p not in PARTICLES:
            scan.generic_aliases.setdefault(norm(p), surface)
    for p in parts[1:]:
        if "-" in p:
            scan.generic_aliases.setdefault(norm(p), surface)


def _initial_before(scan: Scan, i: int) -> int:
    """Start of a run with a single initial before it ("W. Patrick Murphy")."""
    toks, text = scan.toks, scan.text
    a = toks[i][0]
    if i == 0:
        return a
    pa, pb, ptok = toks[i - 1]
    if (len(ptok) == 1 and ptok.isupper() and text[pb:pb + 1] == "." and a - pb <= 2 and not scan.taken[pa]
            and not (pa >= 2 and text[pa - 1] == "." and text[pa - 2].isupper())):
        return pa
    return a


_NUMBER_AFTER = re.compile(r"[ \t]+\d")


def _is_person_run(scan: Scan, i: int, j: int) -> bool:
    """Two or more name words, none of them a place, event or institution word, not a region, a named
    day or a style ("Camp David", "Eid al-Fitr", "Tan Sri"), and no number after them ("Apollo 11")."""
    lex = lexicon()
    words = [t[2] for t in scan.toks[i:j + 1]]
    if len(words) < 2 or all(len(w) == 1 for w in words[1:]) or _NUMBER_AFTER.match(scan.text, scan.toks[j][1]):
        return False
    surface = scan.text[scan.toks[i][0]:scan.toks[j][1]]
    if (" ".join(w.lower() for w in words) in lex.honorific_phrases or patterns().region.fullmatch(surface)
            or holidays().pattern.fullmatch(surface)):
        return False
    return words[-1].lower() not in lex.not_person_heads and not any(w.lower() in lex.headline_verbs for w in words)


def other_names(scan: Scan, mention: type["Mention"]) -> None:
    """Step 3: capitalised runs that are nobody in the gazetteer ("W. Patrick Murphy"), and organisations."""
    toks, text, g = scan.toks, scan.text, scan.g
    i = 0
    while i < len(toks):
        a, _, tok = toks[i]
        if tok.lower() in NAME_TITLES and _titled_single_name(scan, i, mention):
            i += 2
            continue
        if not is_cap(tok) or scan.taken[a] or is_stop(tok) or scan.head_mask[a]:
            i += 1
            continue
        j = _run_end(scan, i)
        if j == i + 1 and tok.lower() in ("al", "el") and norm(toks[j][2]) in g.short_names:
            i += 1  # "Al Sissi": the short-name pass reads it
            continue
        j = _organisation_run_end(scan, i, j)
        if j == i or (tok.isupper() and _strip_run(scan, i, j) == i):
            i += 1
            continue
        if _organisation(scan, i, j, mention):
            i = j + 1
            continue
        k = _strip_run(scan, i, j)
        start = _initial_before(scan, k) if k == i else toks[k][0]
        surface = text[start:toks[j][1]]
        key = norm(surface)
        if _is_person_run(scan, k, j) and key not in g.full_names and g.country_of(key) is None:
            known = g.resembling(key)
            if known is not None:
                scan.named.add(known)
                scan.take(mention(start, toks[j][1], surface, "name", known, scan.possessive_after(toks[j][1])))
            else:
                scan.take(mention(start, toks[j][1], surface, "generic", surface, scan.possessive_after(toks[j][1])))
                _remember_aliases(scan, surface)
        i = j + 1


# ---------------------------------------------------------------- short forms

def _eastern_given_names(scan: Scan) -> dict[str, str]:
    """Eastern-order gazetteer names are also called by their given name ("Yong-chol")."""
    out: dict[str, str] = {}
    for m in scan.mentions:
        if m.kind == "name" and m.person and scan.g.is_eastern(m.person):
            parts = norm(m.person).split()
            if len(parts) == 3:
                out.setdefault(f"{parts[1]} {parts[2]}", m.person)
    return out


_TITLE_BEFORE = re.compile(r"(?i)\b(president|prime\s+minister|premier|chancellor|king|queen|emir|amir|sultan|"
                           r"secretary(?:\s+of\s+state)?|foreign\s+minister|vice\s+president)\s+$")
_TITLE_OFFICES = {"president": ("hos", "president", "leader"), "prime minister": ("hog",), "premier": ("hog",),
                  "chancellor": ("hog",), "king": ("hos",), "queen": ("hos",), "emir": ("hos",), "amir": ("hos",),
                  "sultan": ("hos",), "secretary": ("fm",), "secretary of state": ("fm",), "foreign minister": ("fm",),
                  "vice president": ("vp",)}


def _by_title_before(scan: Scan, start: int, cands: set[str]) -> set[str]:
    """"President Clinton" is Bill Clinton, "Secretary Clinton" Hillary: a title keeps those who held it."""
    if len(cands) < 2:
        return cands
    m = _TITLE_BEFORE.search(scan.text, max(0, start - 30), start)
    if m is None:
        return cands
    offices = _TITLE_OFFICES.get(" ".join(m.group(1).lower().split()), ())
    held = {p for p in cands if any(t.office in offices for t in scan.g.tenures.get(p, []))}
    return held or cands


def _short_person(scan: Scan, key: str, given: dict[str, str], start: int, recent: dict[str, str]) -> str | None:
    g = scan.g
    if key in given:
        return given[key]
    if key in g.short_names:
        all_cands = g.short_names[key]
        cands = _by_title_before(scan, start, all_cands)
        if len(cands) > 1 and recent.get(key) in cands:
            return recent[key]  # "former President Clinton ... Clinton wished": the one just named
        named_c = [c for c in cands if c in scan.named]
        if named_c:
            return g.pick(set(named_c), scan.when, scan.named)
        if key not in COMMON_SHORT or key in ALWAYS_SHORT:
            return g.pick(cands, scan.when, scan.named)
    return scan.generic_aliases.get(key)


def short_names(scan: Scan, mention: type["Mention"]) -> None:
    """Step 4: short forms: "Putin", "Mr Kim", "Chairman Kim", "Bosworth", "Yong-chol", "Al Sissi"."""
    given = _eastern_given_names(scan)
    toks, text = scan.toks, scan.text
    # who each shared short form last stood for, as the text is read: full names as they pass
    names = sorted((m.start, m.person) for m in scan.mentions if m.kind == "name" and m.person)
    recent: dict[str, str] = {}
    k = 0
    for idx, (a, b, tok) in enumerate(toks):
        while k < len(names) and names[k][0] < a:
            for short in scan.g.shorts_of(names[k][1]):
                recent[short] = names[k][1]
            k += 1
        if scan.taken[a] or not is_cap(tok):
            continue
        key = norm(tok)
        start = a
        # "Al Sissi", "El Baradei": a detached article before a short name belongs to it
        if key in ("al", "el") and idx + 1 < len(toks) and text[b:toks[idx + 1][0]] in (" ", "-"):
            nxt = norm(toks[idx + 1][2])
            if nxt in scan.g.short_names and not scan.taken[toks[idx + 1][0]]:
                key, b, tok = nxt, toks[idx + 1][1], text[a:toks[idx + 1][1]]
        person = _short_person(scan, key, given, start, recent)
        if person is None or (tok.isupper() and len(tok) > 3 and key not in scan.g.short_names):
            continue
        recent[key] = person
        scan.take(mention(start, b, tok, "short", person, scan.possessive_after(b)))
