"""Merging mentions into letters: one letter per pair and date, replies, roundups, the kind."""
from __future__ import annotations

from datetime import timedelta

from . import patterns as P
from .dates import Anchor, DateSpan
from .records import (
    RANK_ATTACHED,
    RANK_CONTEXT,
    RANK_REPORT,
    RECENT_DAYS,
    Hit,
    _Cluster,
)


def _recent(d: DateSpan, anchor: Anchor) -> bool:
    return d.end >= anchor.start - timedelta(days=RECENT_DAYS)


def _dated(hits: list[Hit], rank: int) -> list[DateSpan]:
    return [d for h in hits for d, r in h.dates if r == rank]


def _fits(letter: DateSpan, report: DateSpan) -> bool:
    """A letter reported on `report` was sent shortly before it."""
    return letter.start <= report.end + timedelta(days=3) and letter.end >= report.start - timedelta(days=RECENT_DAYS)


def _compatible(c: _Cluster, h: Hit, anchor: Anchor) -> bool:
    """Whether a mention can be the same letter as a cluster, judging by their dates."""
    slack = timedelta(days=3)
    c_att, h_att = _dated(c.hits, RANK_ATTACHED), _dated([h], RANK_ATTACHED)
    c_rep, h_rep = _dated(c.hits, RANK_REPORT), _dated([h], RANK_REPORT)
    if c_att and h_att:
        return any(a.start <= b.end + slack and b.start <= a.end + slack for a in c_att for b in h_att)
    if h_att and c_rep:
        return any(_fits(a, r) for a in h_att for r in c_rep)
    if c_att and h_rep:
        return any(_fits(a, r) for a in c_att for r in h_rep)
    dated = c_att or h_att
    if dated:
        return any(_recent(d, anchor) for d in dated)
    return True


def _cluster(hits: list[Hit], anchor: Anchor) -> list[_Cluster]:
    """Mentions merged into letters: one per pair of parties and date, with partial mentions attached."""
    merger = _Merger(anchor)
    # a reply verb ("Xi replied to a letter from Biden") needs the letter it answers placed first;
    # within a sentence, "the message" refers back past the letters the sentence itself names
    for h in sorted(hits, key=lambda h: (h.weak and h.reply, h.sentence, not h.full)):
        merger.place(h)
    return merger.clusters


def _latest(clusters: list[_Cluster]) -> _Cluster:
    return max(clusters, key=lambda c: c.last_pos)


