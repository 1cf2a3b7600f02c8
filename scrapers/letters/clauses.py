"""A sentence's clauses: subjects, verbs, voice, negation and modality, noun phrases, dates."""
from __future__ import annotations

from . import patterns as P
from .annotate import _dateline_end, _Doc, _tokens
from .gazetteer import load_gazetteer
from .lexicon import _CLAUSE_VERBS, _PLURAL_TITLES
from .parties import counterpart_mentions, find_organisations, merged_mentions
from .records import ArticleContext


class ClauseReader:
    """The grammar of one sentence, read from its tokens: who is subject of which verb, and how."""

    def __init__(self, doc: _Doc, si: int, ctx: ArticleContext) -> None:
        self.doc = doc
        self.si = si
        self.sent = doc.sentences[si]
        found = doc.ents.in_span(self.sent.start, self.sent.end)
        extra = find_organisations(doc.text, self.sent.start, self.sent.end, doc.lowered)
        extra += counterpart_mentions(doc.text, self.sent.start, self.sent.end, found, doc.when, doc.ents.named)
        self.ments = merged_mentions(found, extra)
        self.toks = _tokens(doc, self.sent, self.ments)
        self.ctx = ctx
        self.headline = self.sent.headline or doc.in_title(self.sent.start)
        self.resolved: dict[int, str | None] = {}
        self.quoted = self._mark_quotes()
        self.dateline_end = _dateline_end(self.sent) + self.sent.start
        self._np_verb: tuple[int, int, int | None] | None = None
        self.subject_idx = self._sentence_subject()

    def _mark_quotes(self) -> list[bool]:
        quotes = [i for i, t in enumerate(self.toks) if t.kind == "P" and t.text == '"']
        if not quotes:
            return [False] * len(self.toks)  # most sentences quote nobody
        # a sentence that ends a quotation begun in an earlier sentence starts inside it
        inside = bool(len(quotes) % 2 and quotes[0] > 0 and self.toks[quotes[0] - 1].text in (",", ".", "!", "?"))
        out = []
        for t in self.toks:
            if t.kind == "P" and t.text == '"':
                inside = not inside
                out.append(False)
                continue
            out.append(inside)
        return out

    def _dateline(self, i: int) -> bool:
        """ "SEOUL, April 22 (UPI) --", "Phnom Penh, November 21, 2019 -": a place that is not a party."""
        t = self.toks[i]
        if t.start < self.dateline_end:
            return True
        return i == 0 and self.ments[t.ent].kind == "place" and self._word(1) in (",", "-", "(", ":")

    def _sentence_subject(self) -> int | None:
        for i, t in enumerate(self.toks):
            if t.kind == "E" and not self._prep_before(i) and not self.quoted[i] and not self._dateline(i):
                m = self.ments[t.ent]
                if m.kind != "pronoun" or m.pronoun in ("he", "she"):
                    return i
        return None

    def _prep_before(self, i: int) -> bool:
        j = i - 1
        while j >= 0 and self.toks[j].kind == "W" and self.toks[j].text in ("the", "a", "an", "both"):
            j -= 1
        if j >= 1 and self.toks[j].text == "of" and self._word(j - 1) in _PLURAL_TITLES and self.is_place(i):
            return False  # "the presidents of Tajikistan and Ukraine": the countries stand for their leaders
        return j >= 0 and self.toks[j].kind == "W" and self.toks[j].text in P.PREPOSITIONS

    def who(self, i: int) -> str | None:
        """The person an entity token refers to, resolving pronouns from context."""
        t = self.toks[i]
        if t.kind != "E":
            return None
        if i in self.resolved:
            return self.resolved[i]
        m = self.ments[t.ent]
        p = self.doc.person(m) if m.kind != "pronoun" else self._pronoun(i, m)
        self.resolved[i] = p
        return p

    def is_place(self, i: int) -> bool:
        t = self.toks[i]
        return t.kind == "E" and self.ments[t.ent].kind == "place"

    def _word(self, i: int) -> str:
        return self.toks[i].text if 0 <= i < len(self.toks) and self.toks[i].kind != "E" else ""

    def _clause_start(self, v: int) -> int:
        """First token of the clause containing `v`: after ";", "that", "who", ", and" or "said"."""
        j = v - 1
        while j >= 0:
            t = self.toks[j]
            w = t.text if t.kind != "E" else ""
            if t.kind == "P" and w in (";", ":"):
                return j + 1
            if w in ("that", "who", "which", "whom", "but", "while", "whereas"):
                return j + 1
            if (w == "and" and j > 0 and self.toks[j - 1].kind == "P" and self.toks[j - 1].text == ","
                    and not self._in_name_list(j - 1)):
                return j + 1
            if (w == "and" and j + 2 < v + 1 and self.toks[j + 1].kind == "E" and self._is_verbish(j + 2)
                    and any(self._is_verbish(k) for k in range(j))
                    and not (self.toks[j - 1].kind == "E" and not self._prep_before(j - 1))):  # "he and Xi have"
                return j + 1  # "Kim received a letter from Xi and Putin sent him a telegram"
            if w in ("said", "says", "reported", "announced", "confirmed", "stated", "added", "claimed") and j < v - 1:
                return j + 1
            j -= 1
        return 0

    def _in_name_list(self, comma: int) -> bool:
        """ "A, B, and C sent": the comma closes a list of names, not a clause."""
        return (comma >= 3 and self.toks[comma - 1].kind == "E" and self._word(comma - 2) == ","
                and self.toks[comma - 3].kind == "E")

    def _appositive_head(self, v: int) -> int | None:
        """ "Zhao Leji, a member of ... who is leading the delegation, conveyed": the name before the aside."""
        k = v - 1
        while k >= 0 and self._word(k) in P.AUXILIARIES:
            k -= 1
        if k < 2 or self.toks[k].kind != "P" or self.toks[k].text != ",":
            return None
        head = None
        for j in range(k - 1, 0, -1):
            t = self.toks[j]
            w = self._word(j)
            if (t.kind == "P" and t.text in (";", '"')) or w in _CLAUSE_VERBS or w in P.REPORT_VERBS:
                break
            if t.kind == "P" and t.text == ",":
                e = j - 1
                if (self.toks[e].kind == "E" and not self.toks[e].poss and not self._prep_before(e)
                        and not self._dateline(e) and self.ments[self.toks[e].ent].kind != "pronoun"):
                    head = e
        if head is None or head + 2 >= k:
            return None
        # the aside describes the person: "a member of", "head of", "who", "the official"
        nxt = self.toks[head + 2]
        if nxt.kind == "W" and (nxt.text in ("a", "an", "the", "who", "whose", "one") or not self.doc.text[nxt.start].isupper()):
            return head
        return None

    def _subject(self, v: int, allow_prep: bool = False) -> list[int]:
        """Entity tokens that are the subject of the verb at `v` (several when coordinated)."""
        start = self._clause_start(v)
        if allow_prep:
            # "thanks to Kim for sending": the nearest person before "for"
            for j in range(v - 1, start - 1, -1):
                if self.toks[j].kind == "E" and not self.toks[j].poss:
                    return [j]
            return []
        head = self._appositive_head(v)
        if head is not None:
            return [head]
        if (self._word(start - 1) in ("who", "which") and start >= 2 and self.toks[v].kind == "W"
                and all(self._word(k) in P.AUXILIARIES for k in range(start, v))):
            # "Kim received Shoigu, who handed him a letter": the relative pronoun's antecedent
            ante = start - 2 - (self._word(start - 2) == ",")
            if ante >= 0 and self.toks[ante].kind == "E" and not self.toks[ante].poss:
                return [ante]
        in_quote = self.quoted[v] if v < len(self.quoted) else False
        for j in range(start, v):
            t = self.toks[j]
            if self.quoted[j] != in_quote:
                continue
            if t.kind == "W" and t.text in P.KIND_HEADS and not self._prep_before(j):
                return [-1 - j]  # a letter noun is the subject ("The message extended greetings to ...")
            if t.kind != "E" or self._dateline(j):
                continue
            m = self.ments[t.ent]
            styled = self._word(j + 1) in ("majesty", "highness", "excellency", "holiness")  # "His Majesty said"
            if self._prep_before(j) or (t.poss and not styled) or (m.kind == "pronoun" and m.possessive and not styled):
                continue
            return self._coordinated(j, v)
        return []

    def _coordinated(self, j: int, v: int) -> list[int]:
        """The subject at `j` and those coordinated with it before the verb at `v`."""
        k = j + 1
        while k < v and self.toks[k].kind == "W" and self.doc.text[self.toks[k].start].isupper():
            k += 1
        if k > j + 1 and k < v and self.toks[k].kind == "E" and self.ments[self.toks[j].ent].kind == "title":
            j = k  # "President of Germany Frank-Walter Steinmeier": a title, then the name read in two parts
        out = [j]
        k = j + 1
        while k + 1 < v and self._word(k) in ("and", ","):
            # "Hu and his Sri Lankan counterpart Rajapaksa", "Putin, Xi, and Kim"
            nxt = self._skip_title(k + 1)
            if nxt >= v or self.toks[nxt].kind != "E" or self.toks[nxt].poss or (nxt > k + 1 and self.is_place(nxt)):
                break  # "and Deputy Supreme Commander of the UAE": a title's country is no second subject
            if self._word(k) == "," and self.ments[self.toks[nxt].ent].kind in ("title", "descriptor"):
                k = nxt + 1  # "Mohammed bin Zayed, Crown Prince of Abu Dhabi, received": an apposition
                continue
            out.append(nxt)
            k = nxt + 1
            if self._word(k) == "," and self._word(k + 1) == "and":
                k += 1
        return out

    def _modal_or_negated(self, v: int, noun: bool = False) -> bool:
        """True when the verb at `v` (or the noun phrase starting there) is planned, hypothetical or negated."""
        return self._unreal(v, noun) is not None

    def _unreal(self, v: int, noun: bool = False) -> str | None:
        """ "denied" or "planned" when the verb at `v` (or the noun phrase starting there) is negated,
        or planned or hypothetical; None when it reads as done."""
        j = v - 1
        n = 0
        while j >= 0 and n < 5:
            t = self.toks[j]
            if t.kind != "W":
                break
            w = t.text
            if noun and (w in P.SAY_VERBS or w in P.REPORT_VERBS or w in ("say", "comment", "mention", "elaborate", "disclose", "reveal", "confirm", "anything", "details")):
                return None  # "have not said anything about a second letter": the denial is of the telling
            if w in P.NEGATIONS:
                return "denied"
            if w in P.MODALS or (w == "to" and n <= 1 and not noun) or w in P.CONDITIONALS:
                return "planned"
            n += 1
            j -= 1
        for k in range(max(0, v - 12), v):
            w = self._word(k)
            if noun and w in P.SAY_VERBS | P.REPORT_VERBS:
                return None
            if w in ("if", "whether", "unless"):
                return "planned"
            if w in ("denied", "denies", "deny"):
                return "denied"
        return None

    def _np_left(self, h: int) -> tuple[int, int | None, list[int], set[str]]:
        """Start of the noun phrase headed at `h`, its possessor, entity modifiers and word modifiers."""
        j = h - 1
        mods: set[str] = set()
        ent_mods: list[int] = []
        poss = None
        while j >= 0 and h - j <= 7:
            t = self.toks[j]
            if t.kind == "E":
                if t.poss or (self.ments[t.ent].kind == "pronoun" and self.ments[t.ent].possessive):
                    poss = j
                    j -= 1
                    break
                if j - 1 >= 0 and self._is_verbish(j - 1):
                    break  # "sends Trump letter": an indirect object, not a modifier
                ent_mods.append(j)
                j -= 1
                continue
            if t.kind == "P":
                if t.text in ('"', "'", "-"):
                    j -= 1
                    continue
                break
            w = t.text
            if w in ("a", "an", "the", "this", "that", "these", "those", "another", "two", "several", "both", "one", "its", "no", "any", "some"):
                mods.add(w)
                j -= 1
                break
            if w in ("reply", "response", "return", "thank-you", "congratulatory"):
                mods.add(w)
                j -= 1
                continue
            if w in ("written", "signed", "sent", "delivered", "handed") and self._word(j - 1) in ("a", "an", "the", "his", "her", "their", "its", "this"):
                mods.add(w)  # "received a written message": a participle used as an adjective
                j -= 1
                continue
            if w in ("and", ",") and mods and j - 1 >= 0 and self.toks[j - 1].kind == "W" and self.toks[j - 1].text not in P.PREPOSITIONS and not self._is_verbish(j - 1) and self.toks[j - 1].text not in ("a", "an", "the"):
                j -= 1
                continue  # "a sincere and passionate message"
            if w in P.PREPOSITIONS or w in ("and", "or", "but") or self._is_verbish(j) or w in P.AUXILIARIES:
                break
            mods.add(w)
            j -= 1
        return j + 1, poss, ent_mods, mods

    def _is_verbish(self, i: int) -> bool:
        w = self._word(i)
        return bool(w) and (
            w in P.SEND_VERBS or w in P.DELIVER_VERBS or w in P.RECEIVE_VERBS or w in P.EXCHANGE_VERBS
            or w in P.SAY_VERBS or w in P.REPLY_VERBS or w in ("is", "was", "were", "are", "has", "had", "have", "been")
        )

    def _governing_verb(self, s: int) -> tuple[int | None, int | None, str | None]:
        """(verb index, indirect-object entity index, preposition) governing the NP starting at `s`."""
        j = s - 1
        io = None
        steps = 0
        while j >= 0 and steps < 6:
            steps += 1
            t = self.toks[j]
            if t.kind == "E":
                if io is None and not t.poss:
                    io = j
                    j -= 1
                    continue
                return None, None, None
            if t.kind == "P":
                if t.text in ('"', "'"):
                    j -= 1
                    continue
                return None, io, None
            w = t.text
            if w in P.SEND_VERBS or w in P.DELIVER_VERBS or w in P.RECEIVE_VERBS or w in P.EXCHANGE_VERBS:
                if w == "hand" and self._word(j + 1) in ("deliver", "delivered", "delivers", "delivering"):
                    return j + 1, io, None
                return j, io, None
            if w in ("on", "over", "along", "back") and j - 1 >= 0 and (
                self._word(j - 1) in P.DELIVER_VERBS or self._word(j - 1) in P.SEND_VERBS
            ):
                j -= 1
                continue
            if w in ("in", "with", "through", "via"):
                return None, io, w
            if w == "to" and io is not None and j >= 1 and (self._word(j - 1) in P.SEND_VERBS or self._word(j - 1) in P.DELIVER_VERBS):
                return j - 1, io, None  # "conveyed to Hun Sen a letter of Trump"
            if w in P.PREPOSITIONS:
                return None, io, w
            if w in P.AUXILIARIES or w in ("personal", "him", "her"):
                j -= 1
                continue
            return None, io, None
        return None, io, None

    def _principal(self, i: int) -> bool:
        """Whether the person at token `i` leads a country (and so writes rather than carries letters)."""
        p = self.who(i)
        if p is None:
            return False
        when = self.doc.when
        for t in load_gazetteer().offices_of(p):
            if t.office in ("hos", "hog", "leader", "president") and (when is None or t.covers(when)):
                return True
        return self.ments[self.toks[i].ent].kind in ("title", "place")

    def _object_between(self, a: int, b: int) -> int | None:
        for k in range(a + 1, b):
            if self.toks[k].kind == "E" and not self._prep_before(k) and not self.toks[k].poss and self.quoted[k] == self.quoted[a]:
                j = k - 1
                while j > a and self._word(j) in P.AUXILIARIES:
                    j -= 1
                if self._word(j) in _CLAUSE_VERBS:
                    return None  # "Xi said Trong was a friend": the name begins the reported clause
                return k
        return None

    def _find_after(self, h: int, word: str) -> int | None:
        for k in range(h + 1, min(len(self.toks), h + 10)):
            if self._word(k) == word and k + 1 < len(self.toks):
                q = self._skip_title(k + 1)  # "with his Russian counterpart, Vladimir Putin"
                if q < len(self.toks) and self.toks[q].kind == "E":
                    return q
        return None

    def _passive_after(self, h: int) -> int | None:
        j = h + 1
        seen_aux = False
        limit = h + 5
        # "a letter from Chinese President Xi Jinping to Suga was received": past the parties first
        while j < len(self.toks) and self._word(j) in ("from", "to", "of") and j + 1 < len(self.toks) and self.toks[j + 1].kind == "E":
            j += 2
            limit += 2
        while j < len(self.toks) and j <= limit:
            w = self._word(j)
            if w in ("was", "were", "is", "are", "been", "being", "has", "had"):
                seen_aux = True
            elif seen_aux and (w in P.DELIVER_VERBS or w in P.RECEIVE_VERBS or w in P.SEND_VERBS):
                if self._modal_or_negated(j):
                    return None
                return j
            elif w not in P.AUXILIARIES and not seen_aux:
                return None
            j += 1
        return None

    def _to_pass(self, h: int) -> bool:
        for k in range(h + 1, min(len(self.toks), h + 4)):
            if self._word(k) == "to" and self._word(k + 1) in P.DELIVER_VERBS:
                return True
        return False

    def _words_out(self, h: int, step: int) -> list[str]:
        """The words of the sentence from the one at `h` outwards, one way (`step` -1 or 1)."""
        rng = range(h - 1, -1, -1) if step < 0 else range(h + 1, len(self.toks))
        return [self.toks[k].text for k in rng if self.toks[k].kind == "W"]
