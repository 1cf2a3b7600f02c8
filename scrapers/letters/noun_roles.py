"""The roles of a letter noun's parties from what governs it: a verb's frame, "in", "to", "for", a passive."""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import patterns as P
from .filters import load_filters
from .frames import load_frames
from .lexicon import _CLAUSE_VERBS, _THANKS
from .records import Hit

if TYPE_CHECKING:
    from .nouns import NounPhrase

__all__ = ["NounRolesMixin"]


class NounRolesMixin:
    """Fills a noun phrase's sender, recipient and carrier from the clause around it."""

    def _fill_from_verb(self, np: NounPhrase) -> list[Hit] | None:
        """Roles from the governing verb's frame; an exchange gives its two hits at once."""
        v = np.v
        subj = self._subject(v, allow_prep=self._word(v - 1) == "for")
        if subj and subj[0] < 0:
            np.subj_np_kind = P.KIND_HEADS.get(self.toks[-1 - subj[0]].text)
            subj = []
        frame = load_frames().by_form[np.verb]
        if frame.role("with", False) == "party":
            if load_filters().by_neighbours(self._words_out(np.h, -1), self._words_out(np.h, 1), exchange=True):
                return []  # "exchanged greetings during a phone call"
            hits = self._exchange_hits(self._exchange_people(subj, np.h), np.kind, np.h, np.definite, np.distinct,
                                       np.status)
            for h in hits:
                h.fallback_kind = load_frames().fallback_kinds.get(np.head)  # exchanged congratulations: messages
            return hits
        np.sender_i, np.recip_i, np.via_i = self._verb_roles(frame, v, np.h, subj, np.io, np.right, np.explicit_sender,
                                                             (np.sender_i, np.recip_i, np.via_i))
        return None

    def _fill_from_context(self, np: NounPhrase) -> None:
        """Roles from the preposition before the noun, or from who holds the letter."""
        prep = np.prep
        if prep in ("in", "with"):
            self._in_letter(np)
        elif prep is None:
            self._held_letter(np)
        elif prep == "to" and self._word(np.s - 2) in P.REPLY_VERBS:
            # "Xi replied to a letter from Biden": the one replying received the letter
            subj = self._subject(np.s - 2)
            if subj and subj[0] >= 0 and not np.recip_i:
                np.recip_i = subj[:1]
        elif prep == "for":
            self._thanked_for(np)

    def _in_letter(self, np: NounPhrase) -> None:
        """ "Kim, in a letter to Moon, said", "In his letter, Kim said": the clause's subject wrote it."""
        np.strong = True
        inst = np.s - 1
        subj = self._subject(inst)
        if (not subj or subj[0] < 0) and self._word(inst - 1).endswith("ing") and self.subject_idx is not None \
                and self.subject_idx < inst:
            subj = [self.subject_idx]  # "Petro retracted ..., acknowledging in a letter to Trump": the main subject
        if subj and subj[0] >= 0:
            if not np.sender_i:
                np.sender_i = subj
            if not np.recip_i:
                obj = self._object_between(subj[-1], inst)
                if obj is None:
                    # "Xi expressed condolences to Biden in a message"
                    obj = next((self._skip_title(k + 1) for k in range(subj[-1] + 1, inst - 1)
                                if self._word(k) == "to" and self.toks[self._skip_title(k + 1)].kind == "E"), None)
                if obj is None:
                    # "Biden, in his message, praised Scholz": the object of the verb after the aside
                    close = next((k for k in range(np.h + 1, min(len(self.toks), np.h + 12)) if self._word(k) == ","), None)
                    obj = self._object_between(close, min(len(self.toks), close + 4)) if close is not None else None
                if obj is not None:
                    np.recip_i = [obj]
            return
        if np.sender_i:
            return
        right = np.right
        listed = [right[k] for k in ("to", "from") if k in right] + right.get("to+", []) + right.get("from+", [])
        after = self._entity_after_clause(max([np.h, *listed]))
        if after is None:
            return
        np.sender_i = [after]
        if not np.recip_i:
            obj = self._object_between(after, min(len(self.toks), after + 6))
            if obj is None:
                obj = self._verb_to(after + 1)  # "In a letter dated March 3, Kim wrote to Clinton"
            if obj is not None:
                np.recip_i = [obj]

    def _verb_to(self, v: int) -> int | None:
        """The addressee after a verb whose frame maps "to" to the recipient: "wrote to Clinton"."""
        frame = load_frames().by_form.get(self._word(v))
        if frame is None or frame.role("to", False) != "recipient" or self._word(v + 1) != "to":
            return None
        k = self._skip_title(v + 2)
        return k if k < len(self.toks) and self.toks[k].kind == "E" else None

    def _held_letter(self, np: NounPhrase) -> None:
        """ "Erdogan threw a letter from Trump into the bin": a leader holding another's letter received it."""
        s = np.s
        if not (np.explicit_sender and not np.recip_i and np.sender_i and self.toks[s - 1].kind == "W"):
            return
        before = self._word(s - 1)
        if np.invitation or before in _CLAUSE_VERBS or before in P.REPORT_VERBS or before in P.PREPOSITIONS:
            return  # an invitation accepted, declined or turned down was often never written
        subj = self._subject(s)
        if subj and subj[0] >= 0 and self._principal(subj[0]) and self.who(subj[0]) != self.who(np.sender_i[0]):
            np.recip_i = subj[:1]

    def _thanked_for(self, np: NounPhrase) -> None:
        """ "Biden thanked Xi for his letter": the one thanking received it, the one thanked wrote it."""
        s = np.s
        t = next((k for k in range(s - 2, max(-1, s - 10), -1) if self._word(k) in _THANKS), None)
        if t is None:
            return
        subj = self._subject(t)
        if subj and subj[0] >= 0 and not np.recip_i:
            np.recip_i = subj[:1]
        thanked = next((k for k in range(t + 1, s - 1) if self.toks[k].kind == "E"), None)
        if thanked is not None and not np.explicit_sender:
            np.sender_i = [thanked]

    def _passive_exchange(self, np: NounPhrase) -> list[Hit] | None:
        """ "Messages were exchanged between Xi and Putin": both directions, as an exchange verb gives."""
        v = np.h + 1
        while self._word(v) in ("were", "was", "have", "had", "been", "also"):
            v += 1
        if v == np.h + 1 or self._word(v) not in P.EXCHANGE_VERBS:
            return None
        b = self._find_after(v, "between")
        if b is None:
            return None
        people = self.group(b) + (self.group(self._skip_title(b + 2)) if self._word(b + 1) == "and" else [])
        return self._exchange_hits(people, np.kind, np.h, np.definite, np.distinct, np.status)

    def _fill_from_passive(self, np: NounPhrase) -> None:
        """A passive verb after the noun: "a letter was handed to Moon", "the letter was received by Kim";
        or a verb the letter is subject of: "a letter from Petro reached Maduro"."""
        pv = self._passive_after(np.h)
        if pv is None:
            self._letter_as_subject(np)
            return
        np.strong = True
        if self._word(pv) in P.RECEIVE_VERBS and not np.recip_i:
            rb = self._find_after(pv, "by")
            if rb is not None:
                np.recip_i = [rb]

    def _letter_as_subject(self, np: NounPhrase) -> None:
        """The verb right after the noun phrase, when its frame maps slots for a letter as subject."""
        listed = [v for k, v in np.right.items() if isinstance(v, int)] + [i for k in ("to+", "from+") for i in np.right.get(k, [])]
        v = max([np.h, *listed]) + 1
        if self._word(v) == ",":  # "Putin's letter, delivered by his envoy, reached Kim"
            v = next((k + 1 for k in range(v + 1, min(len(self.toks), v + 12)) if self._word(k) == ","), v)
        frame = load_frames().by_form.get(self._word(v))
        if frame is None or not frame.letter_subject or v + 1 >= len(self.toks):
            return
        if frame.letter_subject.get("object") == "recipient" and self.toks[v + 1].kind == "E" and not np.recip_i:
            np.recip_i = [v + 1]
            np.strong = True

    def _thanks_for(self, s: int) -> tuple[list[str], list[str]] | None:
        """ "X expressed thanks to Y for sending a message": Y sent it to X."""
        j = s - 1
        while j >= 0 and self._word(j) in P.AUXILIARIES | {"sending", "his", "her", "the", "a"}:
            j -= 1
        if self._word(j) != "for":
            return None
        k = j - 1
        if k < 0 or self.toks[k].kind != "E":
            return None
        sender = self.who(k)
        for b in range(k - 1, max(-1, k - 8), -1):
            if self._word(b) in _THANKS:
                subj = self._subject(b)
                rec = self.who(subj[0]) if subj and subj[0] >= 0 else None
                if sender and rec:
                    return [sender], [rec]
        return ([sender], []) if sender else None
