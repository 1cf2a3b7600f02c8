"""Find the letters an article reports and resolve them to people and dates."""
from __future__ import annotations

from .annotate import _Doc
from .cluster import _cluster, _roundup, _vote_kind
from .discourse import _Context
from .parties import party_type
from .precheck import may_report_letters, trigger_sentences
from .reader import _SentenceReader
from .records import RANK_ATTACHED, RANK_CONTEXT, RANK_REPORT, Hit, RawLetter, _Cluster
from .roundups import (
    _leads_country,
    _listed_addressees,
    _received_carrier,
    _roundup_paragraphs,
)
from .status import claim_status as _claim_status

__all__ = ['RawLetter', 'extract_raw', 'may_report_letters']

def extract_raw(text: str, title: str | None = None, published: str | None = None) -> list[RawLetter]:
    """All letters the article reports, merged per letter, in order of first mention."""
    if not may_report_letters(text):
        return []  # most news never mentions correspondence: skip the full reading
    doc = _Doc(text, title, published)
    ctx = _Context(doc)
    hits: list[Hit] = []
    unreal: list[Hit] = []
    hinted = trigger_sentences(doc.text, [(s.start, s.end) for s in doc.sentences], doc.lowered)
    triggered = [h or s.text.startswith("Among ") for h, s in zip(hinted, doc.sentences, strict=True)]
    # What the context learns serves later sentences only: none after the last that may
    # mention a letter.
    last = max((si for si, t in enumerate(triggered) if t), default=-1)
    for si in range(last + 1):
        if not triggered[si]:
            ctx.note_plain(si)  # nothing to extract here; only keep track of who was mentioned
            continue
        reader = _SentenceReader(doc, si, ctx)
        found = reader.read()
        hits.extend(h for h in found if h.status == "reported")
        unreal.extend(h for h in found if h.status != "reported" and h.full)
        ctx.note_sentence(reader)
        for h in found:
            if h.full and h.status == "reported":
                ctx.last_pair = (h.sender, h.recipient)  # type: ignore[assignment]
            elif h.status == "reported" and (h.sender or h.recipient):
                ctx.partials.append(h)  # "greetings from 30 heads of state": named in a list to come
    hits += _roundup_paragraphs(doc, ctx, hits)
    clusters = _cluster(hits, doc.anchor)
    clusters += _roundup(hits, clusters)
    clusters += _listed_addressees(doc, hits, clusters)
    # A denied or planned letter is kept when no letter the article reports as sent is the same pair's.
    sent_pairs = {(c.sender, c.recipient) for c in clusters}
    for h in unreal:
        if (h.sender, h.recipient) not in sent_pairs and not h.headline:
            sent_pairs.add((h.sender, h.recipient))  # type: ignore[arg-type]
            clusters.append(_Cluster(h.sender, h.recipient, [h]))  # type: ignore[arg-type]
    out_clusters = []
    for c in clusters:
        body = [h for h in c.hits if not h.headline]
        if not body:
            continue  # a headline no sentence of the article bears out
        if all(h.countries for h in body):
            continue  # "the United States' messages to Iran": governments, no leader named on either side
        if party_type(c.sender) == party_type(c.recipient) == "organisation":
            continue  # correspondence with no leader on either side is not a leaders' letter
        if all(h.weak for h in c.hits) and not any(h.kind for h in c.hits):
            continue  # "congratulated" alone may have been a call or a statement
        out_clusters.append(c)
    out_clusters.sort(key=lambda c: min(h.pos for h in c.hits))
    return _finish(doc, out_clusters, ctx.partials)


def _finish(doc: _Doc, clusters: list[_Cluster], partials: list[Hit] | None = None) -> list[RawLetter]:
    results: list[RawLetter] = []
    reply_to = _reply_links(clusters)
    for i, c in enumerate(clusters):
        date_iso = _letter_date(doc, c, [clusters[k] for k, v in reply_to.items() if v == i], partials or [])
        ev = _evidence(doc, c)
        status = c.hits[0].status if c.hits[0].status != "reported" else claim_status(doc, c)
        results.append(RawLetter(c.sender, c.recipient, _vote_kind(c), date_iso, _carrier(doc, c), ev[0], ev[1], ev[2],
                                 _confidence(c), reply_to.get(i), status, party_type(c.sender), party_type(c.recipient)))
    return results


def _reply_links(clusters: list[_Cluster]) -> dict[int, int]:
    """For each reply, the index of the letter it answers: the other way's letter mentioned before it."""
    index = {id(c): i for i, c in enumerate(clusters)}
    reply_to: dict[int, int] = {}
    for i, c in enumerate(clusters):
        if not (c.reply or any(h.reply for h in c.hits)):
            continue
        cands = [o for o in clusters if o is not c and (o.sender, o.recipient) == (c.recipient, c.sender)]
        if cands:
            first = min(h.pos for h in c.hits)
            before = [o for o in cands if min(h.pos for h in o.hits) <= first]
            reply_to[i] = index[id(before[-1] if before else cands[0])]
    return reply_to


