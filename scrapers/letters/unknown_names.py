"""The name pass for people the gazetteer lacks, and organisations: capitalised runs, read with the word lists."""
from __future__ import annotations

import re

from .entity_patterns import NAME_TITLES, PARTICLES, ROMAN, is_cap, is_stop, joins, patterns
from .gazetteer import norm
from .holidays import holidays
from .mentions import Mention
from .name_words import name_words
from .scan import Scan

__all__ = ["other_names"]


def _titled_single_name(scan: Scan, i: int, mention: type[Mention]) -> bool:
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
    lex = name_words()
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
        if ROMAN.fullmatch(ntok) and j > i and not _name_word_after(scan, j + 1):
            return j + 1  # "Abdullah II"; but "Nikolay V Makarov" has a middle initial
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
    toks, lex = scan.toks, name_words()
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


def _name_word_after(scan: Scan, k: int) -> bool:
    """Whether token `k` is followed, in the same name, by a capitalised word."""
    toks = scan.toks
    return (k + 1 < len(toks) and joins(toks[k][2], scan.text[toks[k][1]:toks[k + 1][0]])
            and is_cap(toks[k + 1][2]) and not is_stop(toks[k + 1][2]) and not scan.taken[toks[k + 1][0]])


def _strip_run(scan: Scan, i: int, j: int) -> int:
    """First token of a run once honorifics, country words and titles are dropped ("Shri K. Natwar Singh",
    "Ivorian Energy Minister", "US Commerce Secretary-designate Howard Lutnick")."""
    lex, g = name_words(), scan.g
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


def _organisation(scan: Scan, i: int, j: int, mention: type[Mention]) -> bool:
    """A run ending in an organisation word ("Norwegian Nobel Committee", "Nankai University students"),
    unless it is a person's title ("Head of the National Olympic Committee")."""
    toks, text = scan.toks, scan.text
    lex = name_words()
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
        if len(p) > 2 and p.lower() not in name_words().not_names and p not in PARTICLES:
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
    lex = name_words()
    words = [t[2] for t in scan.toks[i:j + 1]]
    if len(words) < 2 or all(len(w) == 1 for w in words[1:]) or _NUMBER_AFTER.match(scan.text, scan.toks[j][1]):
        return False
    surface = scan.text[scan.toks[i][0]:scan.toks[j][1]]
    if (" ".join(w.lower() for w in words) in lex.honorific_phrases or patterns().region.fullmatch(surface)
            or holidays().pattern.fullmatch(surface)):
        return False
    return words[-1].lower() not in lex.not_person_heads and not any(w.lower() in lex.headline_verbs for w in words)


def other_names(scan: Scan, mention: type[Mention]) -> None:
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
