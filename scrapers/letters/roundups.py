"""Article-level readings: roundups of many leaders' letters to one, listed addressees, carriers."""
from __future__ import annotations

import re

from .annotate import _Doc
from .discourse import _Context
from .lexicon import words
from .parties import leads_country
from .records import Hit, _Cluster

__all__ = ["_listed_addressees", "_received_carrier", "_roundup_paragraphs"]




_leads_country = leads_country


_RECEIVED = re.compile(r"\b(?:received|receiving|receives|meeting\"?\s+with|met with|met|audience to|talks with)\s+"
                       r"(?:the\s+)?(?:[A-Z][\w.-]*\s+){0,3}$")


def _received_carrier(doc: _Doc, c: _Cluster) -> str | None:
    """ "Sheikh Mohammed received a letter from King Salman ... This came as he received the Saudi foreign
    minister": the person a party received beside the letter, in its sentences or the next, carried it."""
    parties = (c.sender, c.recipient)
    sents = sorted({h.sentence for h in c.hits if not h.headline})
    for si in sorted({k for s in sents for k in (s, s + 1) if k < len(doc.sentences)}):
        s = doc.sentences[si]
        for m in doc.ents.in_span(s.start, s.end):
            if m.kind == "pronoun" or not _RECEIVED.search(doc.text, max(s.start, m.start - 60), m.start):
                continue
            p = doc.person(m)
            if p and p not in parties and not _leads_country(p, doc.when):
                return p
    return None


_TO_COLON = re.compile(r"\b(?:to|following)\s*:(?:\W|<[^>]*>)*$")  # markup left by the page may follow


def _listed_addressees(doc: _Doc, hits: list[Hit], clusters: list[_Cluster]) -> list[_Cluster]:
    """ "The messages were dispatched to:" and one addressee a line after it: a letter to each, from
    the writer the letter names or the last one the article named."""
    out: list[_Cluster] = []
    seen = {(x.sender, x.recipient) for x in clusters}
    for h in hits:
        if h.recipient is not None or not _TO_COLON.search(doc.sentences[h.sentence].text):
            continue
        sender = h.sender or next((x.sender for x in reversed(hits) if x.sentence <= h.sentence and x.sender), None)
        if sender is None:
            continue
        kind = h.kind or next((x.kind for x in hits if x.sender == sender and x.kind), None)
        for si in range(h.sentence + 1, min(len(doc.sentences), h.sentence + 30)):
            nxt = doc.sentences[si]
            first = next((m for m in doc.ents.in_span(nxt.start, nxt.end) if m.kind != "pronoun"), None)
            p = doc.person(first) if first is not None and first.start - nxt.start < 40 else None
            if p is None:
                break
            if p != sender and (sender, p) not in seen:
                x = Hit(si, sender, p, kind, None, list(h.dates), strong=True, pos=first.start)
                out.append(_Cluster(sender, p, [x]))
                seen.add((sender, p))
    return out


_SAYING = re.compile(r"(?i)\b(?:said|says|noted|stressed|underscored|expressed|wished|praised|commended|hailed|"
                     r"congratulat\w*|emphasi[sz]ed|highlighted|affirmed|voiced)\b")


_SPOKEN = re.compile(r"(?i)\b(?:" + "|".join(sorted(words("spoken_or_posted"))) + r")\b(?!\s+(?:for|on|upon)\b)")


_CONGRATULATING = re.compile(r"(?i)(?:while\s+)?congratulating\b")


def _roundup_paragraphs(doc: _Doc, ctx: _Context, hits: list[Hit]) -> list[Hit]:
    """ "Heads of state are sending letters to Tokayev ... | Uzbek President Mirziyoyev commended ...":
    after a lead that announces letters to one person from many, each paragraph that opens with
    another leader saying something is that leader's letter."""
    lead = next((h for h in ctx.partials if h.sender is None and h.recipient and (h.plural or h.kind == "greetings")
                 and h.sentence <= 4), None)  # a headline announcing the roundup is a lead too
    if lead is None:
        return []
    told = {(h.sentence, h.sender) for h in hits}
    out = []
    for si, s in enumerate(doc.sentences):
        if si <= lead.sentence or s.index != 0 or s.headline or not _SAYING.search(s.text):
            continue
        if _SPOKEN.search(s.text):
            continue  # "the presidents of Kyrgyzstan and Cuba ... congratulated him by phone"
        # "Congratulating Tokayev on the anniversary, US President Biden noted": past the one congratulated
        reach = 160 if _CONGRATULATING.match(s.text) else 80
        first = next((m for m in doc.ents.in_span(s.start, s.end) if m.kind != "pronoun"
                      and (reach == 80 or doc.person(m) != lead.recipient)), None)
        if first is None or first.start - s.start > reach:
            continue
        p = doc.person(first)
        if p and p != lead.recipient and (si, p) not in told and _leads_country(p, doc.when):
            out.append(Hit(si, p, lead.recipient, lead.kind, None, list(lead.dates), strong=True, pos=first.start))
    return out
