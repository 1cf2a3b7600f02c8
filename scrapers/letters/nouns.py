"""Letter nouns: each mention of a letter, message or telegram and the frame that fills its roles."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import patterns as P
from .filters import load_filters
from .frames import load_frames
from .lexicon import _CABLE_NOT_MAIL, _PLURAL_HEADS, _SPEECH_WORDS
from .records import Hit

__all__ = ["NounPhrase", "NounsMixin"]

_DETERMINERS = frozenset(("the", "this", "that", "these", "those", "its"))


@dataclass(slots=True)
class NounPhrase:
    """A letter noun and what the sentence says around it, filled in stage by stage."""

    h: int  # the noun's token
    head: str
    kind: str | None
    s: int  # first token of the noun phrase
    poss: int | None  # possessor ("Kim's letter", "his letter")
    ent_mods: list[int]
    raw_mods: set[str]
    v: int | None = None  # governing verb
    io: int | None = None  # indirect object of that verb
    prep: str | None = None  # preposition governing the phrase
    verb: str = ""
    status: str = "reported"
    presupposed: bool = False
    unreal_verb: bool = False
    right: dict = field(default_factory=dict)
    sender_i: list[int] = field(default_factory=list)
    recip_i: list[int] = field(default_factory=list)
    via_i: int | None = None
    explicit_sender: bool = False
    strong: bool = False
    definite: bool = False
    distinct: bool = False
    subj_np_kind: str | None = None

    @property
    def invitation(self) -> bool:
        return self.head.startswith("invitation")


class NounsMixin:
    """Finds the letters a sentence's letter nouns report."""

    def read(self) -> list[Hit]:
        hits: list[Hit] = []
        consumed: set[int] = set()
        for h, t in enumerate(self.toks):
            if t.kind != "W":
                continue
            w = t.text
            if w in P.KIND_HEADS and h not in consumed and not self._reply_phrase(h):
                hits.extend(self._noun_trigger(h, consumed))
            elif w in P.WRITE_VERBS and not self._noun_follows(h):
                hits.extend(self._write_to(h))
            elif w in P.REPLY_VERBS:
                hits.extend(self._reply_verb(h))
            elif w in P.CONGRATULATE_VERBS:
                hits.extend(self._congratulate(h))
        self._link_replies(hits)
        if self._word(0) == "among":
            hits.extend(self._among_list())
        return hits

    def _among_list(self) -> list[Hit]:
        """ "Among them were A, B and C": the parties the last letter left unnamed, one hit each."""
        kinds = {P.KIND_HEADS[t.text] for t in self.toks if t.kind == "W" and t.text in P.KIND_HEADS}
        cands = [h for h in self.ctx.partials if self.si - h.sentence <= 6 and (h.plural or h.kind == "greetings")
                 and (not kinds or h.kind in kinds)]
        if not cands:
            return []
        ant = cands[-1]
        verb = next((k for k in range(1, min(len(self.toks), 14)) if self._word(k) in ("were", "was", "are", "is")), None)
        first = self._skip_title(verb + 1) if verb is not None else len(self.toks)
        if first >= len(self.toks) or self.toks[first].kind != "E":
            return []
        people = [p for i in [first, *self._party_list(first)] for p in self.group(i)]
        pos = self.toks[first].start
        return [Hit(self.si, p if ant.sender is None else ant.sender, p if ant.recipient is None else ant.recipient,
                    ant.kind, None, ant.dates, strong=True, pos=pos) for p in people
                if p not in (ant.sender, ant.recipient)]

    def _reply_phrase(self, h: int) -> bool:
        """ "in reply", "a reply message", "reply to his letter": "reply" that names no letter of its own."""
        if self.toks[h].text not in ("reply", "replies"):
            return False
        nxt = self._word(h + 1)
        opening = h == 0 or (self.toks[h - 1].kind == "W" and self._word(h - 1) in ("in", "no"))
        return opening or nxt in P.KIND_HEADS or nxt in ("that", ",", ".")

    def _noun_follows(self, v: int) -> bool:
        for k in range(v + 1, min(len(self.toks), v + 7)):
            w = self._word(k)
            if w in P.KIND_HEADS:
                return True
            if w in (".", ",", ";") or (self.toks[k].kind == "W" and w in ("to", "that", "about")):
                return False
        return False

    # -------------------------------------------------------------- the stages of one noun

    def _noun_trigger(self, h: int, consumed: set[int]) -> list[Hit]:
        """The letters one letter noun reports: rejected by a filter, or read stage by stage."""
        head = self.toks[h].text
        s, poss, ent_mods, mods = self._np_left(h)
        # "message of greetings": the first noun names the kind; "a letter of invitation" is an invitation
        kind = P.KIND_HEADS[head]
        if self._word(h + 1) == "of" and self._word(h + 2) in P.KIND_HEADS:
            consumed.add(h + 2)
            kind = P.KIND_HEADS[self._word(h + 2)] if P.KIND_HEADS[self._word(h + 2)] == "invitation" else kind
        np = NounPhrase(h, head, kind, s, poss, ent_mods, {m.strip("\"'") for m in mods})
        if self._np_rejected(np, bool(mods)):
            return []
        self._np_governor(np)
        if self._verb_rejected(np):
            return []
        self._np_status(np, mods)
        np.right = self._right_slots(h)
        self._relative_clause(h, np.right)
        if np.right.get("platform"):
            return []
        self._np_own_slots(np)
        self._np_flags(np)
        if np.v is not None:
            exchange = self._fill_from_verb(np)
            if exchange is not None:
                return exchange
        else:
            exchange = self._passive_exchange(np)
            if exchange is not None:
                return exchange
            self._fill_from_context(np)
            self._fill_from_passive(np)
        if not np.recip_i and "rel_to" in np.right:
            np.recip_i = [np.right["rel_to"]]
        if not np.sender_i and "signed_by" in np.right:
            np.sender_i = [np.right["signed_by"]]
        return self._np_hits(np)

    def _np_rejected(self, np: NounPhrase, modified: bool) -> bool:
        """Readings of the noun that are no letter: "of note", "season's greetings", a news cable, filters."""
        h, head = np.h, np.head
        if head in ("note", "notes"):
            if not (modified or np.poss is not None or np.ent_mods) or self._word(np.s - 1) == "on":
                return True
            if self._word(h + 1) in ("that", "how"):
                return True
        if head.startswith("greeting") and self._word(h - 1) == "season's":
            return True
        if head.startswith("cable") and (self._word(h + 1) in _CABLE_NOT_MAIL or self._word(h - 1) in _CABLE_NOT_MAIL):
            return True
        filters = load_filters()
        if filters.by_modifier(np.raw_mods, addressed=True, kind=np.kind):
            return True
        # "a letter of intent", "the letter of the law"
        return self._word(h + 1) == "of" and bool(
            filters.by_complement(self._word(h + 3 if self._word(h + 2) == "the" else h + 2)))

    def _np_governor(self, np: NounPhrase) -> None:
        """The verb (or preposition) that governs the noun phrase."""
        s = np.s
        v, io, prep = self._governing_verb(s)
        if v is None and prep is None and self._word(s - 1) in ("and", ",") and self._np_verb is not None:
            # "a message from A and a message of greetings from B": both governed by the first verb
            prev_h, prev_v, prev_io = self._np_verb
            if prev_h < s - 1 and s - prev_h <= 30:
                v, io = prev_v, prev_io
        if v is not None:
            self._np_verb = (np.h, v, io)
        np.v, np.io, np.prep = v, io, prep
        np.verb = self._word(v) if v is not None else ""

    def _verb_rejected(self, np: NounPhrase) -> bool:
        """A tweeted message; an invitation accepted or declined (often never written), or "at the invitation of"."""
        if np.verb in ("tweeted", "posted", "broadcast", "televised"):
            return True
        if not np.invitation:
            return False
        at_the = self._word(np.s - 1) == "the" and self._word(np.s - 2) == "at"
        at_the = at_the or (self._word(np.h - 1) == "the" and self._word(np.h - 2) == "at")
        return np.verb in ("accepted", "declined", "rejected", "received") or at_the

    def _np_status(self, np: NounPhrase, mods: set[str]) -> None:
        """Denied, planned or reported, from the noun's determiner, its verb's modality and negation."""
        np.status = "denied" if "no" in np.raw_mods else "reported"
        np.presupposed = np.poss is not None or bool(mods & _DETERMINERS)
        unreal = self._unreal(np.v) if np.v is not None else None
        if unreal is not None:
            if not np.presupposed:
                np.status = unreal
            else:
                np.unreal_verb = True  # "asked Moon to deliver his message": the message exists, the delivery is a plan
        if np.v is None and not np.presupposed:
            np.status = self._unreal(np.s, noun=True) or np.status
        if np.raw_mods & P.HYPOTHETICAL_MODIFIERS or (np.v is None and self._word(np.h + 1) in ("will", "would", "shall", "'ll")):
            np.status = "planned"  # "Putin's letter will be a response to ...": not written yet

    def _np_own_slots(self, np: NounPhrase) -> None:
        """Parties the noun phrase itself names: "Kim's letter", "a letter from Kim to Moon"."""
        right = np.right
        np.via_i = right.get("via")
        if np.poss is not None:
            np.sender_i, np.explicit_sender = [np.poss], True
        elif np.ent_mods:
            np.sender_i, np.explicit_sender = [np.ent_mods[-1]], True
        if "from" in right:
            np.sender_i, np.explicit_sender = [right["from"], *right.get("from+", [])], True
        elif "of" in right and not np.sender_i:
            np.sender_i, np.explicit_sender = [right["of"]], True
        if "to" in right:
            np.recip_i = [right["to"], *right.get("to+", [])]
        elif "for" in right and not self.is_place(right["for"]):
            np.recip_i = [right["for"]]  # "a message for China" speaks to a nation, not to its leader
        elif "occasion" in right:
            np.recip_i = [right["occasion"]]

    def _np_flags(self, np: NounPhrase) -> None:
        """Strength of the evidence, definiteness and whether the noun names another letter."""
        raw = np.raw_mods
        np.strong = np.v is not None or np.explicit_sender or bool(np.recip_i)
        np.definite = np.presupposed
        # "a second letter", "another message"; "the first letter" refers back instead
        distinct_mods = raw & P.DISTINCT_MODIFIERS
        if raw & {"year", "year's", "years'"}:
            distinct_mods -= {"new"}  # "New Year's messages" are not new ones
        np.distinct = bool(distinct_mods) and (not np.definite or "another" in raw)
        if (np.invitation and not np.poss and self._word(np.s - 1) in ("is", "was")
                and self._word(np.s - 2) in ("second", "other", "latter", "one")):
            np.distinct = True  # "the first letter is on cooperation, while the second is an invitation"

    def _np_hits(self, np: NounPhrase) -> list[Hit]:
        """The hits of the noun, one per sender and recipient, unless what was read rules it out."""
        senders = [p for i in np.sender_i for p in self.group(i)]
        recips = [p for i in np.recip_i for p in self.group(i)]
        if not senders:
            thanked = self._thanks_for(np.s)
            if thanked:
                senders, recips = thanked
        kind = np.subj_np_kind or np.kind
        definite = np.definite or bool(np.subj_np_kind)
        if self._hits_rejected(np, senders, recips, kind, definite):
            return []
        via = self.who(np.via_i) if np.via_i is not None and not np.unreal_verb else None
        unnamed_carrier = (via is None and np.via_i is not None and not np.unreal_verb
                           and self.ments[self.toks[np.via_i].ent].kind == "descriptor")
        answering = (self._word(np.s - 1) == "to" and self._word(np.s - 2) in P.REPLY_VERBS | {"response", "reply"}
                     or self._word(np.s - 1) == "answering")
        reply = bool(np.right.get("reply")) or "reply" in np.raw_mods or self._word(np.h - 1) == "reply"
        dates = self._dates(np.h)
        hits = [
            Hit(self.si, sp, rp, kind, via, dates, definite=definite, distinct=np.distinct,
                reply=reply and not answering, headline=self.headline, strong=np.strong,
                place_party=any(self.is_place(i) for i in np.sender_i + np.recip_i), pos=self.toks[np.h].start,
                countries=bool(np.sender_i and np.recip_i) and all(self.is_place(i) for i in np.sender_i + np.recip_i),
                inferable=np.v is not None or "from" in np.right or "of" in np.right,
                unnamed_carrier=unnamed_carrier, status=np.status,
                in_own=np.prep in ("in", "with") and np.poss is not None, plural=np.head in _PLURAL_HEADS,
                original_of=-1 if answering else None,  # -1: filled in by _link_replies
                fallback_kind=load_frames().fallback_kinds.get(np.head))
            for sp in senders or [None] for rp in recips or [None] if sp is None or sp != rp
        ]
        return hits

    def _hits_rejected(self, np: NounPhrase, senders: list[str], recips: list[str], kind: str | None,
                       definite: bool) -> bool:
        """What the parties found rule out: a speech to a country, a cable or invitation between nobody."""
        if (np.recip_i and all(self.is_place(i) for i in np.recip_i)
                and any(self._word(k) in _SPEECH_WORDS for k in range(len(self.toks)))):
            return True  # "in his New Year's address, Kim sent a message to South Korea"
        if np.head.startswith("cable") and not (senders and recips):
            return True  # diplomatic and news cables name no writer and reader; a leader's cable names both
        if (np.invitation and not (senders and recips) and not (definite and (senders or recips))
                and not np.distinct):
            return True
        if kind is None and not np.strong and not senders:
            return True
        if load_filters().by_neighbours(self._words_out(np.h, -1), self._words_out(np.h, 1), exchange=False, kind=kind):
            return True  # "met Lavrov and conveyed his greetings to Putin": spoken at a meeting
        # "in a New Year message, Kim said": a speech
        return not recips and bool(load_filters().by_modifier(np.raw_mods, addressed=False, kind=kind))

    def _link_replies(self, hits: list[Hit]) -> None:
        originals = [h for h in hits if h.original_of == -1]
        answers = [h for h in hits if h.original_of is None and h not in originals]
        for o in originals:
            o.original_of = None
            o.answers = list(answers)
            for a in answers:
                a.reply = True
                if o.recipient is None and a.sender:
                    o.recipient = a.sender
                if a.recipient is None and a.sender and o.sender and o.sender != a.sender:
                    a.recipient = o.sender  # "Xi replied to Biden's letter": the reply went to Biden
            o.reply = False
            o.distinct = False
            o.definite = True