def _letter_date(doc: _Doc, c: _Cluster, replies: list[_Cluster], partials: list[Hit]) -> str | None:
    """The letter's date: its mentions' best; else the year of a dated reply to it; else the date of a
    lead naming the same writer ("Hu on Sunday sent messages to seven leaders"); else the month of
    publication, since news reports letters of the last weeks."""
    ranks = (RANK_ATTACHED, RANK_REPORT, RANK_CONTEXT)
    best = c.best_date(ranks=ranks)
    if best is not None:
        return best.iso()
    if not doc.anchor.known:
        return None
    for r in replies:
        rd = r.best_date(ranks=ranks)
        if rd and rd.anchored:
            return f"{rd.start.year:04d}" if rd.start.year == rd.end.year else None
    lead = [d for h in partials if h.sender == c.sender and h.sender and h.kind == c.hits[0].kind
            for d, rank in h.dates if rank == RANK_ATTACHED]
    if lead:
        return lead[0].iso()
    a = doc.anchor
    if (a.start.year, a.start.month) == (a.end.year, a.end.month):
        return f"{a.start.year:04d}-{a.start.month:02d}"
    return None


def _carrier(doc: _Doc, c: _Cluster) -> str | None:
    """The letter's named carrier: from its mentions, a named envoy after an unnamed one, or a person
    a party received beside it."""
    carriers = [h.via for h in c.hits if h.via and h.via not in (c.sender, c.recipient)]
    # "Moon said he had delivered Trump's message ... Chung handed it to Kim": the envoy carried it
    via = next((p for p in carriers if not _leads_country(p, doc.when)), carriers[0] if carriers else None)
    if via is None:
        via = next((p for h in c.hits if h.unnamed_carrier
                    for p in [_named_next(doc, h.sentence, (c.sender, c.recipient))] if p), None)
    return via if via is not None else _received_carrier(doc, c)


def claim_status(doc: _Doc, c: _Cluster) -> str:
    """ "claimed" when each sentence reporting the letter relays what one of its parties says."""
    items = []
    for h in c.hits:
        if h.headline:
            continue
        s = doc.sentences[h.sentence]
        spans = [(m.start - s.start, m.end - s.start) for m in doc.ents.in_span(s.start, s.end)
                 if m.kind not in ("pronoun", "place") and doc.person(m) in (c.sender, c.recipient)]
        items.append((s.text, h.pos - s.start, spans))
    return _claim_status(items)


def _named_next(doc: _Doc, si: int, parties: tuple[str, str]) -> str | None:
    """ "A special envoy ... handed the letter. Chung Eui-yong, who led the delegation, said": the person
    a following sentence of the paragraph opens with, when it is neither party nor a leader."""
    para = doc.sentences[si].para
    for s in doc.sentences[si + 1:si + 3]:
        first = doc.ents.in_span(s.start, s.start + 80)[:1]
        if not first or first[0].start != s.start or first[0].kind not in ("name", "generic"):
            continue
        if s.para - para > 1:
            break
        p = first[0].person
        if p and p not in parties and not _leads_country(p, doc.when):
            return p
    return None


def _in_lead(doc: _Doc, c: _Cluster) -> bool:
    """Whether the letter is the article's news: named in its first body sentences."""
    body = [s for s in doc.sentences if not s.headline and not doc.in_title(s.start)]
    lead = {doc.sentences.index(s) for s in body[:2]}
    return any(h.sentence in lead for h in c.hits)


def _evidence(doc: _Doc, c: _Cluster) -> tuple[str, int, int]:
    def score(h: Hit) -> tuple:
        return (h.headline, not h.full, h.definite and not h.full, not h.strong, h.pos)

    h = min(c.hits, key=score)
    s = doc.sentences[h.sentence]
    if doc.in_title(s.start):
        return s.text, -1, -1
    start = s.start - doc.title_len
    return doc.raw_text[start:start + (s.end - s.start)], start, start + (s.end - s.start)


def _confidence(c: _Cluster) -> float:
    best = 0.0
    for h in c.hits:
        v = 0.6
        if h.full and h.strong:
            v = 0.9
        elif h.full:
            v = 0.8
        if h.weak:
            v -= 0.2
        if h.place_party:
            v -= 0.1
        if h.headline:
            v -= 0.1
        best = max(best, v)
    best += 0.03 * (len(c.hits) - 1)
    return round(max(0.05, min(0.98, best)), 2)
