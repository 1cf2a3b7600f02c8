"""The slots around a letter noun: from, to, by, through, lists of parties, relative clauses."""
from __future__ import annotations

from . import patterns as P
from .filters import load_filters
from .frames import load_frames
from .lexicon import _NOUNS_TAKING_TO, _PLURAL_TITLES, _TITLE_WORDS


class SlotsMixin:
    """Reads the parties named around a letter noun."""

    def _skip_title(self, j: int) -> int:
        """First token after the title before a name: "Ethiopian Prime Minister", "his national security adviser",
        "France's ambassador", "Liberal Democratic Party Secretary General"."""
        n = len(self.toks)
        k = j
        steps = 0
        while k < n and steps < 8:
            t = self.toks[k]
            if t.kind == "P":
                if t.text == "." and k > j:
                    k += 1
                    continue
                break
            if t.kind == "E":
                m = self.ments[t.ent]
                # a possessive before a role: "his envoy Kim", "France's ambassador Anne Boillon",
                # "his Chinese counterpart, Xi Jinping"
                if (m.kind == "pronoun" and m.possessive) or (t.poss and m.kind == "place"):
                    q = k + 1
                    while q < n and q - k <= 4 and (
                            (self.toks[q].kind == "W" and (self._word(q) in _TITLE_WORDS
                                                           or self.doc.text[self.toks[q].start].isupper()))
                            or (self.toks[q].kind == "E" and self._word(q + 1) in _TITLE_WORDS)):
                        q += 1  # "his Ivorian counterpart": an adjective read as a name is part of the title
                    if q > k + 1 and self._word(q) == "," and q + 1 < n and self.toks[q + 1].kind == "E":
                        q += 1
                    if q < n and self.toks[q].kind == "E" and self.ments[self.toks[q].ent].kind != "pronoun":
                        return q
                break
            w = t.text
            if w == "of" and k > j and self._word(k - 1) in _PLURAL_TITLES and k + 1 < n and self.is_place(k + 1):
                return k + 1  # "to the leaders of Bahrain, Egypt and Jordan"
            if (w in ("the", "a", "an", "u", "s") or w in _TITLE_WORDS or w in _PLURAL_TITLES or self.doc.text[t.start].isupper()
                    or (w == "of" and k > j and k + 1 < n and self.toks[k + 1].kind == "W"
                        and self.doc.text[self.toks[k + 1].start].isupper())):
                k += 1
                steps += 1
                continue
            break
        if k < n and self.toks[k].kind == "E":
            return k
        return j

    def _right_slots(self, e: int) -> dict:
        """Prepositional slots after the noun at `e`: from, to, for, of, by, through."""
        out: dict = {}
        j = e + 1
        n = len(self.toks)
        prev_word = ""
        steps = 0
        comma_seen = False
        last_slot_end = -1
        while j < n and steps < 28:
            steps += 1
            t = self.toks[j]
            if t.kind == "P":
                comma_seen = comma_seen or t.text == ","
                if t.text in (";", "(") or (t.text == "," and (self._word(j + 1) in ("and", "but", "while", "who", "which") or self._word(j + 1).endswith("ing"))):
                    break
                j += 1
                continue
            if t.kind == "W":
                w = t.text
                if w in P.KIND_HEADS and j > e + 1 and not (j == e + 2 and self._word(e + 1) == "of"):
                    break
                if w in ("while", "but") or (w == "and" and j + 1 < n and self.toks[j + 1].kind == "E" and j + 2 < n and self._is_verbish(j + 2)):
                    break
                if w in ("response", "reply") and self._word(j - 1) == "in":
                    out.setdefault("reply", True)
                if w == "back" and j == e + 1:
                    out.setdefault("reply", True)
                nxt = self._skip_title(j + 1)
                if (nxt < n and self.toks[nxt].kind == "E" and w in ("from", "to", "for", "of", "by", "through", "via")
                        and self.ments[self.toks[nxt].ent].kind == "pronoun" and self.ments[self.toks[nxt].ent].possessive):
                    j = nxt + 1  # "from her brother": the party is the brother, not her
                    prev_word = w
                    continue
                if (w == "and" and nxt < n and self.toks[nxt].kind == "E" and prev_word in ("from", "to")
                        and last_slot_end == j - 1 and prev_word in out and not self._is_verbish(nxt + 1)):
                    # "greetings from Vo Van Thuong and Bashar al-Assad": one more party in the same slot
                    out.setdefault(prev_word + "+", []).append(nxt)
                    last_slot_end = nxt
                    j = nxt + 1
                    continue
                if nxt < n and self.toks[nxt].kind == "E" and w in ("from", "to", "for", "of", "by", "through", "via"):
                    ent = nxt
                    tnext = self.toks[ent]
                    if w in ("from", "to") and w not in out and not (w == "to" and (tnext.poss or prev_word in ("response", "reply") or self._word(j - 1) in _NOUNS_TAKING_TO)):
                        more = self._party_list(ent)
                        if more:
                            out[w + "+"] = more
                            last_slot_end = more[-1]
                            out[w] = ent
                            j = more[-1] + 1
                            prev_word = w
                            continue
                    if w == "from":
                        out.setdefault("from", ent)
                    elif w == "to" and not tnext.poss:
                        if prev_word in ("response", "reply") or self._word(j - 1) in _NOUNS_TAKING_TO:
                            pass  # "after his visit to Laos": the place belongs to the visit
                        else:
                            out.setdefault("to", ent)
                    elif w == "for":
                        if self._word(ent + 1) == "to" and self._word(ent + 2) in P.DELIVER_VERBS:
                            out.setdefault("via", ent)
                        elif not tnext.poss:
                            out.setdefault("for", ent)
                    elif w == "of" and j == e + 1:
                        out.setdefault("of", ent)
                    elif w == "by":
                        out.setdefault("by", ent)
                        back = j - 1
                        while back > e and (self._word(back) in P.AUXILIARIES or self.toks[back].kind == "P"):
                            back -= 1
                        pw = self._word(back)
                        if pw in P.AUTHOR_PARTICIPLES or (back == e and self._principal(ent)):
                            out.setdefault("from", ent)  # "a letter by Prime Minister Koizumi": its writer
                        elif pw in P.DELIVER_PARTICIPLES or back == e:
                            out.setdefault("via", ent)
                        else:
                            # "hand-delivered to North Korean officials in Pyongyang by envoy Hill"
                            for k in range(e + 1, j):
                                if self._word(k) in P.DELIVER_PARTICIPLES:
                                    out.setdefault("via", ent)
                                    break
                    elif w in ("through", "via"):
                        out.setdefault("via", ent)
                    j = ent + 1
                    prev_word = w
                    last_slot_end = ent
                    continue
                if w in ("that", "which") and j + 2 < n and self.toks[j + 1].kind == "E":
                    verb = self._word(j + 2)
                    if verb in P.RECEIVE_VERBS:
                        out.setdefault("to", j + 1)
                    elif verb in P.SEND_VERBS:
                        out.setdefault("from", j + 1)
                if w == "addressed" and self._word(j + 1) == "to" and j + 2 < n and self.toks[j + 2].kind == "E":
                    out.setdefault("to", j + 2)
                if w in ("on", "via", "through") and self._word(j + 1) in load_filters().platform_words and not comma_seen:
                    out["platform"] = True  # "posted a message on Twitter", not "..., the minister said on Twitter"
                prev_word = w
                j += 1
                continue
            # an entity not introduced by a preposition starts another clause
            if j > e + 1 and self._is_verbish(j + 1) and self._word(j - 1) not in ("that", "which"):
                break
            j += 1
        return out

    def _relative_clause(self, h: int, right: dict) -> None:
        """ "the letter Obama wrote to Trump", "a letter he received from Xi": the relative clause's
        subject fills the role its verb's frame gives a subject."""
        k = h + 1
        if self._word(k) in ("that", "which"):
            k += 1
        if k >= len(self.toks) or self.toks[k].kind != "E" or self.toks[k].poss:
            return
        v = k + 1
        while self._word(v) in ("had", "has", "have", "just", "also", "recently", "earlier", "personally"):
            v += 1
        frame = load_frames().by_form.get(self._word(v))
        if frame is None or self._word(v - 1) in ("was", "were", "been"):
            return
        role = frame.role("subject", passive=False)
        if role == "sender":
            right.setdefault("from", k)
        elif role == "recipient":
            right.setdefault("to", k)

    def _party_list(self, first: int) -> list[int]:
        """Further parties listed after the one at `first`: "from A of Oman, B, C, and D"."""
        out: list[int] = []
        k = first + 1
        n = len(self.toks)
        while k < n:
            if self._word(k) == "of":
                q = k + 1  # "Sultan Haitham of Oman", "Xi of the People's Republic": the country belongs to the name
                while q < n and q - k <= 6 and (self.is_place(q) or self._word(q) in ("the", "of")
                                                 or (self.toks[q].kind == "W" and self.doc.text[self.toks[q].start].isupper())):
                    q += 1
                if q == k + 1:
                    break
                k = q
                continue
            sep = k
            while sep < n and self._word(sep) in (",", "and"):
                sep += 1
            if sep == k:
                break
            nxt = self._skip_title(sep)
            if (nxt >= n or self.toks[nxt].kind != "E" or self.toks[nxt].poss
                    or (self.is_place(nxt) and not self.is_place(first))):
                break
            if self.ments[self.toks[nxt].ent].kind == "pronoun":
                break
            if nxt + 1 < n and self.toks[nxt + 1].kind == "E" and not self.toks[nxt].poss:
                nxt += 1  # "Sri Lankan" + "Chandrika Kumaratunga": the first is an adjective
            elif self._word(nxt + 1) in _TITLE_WORDS:
                named = self._skip_title(nxt + 1)  # "Sri Lankan President Kumaratunga": an adjective read as a name
                if named != nxt + 1:
                    nxt = named
            after = self._word(nxt + 1) if nxt + 1 < n else ""
            if nxt + 1 < n and self.toks[nxt + 1].kind == "W" and after not in ("and", "of", "on", "in", "for", "to"):
                break  # "..., President Hu offered condolences": the subject of the clause, not one more addressee
            out.append(nxt)
            k = nxt + 1
        return out

    def _entity_after_clause(self, h: int) -> int | None:
        """ "In a letter to Moon, Kim said": the subject after the introductory phrase."""
        # "In the letter, sent on Wednesday, Gaddafi urged": past an aside to the next comma
        commas = 0
        for k in range(h + 1, min(len(self.toks), h + 25)):
            if self.toks[k].kind == "P" and self.toks[k].text == ",":
                commas += 1
                for q in range(k + 1, min(len(self.toks), k + 4)):
                    if self.toks[q].kind == "E" and not self._prep_before(q):
                        return q
                if commas == 2 or any(self.toks[q].kind == "E" for q in range(k + 1, min(len(self.toks), k + 4))):
                    return None
        return None
