"""Verb frames applied: sending, delivering, receiving, exchanging, writing, replying."""
from __future__ import annotations

from . import patterns as P
from .frames import Frame
from .lexicon import _TITLE_WORDS, words
from .records import Hit


_SPOKEN_OR_POSTED = words("spoken_or_posted")
_ENVOYS = frozenset(("envoy", "emissary", "representative", "ambassador", "messenger"))


class VerbsMixin:
    """Fills a letter's roles from the verb that governs it, as the frames table maps them."""

    def _exchange_people(self, subj: list[int], h: int) -> list[str]:
        """The two sides of "A exchanged letters with B", "A and B exchanged", "exchanges between A and B"."""
        people = [p for i in subj for p in self.group(i)]
        if len(people) == 1:
            w_i = self._find_after(h, "with")
            if w_i is not None:
                people += self.group(w_i)
        if len(people) < 2:
            b_i = self._find_after(h, "between")
            if b_i is not None:
                people = self.group(b_i) + (self.group(b_i + 2) if self._word(b_i + 1) == "and" else [])
        return people

    def _verb_roles(self, frame: Frame, v: int, h: int, subj: list[int], io: int | None, right: dict,
                    explicit_sender: bool, slots: tuple[list[int], list[int], int | None]
                    ) -> tuple[list[int], list[int], int | None]:
        """Fill sender, recipient and carrier from the verb governing the letter noun, as its frame maps
        the verb's subject and object by voice; slots the noun phrase already named are kept."""
        sender_i, recip_i, via_i = slots
        passive = self._word(v - 1) in ("was", "were", "been", "being")
        if io is not None and frame.role("object", passive) == "recipient" and not recip_i:
            recip_i = [io]
        by_role = frame.role("by", passive) if passive and "by" in right else None
        if by_role == "sender" and not explicit_sender:
            sender_i = [right["by"]]  # "Xi was sent a letter by Kim"
            via_i = None if via_i == right["by"] else via_i
        role = frame.role("subject", passive)
        if role is None or not subj:
            return sender_i, recip_i, via_i
        if passive and role == "recipient" and "to" in right and self._to_pass(h):
            role = "via"  # "he was given a message to pass to North Korea": the receiver is a go-between
        if not passive and frame.subject_unless_leader and not explicit_sender:
            # "the envoy delivered a letter to Kim" carries it; "Kim delivered a letter" sends it
            role = frame.subject_if_leader if self._principal(subj[0]) else frame.subject_unless_leader
        if role == "sender" and sender_i:
            if not explicit_sender or self.who(subj[0]) in {p for i in sender_i for p in self.group(i)}:
                return sender_i, recip_i, via_i
            role = "via"  # "Chung sent Moon's letter on": whoever sends another's letter carries it
        if role == "via" and not sender_i:
            sender_i = self._envoy_of(subj[0], v)  # "Shoigu, the special envoy of Putin, handed over a letter"
        if role == "sender":
            sender_i = subj
        elif role == "recipient" and not recip_i:
            recip_i = subj
        elif role == "via" and via_i is None:
            via_i = subj[0]
        before = self._word(subj[0] - 1) if subj[0] > 0 else ""
        met = before in P.RECEIVE_VERBS or before == "met" or (before == "with" and self._word(subj[0] - 2) in ("meeting", "talks"))
        if role == "via" and not recip_i and met and self.subject_idx is not None and self.subject_idx < subj[0]:
            # "Sisi received Sheikh Mohammed, who delivered a message from Tamim": Sisi is its addressee
            recip_i = [self.subject_idx]
        return sender_i, recip_i, via_i

    def _envoy_of(self, carrier: int, v: int) -> list[int]:
        """The leader whose envoy the carrier is: "Shoigu, the special envoy of Putin,", "Putin's envoy Shoigu"."""
        for k in range(carrier + 1, v - 1):
            t = self.toks[k]
            envoy = self._word(k) in _ENVOYS or (
                t.kind == "E" and self.ments[t.ent].kind == "descriptor" and t.text.lower().split()[-1] in _ENVOYS)
            if envoy and self._word(k + 1) == "of" and self.toks[k + 2].kind == "E":
                return [k + 2]
        k = carrier - 1
        while k >= 0 and self.toks[k].kind == "W" and (self._word(k) in _TITLE_WORDS or self._word(k) in _ENVOYS):
            k -= 1
        if k >= 0 and k < carrier - 1 and self.toks[k].kind == "E" and self.toks[k].poss:
            return [k]
        return []

    def _exchange_hits(self, people: list[str], kind: str | None, h: int, definite: bool, distinct: bool,
                       status: str = "reported") -> list[Hit]:
        people = [p for p in dict.fromkeys(people) if p]
        if len(people) != 2:
            return []
        a, b = people
        pos = self.toks[h].start
        dates = self._dates(h)
        return [
            Hit(self.si, a, b, kind, None, dates, definite=definite, distinct=distinct, headline=self.headline, pos=pos,
                status=status),
            Hit(self.si, b, a, kind, None, dates, definite=definite, distinct=distinct, headline=self.headline, pos=pos,
                status=status),
        ]

    def _write_to(self, v: int) -> list[Hit]:
        status = self._unreal(v) or "reported"
        nxt = v + 1
        while nxt < len(self.toks) and self._word(nxt) in ("back", "personally", "directly", "again", "also"):
            nxt += 1
        recip = None
        after_to = self._skip_title(nxt + 1) if self._word(nxt) == "to" else nxt + 1
        if self._word(nxt) == "to" and after_to < len(self.toks) and self.toks[after_to].kind == "E":
            recip = after_to
        elif nxt < len(self.toks) and self.toks[nxt].kind == "E" and (self.headline or self._word(nxt + 1) in (",", "and", "on", "in", "last", "this", "")) and not self.toks[nxt].poss:
            recip = nxt  # "Trump wrote Kim" (American usage, headlines)
        if recip is None:
            return []
        subj = self._subject(v)
        if not subj or subj[0] < 0:
            return []
        senders = [p for i in subj for p in self.group(i)]
        rec = self.who(recip)
        pos = self.toks[v].start
        reply = self._word(v + 1) == "back"
        return [Hit(self.si, s, rec, None, None, self._dates(v), headline=self.headline, pos=pos, reply=reply, status=status)
                for s in senders if s and rec and s != rec]

    def _reply_verb(self, v: int) -> list[Hit]:
        if self._modal_or_negated(v) or self._word(v + 1) in P.KIND_HEADS or self._word(v - 1) in ("a", "an", "the", "his", "her", "in"):
            return []
        subj = self._subject(v)
        if not subj or subj[0] < 0:
            return []
        sender = self.who(subj[-1])
        recip = None
        if self._word(v + 1) == "to" and v + 2 < len(self.toks) and self.toks[v + 2].kind == "E":
            recip = self.who(v + 2)
        if not sender:
            return []
        return [Hit(self.si, sender, recip, None, None, self._dates(v), reply=True, headline=self.headline,
                    strong=False, weak=True, pos=self.toks[v].start)]

    def _congratulate(self, v: int) -> list[Hit]:
        if self._modal_or_negated(v) or v + 1 >= len(self.toks) or self.toks[v + 1].kind != "E":
            return []
        if any(t.kind == "W" and t.text in _SPOKEN_OR_POSTED and self._word(k + 1) not in ("for", "on", "upon")
               for k, t in enumerate(self.toks)):
            return []  # "Modi in a Twitter post congratulated Sharif", not "congratulated him and called for talks"
        subj = self._subject(v)
        if not subj or subj[0] < 0:
            return []
        sender, recip = self.who(subj[-1]), self.who(v + 1)
        if not sender or not recip or sender == recip:
            return []
        return [Hit(self.si, sender, recip, None, None, self._dates(v), headline=self.headline, strong=False,
                    weak=True, pos=self.toks[v].start)]
