"""The slots around a letter noun: from, to, by, through, lists of parties, relative clauses."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import patterns as P
from .filters import load_filters
from .frames import load_frames
from .lexicon import _NOUNS_TAKING_TO, _PLURAL_TITLES, _TITLE_WORDS, words

_OCCASIONS = words("occasions")
_SLOT_WORDS = frozenset(("from", "to", "for", "of", "by", "through", "via"))


@dataclass(slots=True)
class _Scan:
    """Where the reading of the slots after a letter noun has got to."""

    e: int  # the noun
    j: int = -1
    out: dict = field(default_factory=dict)
    prev_word: str = ""
    comma_seen: bool = False
    last_slot_end: int = -1

    def __post_init__(self) -> None:
        self.j = self.e + 1


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
            if w == "to" and k > j and self._word(k - 1) in ("ambassador", "envoy", "representative"):
                k += 1  # "by Chinese ambassador to Russia Liu Guchang"
                steps += 1
                continue
            if w == "of" and k > j and self._word(k - 1) in _PLURAL_TITLES and k + 1 < n and self.is_place(k + 1):
                return k + 1  # "to the leaders of Bahrain, Egypt and Jordan"
            if (w in ("the", "a", "an", "u", "s") or w in _TITLE_WORDS or w in _PLURAL_TITLES or self.doc.text[t.start].isupper()
                    or (w == "of" and k > j and self._of_title(k))):
                k += 1
                steps += 1
                continue
            break
        if k < n and self.toks[k].kind == "E":
            return k
        if k > j and self._word(k - 1) in _TITLE_WORDS and self._word(k) == ",":
            # "through the Ivorian Energy Minister, Mr. Kouadio Komoe": the name after the title
            q = k + 1 + (self._word(k + 1) in ("mr", "mrs", "ms", "dr"))
            q += self._word(q) == "."
            if q < n and self.toks[q].kind == "E" and self.ments[self.toks[q].ent].kind != "pronoun":
                return q
        return j

    def _of_title(self, k: int) -> bool:
        """Whether "of" at `k` continues a title: "President of the Republic of Tajikistan"."""
        q = k + 1 + (self._word(k + 1) == "the")
        if q >= len(self.toks):
            return False
        if self.toks[q].kind == "W":
            return self.doc.text[self.toks[q].start].isupper()
        return self.is_place(q) and self._word(k - 1) in _TITLE_WORDS | {"republic", "kingdom", "state", "emirates"}

    def _right_slots(self, e: int) -> dict:
        """Prepositional slots after the noun at `e`: from, to, for, of, by, through (and lists of parties)."""
        scan = _Scan(e)
        n = len(self.toks)
        steps = 0
        while scan.j < n and steps < 28:
            steps += 1
            t = self.toks[scan.j]
            if t.kind == "P":
                if self._slot_punct(scan):
                    break
            elif t.kind == "W":
                if self._slot_word(scan):
                    break
                continue
            # an entity not introduced by a preposition starts another clause
            elif scan.j > e + 1 and self._is_verbish(scan.j + 1) and self._word(scan.j - 1) not in ("that", "which"):
                break
            scan.j += 1
        return scan.out

    def _slot_punct(self, scan: _Scan) -> bool:
        """Punctuation: a semicolon, a bracket or a comma before a new clause ends the slots."""
        text = self.toks[scan.j].text
        scan.comma_seen = scan.comma_seen or text == ","
        nxt = self._word(scan.j + 1)
        return text in (";", "(") or (text == "," and (nxt in ("and", "but", "while", "who", "which") or nxt.endswith("ing")))

    def _slot_word(self, scan: _Scan) -> bool:
        """One word after the noun; True when it ends the slots. Advances the scan."""
        j, e, n = scan.j, scan.e, len(self.toks)
        w = self.toks[j].text
        if w in P.KIND_HEADS and j > e + 1 and not (j == e + 2 and self._word(e + 1) == "of"):
            return True
        if w in ("while", "but") or (w == "and" and j + 2 < n and self.toks[j + 1].kind == "E" and self._is_verbish(j + 2)):
            return True
        if j > e + 1 and w.endswith("ing") and w not in P.PREPOSITIONS and self.toks[j - 1].kind == "E":
            return True  # "a message from Sisi inviting him to Cairo": a new clause, not the address
        if (w in ("response", "reply") and self._word(j - 1) == "in") or (w == "back" and j == e + 1):
            scan.out.setdefault("reply", True)
        nxt = self._skip_title(j + 1)
        party = nxt < n and self.toks[nxt].kind == "E"
        if party and w in _SLOT_WORDS and self.ments[self.toks[nxt].ent].kind == "pronoun" and self.ments[self.toks[nxt].ent].possessive:
            scan.j, scan.prev_word = nxt + 1, w  # "from her brother": the party is the brother, not her
            return False
        if (party and w == "and" and scan.prev_word in ("from", "to") and scan.last_slot_end == j - 1
                and scan.prev_word in scan.out and not self._is_verbish(nxt + 1)):
            # "greetings from Vo Van Thuong and Bashar al-Assad": one more party in the same slot
            scan.out.setdefault(scan.prev_word + "+", []).append(nxt)
            scan.last_slot_end = scan.j = nxt
            scan.j += 1
            return False
        if party and w in _SLOT_WORDS:
            self._slot_party(scan, w, nxt)
            return False
        self._slot_other(scan, w)
        scan.prev_word = w
        scan.j += 1
        return False

    def _slot_other(self, scan: _Scan, w: str) -> None:
        """Words that name a party without a preposition: "a letter that Kim received", "addressed to"."""
        j, n, out = scan.j, len(self.toks), scan.out
        if w in ("that", "which") and j + 2 < n and self.toks[j + 1].kind == "E":
            verb = self._word(j + 2)
            if verb in P.RECEIVE_VERBS:
                out.setdefault("to", j + 1)
            elif verb in P.SEND_VERBS:
                out.setdefault("from", j + 1)
        if w == "addressed" and self._word(j + 1) == "to" and "to" not in out:
            ent = self._skip_title(j + 2)  # "also addressed to Vice President Sheikh Mohammed and ..."
            if ent < n and self.toks[ent].kind == "E":
                out["to"] = ent
                out["to+"] = self._party_list(ent)
        if (w in ("on", "over") and j + 2 < n and self.toks[j + 1].kind == "E" and self.toks[j + 1].poss
                and self._word(j + 2) in _OCCASIONS):
            out.setdefault("occasion", j + 1)  # "messages on Xi's election": the one congratulated
        if w in ("on", "via", "through") and self._word(j + 1) in load_filters().platform_words and not scan.comma_seen:
            out["platform"] = True  # "posted a message on Twitter", not "..., the minister said on Twitter"

    def _slot_party(self, scan: _Scan, w: str, ent: int) -> None:
        """A party after a preposition: the slot it fills, with any list of parties that follows."""
        ent = self._apposed_name(ent)
        j, out, tnext = scan.j, scan.out, self.toks[ent]
        owned_to = w == "to" and (tnext.poss or scan.prev_word in ("response", "reply")
                                  or self._word(j - 1) in _NOUNS_TAKING_TO)  # "after his visit to Laos"
        more = self._party_list(ent) if w in ("from", "to") and w not in out and not owned_to else []
        if more:
            out[w], out[w + "+"] = ent, more
            scan.last_slot_end = more[-1]
            scan.j, scan.prev_word = more[-1] + 1, w
            return
        if w == "from" or (w == "to" and not owned_to):
            out.setdefault(w, ent)
        elif w == "for":
            if self._word(ent + 1) == "to" and self._word(ent + 2) in P.DELIVER_VERBS:
                out.setdefault("via", ent)  # "a letter for Kim to deliver"
            elif not tnext.poss:
                out.setdefault("for", ent)
        elif w == "of" and j == scan.e + 1:
            out.setdefault("of", ent)
        elif w == "by":
            self._by_slot(scan, ent)
        elif w in ("through", "via"):
            out.setdefault("via", ent)
        scan.j, scan.prev_word, scan.last_slot_end = ent + 1, w, ent

    def _apposed_name(self, ent: int) -> int:
        """ "to the first secretary of the Party (PCC), Raul Castro,": the name set beside a title."""
        if self.ments[self.toks[ent].ent].kind != "title":
            return ent
        k = ent + 1
        if self._word(k) == "(":
            k = next((q + 1 for q in range(k, min(len(self.toks), k + 6)) if self._word(q) == ")"), k)
        n = len(self.toks)
        if (self._word(k) == "," and k + 2 < n and self.toks[k + 1].kind == "E" and self._word(k + 2) == ","
                and self.ments[self.toks[k + 1].ent].kind in ("name", "generic", "short")):
            return k + 1
        return ent

    def _by_slot(self, scan: _Scan, ent: int) -> None:
        """ "by X": the writer after "signed", "written" or of a leader's letter; else the carrier."""
        e, j, out = scan.e, scan.j, scan.out
        out.setdefault("by", ent)
        back = j - 1
        while back > e and (self._word(back) in P.AUXILIARIES or self.toks[back].kind == "P"):
            back -= 1
        # the participle the by-phrase belongs to: "a reply sent on April 12 by Kim", "hand-delivered to
        # North Korean officials in Pyongyang by envoy Hill"
        pw = next((self._word(k) for k in range(j - 1, e, -1)
                   if self._word(k) in P.AUTHOR_PARTICIPLES or self._word(k) in P.DELIVER_PARTICIPLES), "")
        if pw == "signed":
            out.setdefault("signed_by", ent)  # a cardinal or minister may sign for the one who sends it
        elif pw in P.AUTHOR_PARTICIPLES or (back == e and self._principal(ent)):
            out.setdefault("from", ent)  # "a letter by Prime Minister Koizumi": its writer
        elif pw in P.DELIVER_PARTICIPLES or back == e:
            out.setdefault("via", ent)

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
        obj = v + 1 if v + 1 < len(self.toks) and self.toks[v + 1].kind == "E" else None
        if obj is not None and frame.role("object", passive=False) == "recipient":
            right.setdefault("rel_to", obj)  # "the letter Trump left him": unless the clause around names one
        if role == "via":
            right.setdefault("via", k)  # "Obama's message that Donilon brought to Moscow"
        if role == "sender":
            right.setdefault("from", k)
        elif role == "recipient":
            right.setdefault("to", k)

    def _past_apposition(self, k: int) -> int:
        """ "A, general secretary of the Central Committee of the Party, and B": the comma after the title."""
        if self._word(k) != "," or self._word(k + 1) not in _TITLE_WORDS:
            return k
        close = next((q for q in range(k + 2, min(len(self.toks), k + 18)) if self._word(q) == ","), None)
        return close if close is not None and self._word(close + 1) == "and" else k

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
            k = self._past_apposition(k)
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