class _Merger:
    """Places each mention of a letter in the letter it belongs to, or starts a new one."""

    def __init__(self, anchor: Anchor) -> None:
        self.anchor = anchor
        self.clusters: list[_Cluster] = []

    def pair(self, sender: str | None, recipient: str | None) -> list[_Cluster]:
        return [c for c in self.clusters if (c.sender, c.recipient) == (sender, recipient)]

    def new(self, h: Hit, reply: bool = False) -> _Cluster:
        c = _Cluster(h.sender, h.recipient, [h], reply=reply)  # type: ignore[arg-type]
        self.clusters.append(c)
        return c

    def place(self, h: Hit) -> None:
        if h.sender and h.sender == h.recipient:
            return
        if h.full and h.reply and h.weak:
            origs = self.pair(h.recipient, h.sender)
            if not origs:
                return  # "X replied to Y" with no letter from Y in the article: a remark, not a letter
            h.weak = False
            h.kind = h.kind or _vote_kind(origs[-1])
        if h.full:
            self._place_full(h)
        elif h.sender is None and h.recipient is None:
            self._place_partyless(h)
        elif not self._place_answered(h):
            self._place_partial(h)

    def _place_full(self, h: Hit) -> None:
        same = self.pair(h.sender, h.recipient)
        target = None
        if not h.distinct:
            compatible = [c for c in same if _compatible(c, h, self.anchor) or h.definite]
            target = _latest(compatible) if compatible else None
        elif h.headline:
            target = same[-1] if same else None
        if target is None:
            self.new(h)
        else:
            target.hits.append(h)

    def _place_partyless(self, h: Hit) -> None:
        """ "Another letter" is a new letter between the last pair; "the letter" is the last letter."""
        if not self.clusters:
            return
        ref = _latest(self.clusters)
        if h.distinct and not h.headline:
            h.sender, h.recipient = ref.sender, ref.recipient
            if not h.dates:
                d = ref.best_date()
                if d is not None:
                    h.dates = [(d, RANK_CONTEXT)]
            self.new(h)
        elif h.definite:
            ref.hits.append(h)
            h.sender, h.recipient = ref.sender, ref.recipient

    def _place_answered(self, h: Hit) -> bool:
        """ "the letter was in response to Xi's message": Xi wrote to whoever wrote the reply."""
        if h.recipient is not None or not h.answers:
            return False
        h.recipient = next((a.sender for a in h.answers if a.sender and a.sender != h.sender), None)
        if not h.full:
            return False
        same = self.pair(h.sender, h.recipient)
        if same:
            same[-1].hits.append(h)
        else:
            self.new(h)
        return True

    def _place_reply(self, h: Hit) -> None:
        """ "Kim replied": to whoever last wrote to Kim."""
        origs = [c for c in self.clusters if c.recipient == h.sender]
        if not origs:
            return
        o = _latest(origs)
        h.recipient = o.sender
        if h.kind is None:
            h.kind = _vote_kind(o)
        tgt = [c for c in self.pair(h.sender, h.recipient) if _compatible(c, h, self.anchor)]
        if tgt:
            tgt[-1].hits.append(h)
            tgt[-1].reply = True
        else:
            self.new(h, reply=True)

    def _place_partial(self, h: Hit) -> None:
        """A mention naming one party: part of that party's letter, or a new one to its usual correspondent."""
        known_sender = h.sender is not None
        if h.reply and known_sender and h.recipient is None:
            self._place_reply(h)
            return
        same = [] if h.reply and not known_sender else [
            c for c in self.clusters if (c.sender == h.sender if known_sender else c.recipient == h.recipient)]
        compatible = [c for c in same if _compatible(c, h, self.anchor)]
        if (h.definite or h.headline or h.weak) and same:
            _latest(compatible or same).hits.append(h)
            return
        if compatible and not h.distinct:
            _latest(compatible).hits.append(h)
            return
        if h.definite and not known_sender and h.via and self.clusters and not h.headline:
            # "The letter was presented to Sheikh Mansour by Nguilin": handed to a stand-in, the letter
            # is still the one last reported, and the carrier is its carrier
            _latest(self.clusters).hits.append(h)
            return
        if h.headline or h.weak or not h.strong or h.definite or not h.inferable:
            return
        other = self._usual_correspondent(h, same, known_sender)
        if other is None:
            return
        if known_sender:
            h.recipient = other
        else:
            h.sender = other
        if h.sender != h.recipient:
            self.new(h)

    def _usual_correspondent(self, h: Hit, same: list[_Cluster], known_sender: bool) -> str | None:
        """An indefinite letter with one party named: the other party is the one it last wrote with."""
        if same:
            ref = _latest(same)
            return ref.recipient if known_sender else ref.sender
        party = h.sender if known_sender else h.recipient
        rel = [c for c in self.clusters if party in (c.sender, c.recipient)]
        if not rel:
            return None
        ref = _latest(rel)
        return ref.recipient if ref.sender == party else ref.sender


def _roundup(hits: list[Hit], clusters: list[_Cluster]) -> list[_Cluster]:
    """ "In his congratulatory letter, Biden noted ...": in an article about the letters one person
    received, a letter whose writer alone is named went to that person."""
    placed = {id(h) for c in clusters for h in c.hits}
    counts: dict[str, int] = {}
    for c in clusters:
        counts[c.recipient] = counts.get(c.recipient, 0) + 1
    if not counts:
        return []
    main = max(counts, key=lambda r: (counts[r], -min(h.pos for c in clusters if c.recipient == r for h in c.hits)))
    first = clusters[0]
    if counts[main] < 2 and not (main == first.recipient and any(h.plural for h in first.hits)):
        return []  # one letter to them, told in the singular: not a roundup
    out: list[_Cluster] = []
    pairs = {(c.sender, c.recipient) for c in clusters}
    for h in hits:
        listed = h.plural and h.inferable and counts[main] >= 3  # "further telegrams came from A, B and C"
        if (id(h) in placed or not (h.in_own or listed) or h.sender is None or h.recipient is not None or h.headline or h.weak
                or h.reply or h.sender == main or (h.sender, main) in pairs):
            continue
        h.recipient = main
        pairs.add((h.sender, main))
        out.append(_Cluster(h.sender, main, [h]))
    return out


def _vote_kind(c: _Cluster) -> str:
    votes: dict[str, float] = {}
    first_full = None
    for h in c.hits:
        if h.kind is None:
            continue
        w = 1.0 if (h.full and not h.definite) else 0.75 if not h.definite else 0.5
        if h.headline:
            w = 0.75
        votes[h.kind] = votes.get(h.kind, 0.0) + w
        if first_full is None and h.full and not h.headline:
            first_full = h.kind
    if not votes:
        fallback = next((h.fallback_kind for h in c.hits if h.fallback_kind), None)
        if fallback:
            return fallback
        if any(h.weak for h in c.hits) and not any(h.strong for h in c.hits):
            return "message"
        return "letter"
    if "telegram" in votes:
        return "telegram"
    top = max(votes.values())
    tied = [k for k, v in votes.items() if v == top]
    if len(tied) == 1:
        return tied[0]
    if first_full in tied:
        return first_full
    return min(tied, key=P.KIND_ORDER.index)
