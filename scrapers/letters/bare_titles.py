"""Titles without a country ("HH the Amir", "His Majesty the Sultan", "the monarch"), placed in the
country the article is about."""
from __future__ import annotations

import re
from collections import Counter

from .gazetteer import norm
from .mentions import Mention
from .scan import Scan

# Royal titles, "the premier" and "the PM" stand alone after "the"; "the President" and "the Prime Minister"
# only after a style ("His Excellency the President"), since alone they as often mean someone's
# own president.
_BARE = re.compile(
    r"\b[Tt]he\s+(?P<word>Amir|Emir|Sultan|King|Queen|Crown\s+Prince|Monarch|monarch|Emperor|Pontiff|"
    r"President|Prime\s+Minister|Premier|premier|PM|Supreme\s+Leader|supreme\s+leader|Taoiseach)\b(?!\s+of\b)"
    r"(?![\s-]+elect)"
)
# the style before "the": read backwards from the title, so the whole text is scanned once
_STYLE = re.compile(r"(?:(?:His|Her)\s+(?:Royal\s+)?(?:Highness|Majesty|Excellency)|HH|H\.H\.|HRH|HM|H\.M\.)\s+$")
_NEEDS_STYLE = frozenset({"president", "prime minister"})
# The first line's place ("KUWAIT:", "Muscat, Oct 3 (ONA) --") says where the article is written.
_DATELINE = re.compile(r"\A\s*(?P<place>[A-Z][A-Za-z .'-]{1,30}?)\s*(?:[,:(\[]|\s--|\s-\s)")


def _article_countries(scan: "Scan") -> tuple[str | None, Counter]:
    """The dateline's country, and how strongly the article is about each country (places, titles, people)."""
    g = scan.g
    weight: Counter = Counter()
    home = None
    # the dateline opens the body, which may follow a headline: the first lines are tried
    for line in scan.text[:600].split("\n")[:6]:
        head = _DATELINE.match(line)
        home = g.country_of(norm(head.group("place"))) if head else None
        if home:
            break
    for _, _, tok in scan.toks:
        code = g.adjective_keys.get(norm(tok)) if tok[:1].isupper() else None
        if code:
            weight[code] += 1
    for m in scan.mentions:
        if m.role and ":" in m.role:
            weight[m.role.split(":", 1)[0]] += 1
        elif m.person and m.kind in ("name", "short"):
            code = g.person_country.get(m.person)
            if code:
                weight[code] += 1
    return home, weight


def _office(scan: "Scan", code: str, word: str) -> str | None:
    """The office a bare title means in a country: royal words only where the country says so."""
    c = scan.g.countries.get(code)
    if c is None:
        return None
    if word in _NEEDS_STYLE or word in ("premier", "pm", "supreme leader", "taoiseach"):
        return scan.g.office_key(code, word)
    office = c.titles.get(word)
    return office if office in c.offices else None


def bare_titles(scan: "Scan", mention: type[Mention]) -> None:
    """Read bare titles as the office of the article's country that has such a title: the dateline's
    country first (state agencies call their own rulers "HH the Amir"), then the most mentioned."""
    matches = [m for m in _BARE.finditer(scan.text) if scan.free(m.start("word"), m.end("word"))]
    if not matches:
        return
    home, weight = _article_countries(scan)
    order = ([home] if home else []) + [code for code, _ in weight.most_common() if code != home]
    for m in matches:
        word = " ".join(m.group("word").lower().split())
        style = _STYLE.search(scan.text, max(0, m.start() - 30), m.start())
        if word in _NEEDS_STYLE and not style:
            continue
        best = next(((code, office) for code in order if (office := _office(scan, code, word))
                     and scan.g.holder(code, office, scan.when, scan.named)), None)
        if best is None:
            continue
        a, b = (style.start() if style else m.start()), m.end()
        scan.take(mention(a, b, scan.text[a:b], "title", None, scan.possessive_after(b), role=f"{best[0]}:{best[1]}"))
