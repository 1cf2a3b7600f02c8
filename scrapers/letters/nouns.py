"""Letter nouns: each mention of a letter, message or telegram and the frame that fills its roles."""
from __future__ import annotations

from . import patterns as P
from .filters import load_filters
from .frames import load_frames
from .lexicon import (
    _CABLE_NOT_MAIL,
    _CLAUSE_VERBS,
    _PLURAL_HEADS,
    _SPEECH_WORDS,
    _THANKS,
)
from .records import Hit


class NounsMixin:
    """Finds the letters a sentence's letter nouns report."""

    def read(self) -> list[Hit]:
        hits: list[Hit] = []
        toks = self.toks
        consumed: set[int] = set()
        for h, t in enumerate(toks):
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
        return hits

    def _reply_phrase(self, h: int) -> bool:
        """ "in reply", "a reply message", "reply to his letter": "reply" that names no letter of its own."""
        if self.toks[h].text not in ("reply", "replies"):
            return False
        nxt = self._word(h + 1)
        return self._word(h - 1) in ("in", "no", "") or nxt in P.KIND_HEADS or nxt in ("that", ",", ".")

    def _noun_follows(self, v: int) -> bool:
        for k in range(v + 1, min(len(self.toks), v + 7)):
            w = self._word(k)
            if w in P.KIND_HEADS:
                return True
            if w in (".", ",", ";") or (self.toks[k].kind == "W" and w in ("to", "that", "about")):
                return False
        return False

    def _noun_trigger(self, h: int, consumed: set[int]) -> list[Hit]:
        toks = self.toks
        head = toks[h].text
        kind = P.KIND_HEADS[head]
        s, poss, ent_mods, mods = self._np_left(h)
        # "message of greetings": the first noun names the kind
        if self._word(h + 1) == "of" and self._word(h + 2) in P.KIND_HEADS:
            consumed.add(h + 2)
        if head in ("note", "notes"):
            if not (mods or poss is not None or ent_mods) or self._word(s - 1) == "on":
                return []
            if self._word(h + 1) in ("that", "how"):
                return []
        if head.startswith("greeting") and self._word(h - 1) in ("season's",):
            return []
        if head.startswith("cable") and (self._word(h + 1) in _CABLE_NOT_MAIL or self._word(h - 1) in _CABLE_NOT_MAIL):
            return []
        raw_mods = {m.strip("\"'") for m in mods}
        filters = load_filters()
        if filters.by_modifier(raw_mods, addressed=True, kind=kind):
            return []
        if self._word(h + 1) == "of" and filters.by_complement(self._word(h + 3 if self._word(h + 2) == "the" else h + 2)):
            return []  # "a letter of intent", "the letter of the law"
        status = "denied" if "no" in raw_mods else "reported"
        v, io, prep = self._governing_verb(s)
        if v is None and prep is None and self._word(s - 1) in ("and", ",") and self._np_verb is not None:
            # "a message from A and a message of greetings from B": both governed by the first verb
            prev_h, prev_v, prev_io = self._np_verb
            if prev_h < s - 1 and s - prev_h <= 30:
                v, io = prev_v, prev_io
        if v is not None:
            self._np_verb = (h, v, io)
        verb = self._word(v) if v is not None else ""
        if verb in ("tweeted", "posted", "broadcast", "televised"):
            return []
        if head.startswith("invitation") and (verb in ("accepted", "declined", "rejected", "received") or self._word(s - 1) == "the" and self._word(s - 2) == "at"):
            return []
        if self._word(h - 1) == "the" and self._word(h - 2) == "at" and head.startswith("invitation"):
            return []
        hypothetical = bool(raw_mods & P.HYPOTHETICAL_MODIFIERS)
        presupposed = poss is not None or bool(mods & {"the", "this", "that", "these", "those", "its"})
        unreal_verb = False
        unreal = self._unreal(v) if v is not None else None
        if unreal is not None:
            if not presupposed:
                status = unreal
            else:
                unreal_verb = True  # "asked Moon to deliver his message": the message exists, the delivery is a plan
        if v is None and not presupposed:
            status = self._unreal(s, noun=True) or status
        if hypothetical or (v is None and self._word(h + 1) in ("will", "would", "shall", "'ll")):
            status = "planned"  # "Putin's letter will be a response to ...": not written yet
        right = self._right_slots(h)
        self._relative_clause(h, right)
        if right.get("platform"):
            return []
        sender_i: list[int] = []
        recip_i: list[int] = []
        via_i: int | None = right.get("via")
        explicit_sender = False
        if poss is not None:
            sender_i = [poss]
            explicit_sender = True
        elif ent_mods:
            sender_i = [ent_mods[-1]]
            explicit_sender = True
        if "from" in right:
            sender_i = [right["from"]] + right.get("from+", [])
            explicit_sender = True
        elif "of" in right and not sender_i:
            sender_i = [right["of"]]
            explicit_sender = True
        if "to" in right:
            recip_i = [right["to"]] + right.get("to+", [])
        elif "for" in right and not head.startswith("invitation"):
            recip_i = [right["for"]]
        elif "for" in right and head.startswith("invitation"):
            recip_i = [right["for"]]
        strong = v is not None or explicit_sender or bool(recip_i)
        reply = bool(right.get("reply")) or "reply" in raw_mods or self._word(h - 1) == "reply"
        definite = presupposed
        # "a second letter", "another message"; "the first letter" refers back instead
        distinct_mods = raw_mods & P.DISTINCT_MODIFIERS
        if raw_mods & {"year", "year's", "years'"}:
            distinct_mods -= {"new"}  # "New Year's messages" are not new ones
        distinct = bool(distinct_mods) and (not definite or "another" in raw_mods)
        if head.startswith("invitation") and not poss and self._word(s - 1) in ("is", "was") and self._word(s - 2) in ("second", "other", "latter", "one"):
            distinct = True  # "the first letter is on cooperation, while the second is an invitation"
        subj_np_kind = None
        if v is not None:
            subj = self._subject(v, allow_prep=self._word(v - 1) == "for")
            if subj and subj[0] < 0:
                subj_np_kind = P.KIND_HEADS.get(self.toks[-1 - subj[0]].text)
                subj = []
            frame = load_frames().by_form[verb]
            if frame.role("with", False) == "party":
                if filters.by_neighbours(self._words_out(h, -1), self._words_out(h, 1), exchange=True):
                    return []  # "exchanged greetings during a phone call"
                return self._exchange_hits(self._exchange_people(subj, h), kind, h, definite, distinct, status)
            sender_i, recip_i, via_i = self._verb_roles(frame, v, h, subj, io, right, explicit_sender,
                                                        (sender_i, recip_i, via_i))
        elif prep in ("in", "with"):
            inst = s - 1
            subj = self._subject(inst)
            if subj and subj[0] >= 0:
                if not sender_i:
                    sender_i = subj
                if not recip_i:
                    obj = self._object_between(subj[-1], inst)
                    if obj is not None:
                        recip_i = [obj]
            elif not sender_i:
                listed = [right[k] for k in ("to", "from") if k in right] + right.get("to+", []) + right.get("from+", [])
                after = self._entity_after_clause(max([h] + listed))
                if after is not None:
                    sender_i = [after]
                    if not recip_i:
                        obj = self._object_between(after, min(len(self.toks), after + 6))
                        if obj is not None:
                            recip_i = [obj]
            strong = True
        elif (prep is None and explicit_sender and not recip_i and sender_i and self.toks[s - 1].kind == "W"
              and not head.startswith("invitation")  # accepted, declined or turned down: often never written
              and self._word(s - 1) not in _CLAUSE_VERBS and self._word(s - 1) not in P.REPORT_VERBS
              and self._word(s - 1) not in P.PREPOSITIONS):
            # "Erdogan threw a letter from Trump into the bin": a leader holding another's letter received it
            subj = self._subject(s)
            if subj and subj[0] >= 0 and self._principal(subj[0]) and self.who(subj[0]) != self.who(sender_i[0]):
                recip_i = subj[:1]
        elif prep == "to" and self._word(s - 2) in P.REPLY_VERBS:
            # "Xi replied to a letter from Biden": the one replying received the letter
            subj = self._subject(s - 2)
            if subj and subj[0] >= 0 and not recip_i:
                recip_i = subj[:1]
        elif prep == "to" and self._word(s - 2) in ("response", "reply"):
            # "in response to Xi's message": the earlier letter of a pair
            pass
        elif prep == "for":
            # "Biden thanked Xi for his letter": the one thanking received it, the one thanked wrote it
            t = next((k for k in range(s - 2, max(-1, s - 10), -1) if self._word(k) in _THANKS), None)
            if t is not None:
                subj = self._subject(t)
                if subj and subj[0] >= 0 and not recip_i:
                    recip_i = subj[:1]
                thanked = next((k for k in range(t + 1, s - 1) if self.toks[k].kind == "E"), None)
                if thanked is not None and not explicit_sender:
                    sender_i = [thanked]
        # a passive verb after the noun: "a letter was handed to Moon", "the letter was received"
        if v is None:
            pv = self._passive_after(h)
            if pv is not None:
                strong = True
                pverb = self._word(pv)
                if pverb in P.RECEIVE_VERBS and not recip_i:
                    rb = self._find_after(pv, "by")
                    if rb is not None:
                        recip_i = [rb]
        senders = [p for i in sender_i for p in self.group(i)] if sender_i else []
        recips = [p for i in recip_i for p in self.group(i)] if recip_i else []
        if not senders and self._thanks_for(s):
            senders, recips = self._thanks_for(s)
        via = self.who(via_i) if via_i is not None and not unreal_verb else None
        unnamed_carrier = (via is None and via_i is not None and not unreal_verb
                           and self.ments[self.toks[via_i].ent].kind == "descriptor")
        place_party = any(self.is_place(i) for i in sender_i + recip_i)
        if recip_i and all(self.is_place(i) for i in recip_i) and any(self._word(k) in _SPEECH_WORDS for k in range(len(self.toks))):
            return []  # "in his New Year's address, Kim sent a message to South Korea"
        hits: list[Hit] = []
        kind_out = kind
        if subj_np_kind:
            kind_out = subj_np_kind
            definite = True
        if head.startswith("cable") and not (senders and recips):
            return []  # diplomatic and news cables name no writer and reader; a leader's cable names both
        if head.startswith("invitation") and not (senders and recips):
            if not (definite and (senders or recips)) and not distinct:
                return []
        if kind_out is None and not strong and not senders:
            return []
        if not recips and filters.by_modifier(raw_mods, addressed=False, kind=kind_out):
            return []  # "in a New Year message, Kim said": a speech
        pos = self.toks[h].start
        for sp in senders or [None]:
            for rp in recips or [None]:
                if sp is not None and sp == rp:
                    continue
                hits.append(Hit(
                    self.si, sp, rp, kind_out, via, self._dates(h), definite=definite, distinct=distinct,
                    reply=reply, headline=self.headline, strong=strong, place_party=place_party, pos=pos,
                    inferable=v is not None or "from" in right or "of" in right, unnamed_carrier=unnamed_carrier,
                    status=status, in_own=prep in ("in", "with") and poss is not None,
                    plural=head in _PLURAL_HEADS,
                ))
        for hit in hits:
            hit.original_of = None
        if (self._word(s - 1) == "to" and self._word(s - 2) in P.REPLY_VERBS | {"response", "reply"}
                or self._word(s - 1) in ("answering",)):
            for hit in hits:
                hit.reply = False
                hit.original_of = -1  # filled in by _link_replies
        return hits

    def _thanks_for(self, s: int) -> tuple[list[str], list[str]] | None:
        """ "X expressed thanks to Y for sending a message": Y sent it to X."""
        j = s - 1
        while j >= 0 and self._word(j) in P.AUXILIARIES | {"sending", "his", "her", "the", "a"}:
            j -= 1
        if self._word(j) != "for":
            return None
        k = j - 1
        if k >= 0 and self.toks[k].kind == "E":
            sender = self.who(k)
            for b in range(k - 1, max(-1, k - 8), -1):
                if self._word(b) in ("thanks", "thanked", "thank", "gratitude", "grateful"):
                    subj = self._subject(b)
                    if subj and subj[0] >= 0:
                        rec = self.who(subj[0])
                        if sender and rec:
                            return [sender], [rec]
            return ([sender], []) if sender else None
        return None

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
