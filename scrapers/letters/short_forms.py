"""The short-form pass: "Putin", "Mr Kim", "Chairman Kim", "Yong-chol", "Al Sissi", resolved by title, recency and date."""
from __future__ import annotations

import re

from .entity_patterns import ALWAYS_SHORT, COMMON_SHORT, is_cap
from .gazetteer import norm
from .mentions import Mention
from .scan import Scan

__all__ = ["short_names"]


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


def short_names(scan: Scan, mention: type[Mention]) -> None:
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
