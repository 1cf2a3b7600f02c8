"""One pass over an article: sentences, mentions, date anchor, and per sentence its tokens."""
from __future__ import annotations

import re
from datetime import date

from . import patterns as P
from .dates import Anchor, anchor_for, find_article_date, parse_published
from .entities import ArticleEntities, Mention, find_entities, resolve_title
from .lexicon import _HONORIFICS
from .records import Tok
from .sentences import Sentence, ascii_lowered, normalize, split_sentences


class _Doc:
    """One article prepared for extraction: text, sentences, entities and the date anchor."""

    def __init__(self, text: str, title: str | None, published: str | None) -> None:
        self.raw_text = text
        body = normalize(text)
        first_line = next((ln.strip() for ln in body.split("\n") if ln.strip()), "")
        self.title_len = 0
        doc = body
        if title and title.strip():
            t = normalize(title.strip().replace("\n", " "))
            if t != first_line:
                doc = t + "\n\n" + body
                self.title_len = len(t) + 2
        self.text = doc
        self.lowered = ascii_lowered(doc)  # for case-ignoring searches of ASCII words; None where unsafe
        pub = parse_published(published)
        if pub is None:
            found = find_article_date(body)
            pub = (found, found) if found else None
        self.anchor: Anchor = anchor_for(pub)
        self.when: date | None = None
        if self.anchor.known:
            self.when = self.anchor.start + (self.anchor.end - self.anchor.start) / 2
        self.sentences: list[Sentence] = split_sentences(doc)
        heads = [(s.start, s.end) for s in self.sentences if s.headline or s.start < self.title_len]
        self.ents: ArticleEntities = find_entities(doc, self.when, headline_ranges=heads)
        self._persons: dict[int, str | None] = {}

    def in_title(self, pos: int) -> bool:
        return pos < self.title_len

    def person(self, m: Mention) -> str | None:
        key = id(m)
        if key not in self._persons:
            p = m.person
            if m.kind in ("title", "place") and m.role:
                p = resolve_title(self.ents, m.role, self.when)
            elif m.kind == "descriptor":
                p = self.ents.descriptors.get(m.role or "")
            self._persons[key] = p
        return self._persons[key]


_STYLES = frozenset(("majesty", "highness", "excellency", "holiness"))


def _tokens(doc: _Doc, sent: Sentence, ments: list[Mention]) -> list[Tok]:
    text = doc.text
    toks: list[Tok] = []
    pos = sent.start
    append = toks.append
    finditer = P.WORD_RE.finditer
    for idx, m in enumerate(ments + [None]):  # type: ignore[operator]
        seg_end = m.start if m is not None else sent.end
        ent = toks[-1] if toks and toks[-1].kind == "E" else None  # only words right after an entity can be its "'s"
        for w in finditer(text, pos, seg_end):
            s = w.group(0)
            a, b = w.span()
            if ent is not None:
                # the possessive after an entity belongs to the entity token
                if ent.end == a and s in ("'", "'s", "s"):
                    ent.poss = True
                    continue
                if ent.poss and s == "s" and text[a - 1] == "'":
                    continue
                ent = None
            append(Tok("W" if s[0].isalnum() else "P", s.lower(), a, b))
        if m is None:
            break
        start = m.start
        # "Chairman Kim", "President Moon", "envoy Stephen Bosworth": the honorific is part of the name
        while m.kind != "pronoun" and toks and (
            (toks[-1].kind == "W" and (toks[-1].text in _HONORIFICS or (len(toks[-1].text) == 1 and toks[-1].text in "he")))
            or (toks[-1].kind == "P" and toks[-1].text == "." and len(toks) > 1 and toks[-2].text in ("h", "e"))
        ):
            start = toks.pop().start
        # "His Majesty King Abdullah", "His Highness the Amir Sheikh Sabah": the style is part of the name too
        the = 1 if toks and toks[-1].kind == "W" and toks[-1].text == "the" else 0
        if (m.kind != "pronoun" and len(toks) >= 2 + the and toks[-1 - the].kind == "W" and toks[-1 - the].text in _STYLES
                and toks[-2 - the].kind == "E" and ments[toks[-2 - the].ent].kind == "pronoun"):
            del toks[len(toks) - 1 - the:]
            start = toks.pop().start
        toks.append(Tok("E", m.text, start, m.end, idx, m.possessive))
        pos = m.end
    return toks


_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "SEOUL, Sept. 6 (Yonhap) --", "TEHRAN, Iran (AP) -", "MOSCOW, August 30. /TASS/."
# "SEOUL, Sept. 6 (Yonhap) --", "TEHRAN, Iran (AP) -", "MOSCOW, August 30. /TASS/.", "Phnom Penh, November 21, 2019 -"
_DATELINE = re.compile(
    r"(?P<city>[A-Z][A-Za-z.'-]*(?:\s+[A-Z][A-Za-z.'-]*){0,3})"
    r"(?:,\s+(?P<region>[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)?)(?=[,\s]*[(/\-:]|,?\s+" + _MONTH_WORD + r"))?"
    r"(?P<date>,?\s+" + _MONTH_WORD + r"\s+\d{1,2}(?:,\s+\d{4})?)?\.?\s*"
    r"(?P<agency>\([A-Za-z][\w .&/-]{0,30}\)|/[A-Z]{2,}/\.?)?"
    r"\s*(?:(?P<dash>-{1,2}|:)\s*|\s+)"
)


def _dateline_end(sent: Sentence) -> int:
    """Length of the dateline opening a paragraph: its place and date belong to the report, not the letter."""
    if sent.index != 0 or sent.headline:
        return 0
    m = _DATELINE.match(sent.text)
    if m is None:
        return 0
    city = m.group("city")
    if m.group("agency") or (m.group("dash") and (m.group("date") or city.isupper())):
        return m.end()
    return 0
