"""Find the letters an article reports and resolve them to people and dates."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import patterns as P
from .dates import Anchor, DateMention, DateSpan, anchor_for, find_article_date, find_dates, parse_published
from .entities import ArticleEntities, Mention, find_entities, resolve_title
from .filters import load_filters
from .frames import Frame, load_frames
from .gazetteer import load_gazetteer
from .sentences import Sentence, normalize, split_sentences
from .status import claim_status as _claim_status

__all__ = ["RawLetter", "extract_raw"]

# How much a date found in different places can be trusted for the letter.
RANK_ATTACHED, RANK_REPORT, RANK_CONTEXT, RANK_REPLY, RANK_FALLBACK = 5, 4, 3, 2, 1
RECENT_DAYS = 60


@dataclass(slots=True)
class Tok:
    kind: str  # W (word), P (punctuation), E (entity)
    text: str  # lowercased word, punctuation, or entity surface
    start: int  # article offset
    end: int
    ent: int = -1  # index into the sentence's mentions
    poss: bool = False


@dataclass(slots=True)
class Hit:
    """One mention of a letter in one sentence, before mentions are merged into letters."""

    sentence: int
    sender: str | None
    recipient: str | None
    kind: str | None
    via: str | None = None
    dates: list[tuple[DateSpan, int]] = field(default_factory=list)
    definite: bool = False
    distinct: bool = False
    reply: bool = False
    original_of: int | None = None  # index of the hit that answers this one
    headline: bool = False
    strong: bool = True
    weak: bool = False
    place_party: bool = False
    inferable: bool = False  # the other party may be taken from the article's correspondence
    answers: list["Hit"] = field(default_factory=list)  # hits of letters that reply to this one
    pos: int = 0  # article offset of the trigger, for ordering
    unnamed_carrier: bool = False  # carried by "a special envoy" whom the sentence does not name
    status: str = "reported"  # or "denied", "planned" (see events.LETTER_STATUSES); "claimed" is decided per letter
    in_own: bool = False  # "in his letter, X said": the writer speaks through the letter
    plural: bool = False  # "sent letters to": perhaps several writers, each named later

    @property
    def full(self) -> bool:
        return self.sender is not None and self.recipient is not None


@dataclass(slots=True)
class RawLetter:
    sender: str
    recipient: str
    kind: str
    date: str | None
    via: str | None
    evidence: str
    start: int
    end: int
    confidence: float
    reply_to: int | None
    status: str = "reported"


@dataclass(slots=True)
class _Cluster:
    sender: str
    recipient: str
    hits: list[Hit] = field(default_factory=list)
    reply: bool = False

    @property
    def last_pos(self) -> int:
        return max(h.pos for h in self.hits)

    def best_date(self, ranks: tuple[int, ...] = (RANK_ATTACHED, RANK_REPORT)) -> DateSpan | None:
        cands = [(r, -d.days, -h.pos, d) for h in self.hits for d, r in h.dates if r in ranks]
        if not cands:
            return None
        return max(cands, key=lambda x: (x[0], x[1]))[3]


class _Doc:
    """One article prepared for extraction: text, sentences, entities and the date anchor."""

    def __init__(self, text: str, title: str | None, published: str | None) -> None:
        self.raw_text = text
        body = normalize(text)
        first_line = next((ln.strip() for ln in body.split("\n") if ln.strip()), "")
        self.title_len = 0
        doc = body
        if title and title.strip():
            t = normalize(title.strip().replace("\n", " "))
            if t != first_line:
                doc = t + "\n\n" + body
                self.title_len = len(t) + 2
        self.text = doc
        pub = parse_published(published)
        if pub is None:
            found = find_article_date(body)
            pub = (found, found) if found else None
        self.anchor: Anchor = anchor_for(pub)
        self.when: date | None = None
        if self.anchor.known:
            self.when = self.anchor.start + (self.anchor.end - self.anchor.start) / 2
        self.sentences: list[Sentence] = split_sentences(doc)
        heads = [(s.start, s.end) for s in self.sentences if s.headline or s.start < self.title_len]
        self.ents: ArticleEntities = find_entities(doc, self.when, headline_ranges=heads)
        self._persons: dict[int, str | None] = {}

    def in_title(self, pos: int) -> bool:
        return pos < self.title_len

    def person(self, m: Mention) -> str | None:
        key = id(m)
        if key not in self._persons:
            p = m.person
            if m.kind in ("title", "place") and m.role:
                p = resolve_title(self.ents, m.role, self.when)
            elif m.kind == "descriptor":
                p = self.ents.descriptors.get(m.role or "")
            self._persons[key] = p
        return self._persons[key]


# Plural offices before "of" and countries: each country stands for its leader at the time.
_PLURAL_TITLES = frozenset("leaders presidents heads premiers ministers kings monarchs rulers emirs".split())
_THANKS = frozenset("thanks thanked thank thanking gratitude grateful appreciation".split())
_PLURAL_HEADS = frozenset("letters messages telegrams cables notes invitations missives".split())
_SPEECH_WORDS = frozenset("address speech remarks broadcast rally interview televised podcast".split())

# Nouns whose own "to" phrase is not the letter's address.
_NOUNS_TAKING_TO = frozenset("""
ambassador ambassadors envoy envoys embassy consul representative
visit visits trip trips journey tour travel return way contribution contributions commitment support threat
threats relations ties access road path approach attention flight flights delegation mission
""".split())

# "Cable" next to these is not a telegram between leaders.
_CABLE_NOT_MAIL = frozenset("""
news tv television car cars network networks channel channels company operator operators line lines internet
undersea submarine subsea fiber fibre optic power diplomatic leaked embassy classified secret internal wikileaks
state department
""".split())

# Verbs followed by a reported clause rather than by the person addressed.
_CLAUSE_VERBS = frozenset("""
said says say stated states noted notes stressed stresses added adds believed believes hoped hopes emphasised
emphasized reaffirmed mentioned explained claimed insisted argued recalled underlined affirmed declared that
""".split())

# Words of a title or role between a preposition and the name it introduces.
_TITLE_WORDS = frozenset("""
president prime minister foreign leader counterpart envoy special national security adviser advisor ambassador
secretary general secretary-general chief head top senior state affairs crown prince princess king queen emir amir
sheikh sultan pope ayatollah junta military spokesman spokeswoman deputy vice chairman chairwoman premier aide
representative counsellor counselor diplomat first lady wife husband sister brother son daughter personal then
former new outgoing incoming presidential supreme general commander commander-in-chief party interior defence
defense trade finance minister-president chancellor governor mayor emissary negotiator delegate
""".split())

_HONORIFICS = frozenset("""
mr mrs ms dr sir madam president chairman chairwoman comrade general secretary premier prime minister king queen
emperor respected supreme chancellor envoy ambassador special representative excellency dear vice deputy
spokesman spokeswoman adviser advisor aide negotiator official
""".split())


def _tokens(doc: _Doc, sent: Sentence, ments: list[Mention]) -> list[Tok]:
    text = doc.text
    toks: list[Tok] = []
    pos = sent.start
    for idx, m in enumerate(ments + [None]):  # type: ignore[operator]
        seg_end = m.start if m is not None else sent.end
        for w in P.WORD_RE.finditer(text, pos, seg_end):
            s = w.group(0)
            # the possessive after an entity belongs to the entity token
            if toks and toks[-1].kind == "E" and toks[-1].end == w.start() and s in ("'", "'s", "s"):
                toks[-1].poss = True
                continue
            if toks and toks[-1].kind == "E" and toks[-1].poss and s == "s" and text[w.start() - 1] == "'":
                continue
            toks.append(Tok("W" if s[0].isalnum() else "P", s.lower(), w.start(), w.end()))
        if m is None:
            break
        start = m.start
        # "Chairman Kim", "President Moon", "envoy Stephen Bosworth": the honorific is part of the name
        while m.kind != "pronoun" and toks and (
            (toks[-1].kind == "W" and (toks[-1].text in _HONORIFICS or (len(toks[-1].text) == 1 and toks[-1].text in "he")))
            or (toks[-1].kind == "P" and toks[-1].text == "." and len(toks) > 1 and toks[-2].text in ("h", "e"))
        ):
            start = toks.pop().start
        toks.append(Tok("E", m.text, start, m.end, idx, m.possessive))
        pos = m.end
    return toks


_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "SEOUL, Sept. 6 (Yonhap) --", "TEHRAN, Iran (AP) -", "MOSCOW, August 30. /TASS/.", "Phnom Penh, November 21, 2019 -"
_DATELINE = re.compile(
    r"(?P<city>[A-Z][A-Za-z.'-]*(?:\s+[A-Z][A-Za-z.'-]*){0,3})"
    r"(?:,\s+(?P<region>[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)?)(?=[,\s]*[(/\-:]|,?\s+" + _MONTH_WORD + r"))?"
    r"(?P<date>,?\s+" + _MONTH_WORD + r"\s+\d{1,2}(?:,\s+\d{4})?)?\.?\s*"
    r"(?P<agency>\([A-Za-z][\w .&/-]{0,30}\)|/[A-Z]{2,}/\.?)?"
    r"\s*(?:(?P<dash>-{1,2}|:)\s*|\s+)"
)


def _dateline_end(sent: Sentence) -> int:
    """Length of the dateline opening a paragraph: its place and date belong to the report, not the letter."""
    if sent.index != 0 or sent.headline:
        return 0
    m = _DATELINE.match(sent.text)
    if m is None:
        return 0
    city = m.group("city")
    if m.group("agency") or (m.group("dash") and (m.group("date") or city.isupper())):
        return m.end()
    return 0


class _SentenceReader:
    """Finds letter mentions in one sentence."""

    def __init__(self, doc: _Doc, si: int, ctx: "_Context") -> None:
        self.doc = doc
        self.si = si
        self.sent = doc.sentences[si]
        self.ments = doc.ents.in_span(self.sent.start, self.sent.end)
        self.toks = _tokens(doc, self.sent, self.ments)
        self.ctx = ctx
        self.headline = self.sent.headline or doc.in_title(self.sent.start)
        self.resolved: dict[int, str | None] = {}
        self.quoted = self._mark_quotes()
        self.dateline_end = _dateline_end(self.sent) + self.sent.start
        self._np_verb: tuple[int, int, int | None] | None = None
        self.subject_idx = self._sentence_subject()

    # -------------------------------------------------------------- entities

    def _mark_quotes(self) -> list[bool]:
        quotes = [i for i, t in enumerate(self.toks) if t.kind == "P" and t.text == '"']
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
        if m.kind != "pronoun":
            p = self.doc.person(m)
        else:
            p = self._pronoun(i, m)
        self.resolved[i] = p
        return p

    def is_place(self, i: int) -> bool:
        t = self.toks[i]
        return t.kind == "E" and self.ments[t.ent].kind == "place"

    def _pronoun(self, i: int, m: Mention) -> str | None:
        g = load_gazetteer()
        if m.pronoun in ("i", "they", "two"):
            return None
        female = m.pronoun == "she"

        def ok(p: str | None) -> bool:
            # people the gazetteer does not know may be either
            return bool(p) and (g.is_female(p) == female or not g.knows(p))

        # "Kim sent a reply to Lukashenko in response to his message": the one being answered
        if m.possessive and self._word(i - 1) == "to" and self._word(i - 2) in ("response", "reply", "answer"):
            subj = self.who(self.subject_idx) if self.subject_idx is not None and self.subject_idx < i else None
            for j in range(i - 3, -1, -1):
                if self.toks[j].kind == "E" and self.ments[self.toks[j].ent].kind != "pronoun":
                    p = self.who(j)
                    if ok(p) and p != subj:
                        return p
        # "thanked Kim for his letter": the possessive follows the object it refers to
        if m.possessive and i >= 3 and self.toks[i - 1].text == "for" and self.toks[i - 2].kind == "E":
            p = self.who(i - 2)
            if ok(p):
                return p
        obj = m.text.lower() in ("him", "her") and not m.possessive
        if not obj:
            local = self._subject(i)
            if local and 0 <= local[0] < i and self.ments[self.toks[local[0]].ent].kind != "pronoun":
                p = self.who(local[0])
                if ok(p):
                    return p
        subj = self.subject_idx
        if not obj and subj is not None and subj < i:
            p = self.who(subj)
            if ok(p):
                return p
        if not obj and subj is not None and subj > i and i <= 3:
            # "In his letter to Moon, Kim said": the subject after the opening phrase
            p = self.who(subj)
            if ok(p):
                return p
        if obj:
            local = self._subject(i)
            subj = local[0] if local and local[0] >= 0 else None
            excluded = self.who(subj) if subj is not None and subj < i else None
            main = self.subject_idx
            if (main is not None and main < i and main != subj and self.ments[self.toks[main].ent].kind != "pronoun"
                    and not any(self._word(k) in _CLAUSE_VERBS or self._word(k) in P.REPORT_VERBS for k in range(main + 1, i))):
                p = self.who(main)
                if ok(p) and p != excluded:
                    return p  # "Kim received a letter from Xi and Putin sent him a telegram": him is Kim
            for j in range(i - 1, -1, -1):
                if self.toks[j].kind == "E" and not (self.ments[self.toks[j].ent].kind == "pronoun"):
                    p = self.who(j)
                    if ok(p) and p != excluded:
                        return p
            for p in reversed(self.ctx.recent):
                if ok(p) and p != excluded:
                    return p
            return None
        if self.ctx.last_subject and ok(self.ctx.last_subject):
            return self.ctx.last_subject
        for p in reversed(self.ctx.recent):
            if ok(p):
                return p
        return None

    def group(self, i: int) -> list[str]:
        """People a plural ("they", "the two leaders") refers to: the latest pair in the article."""
        t = self.toks[i]
        if t.kind != "E":
            return []
        m = self.ments[t.ent]
        if m.kind == "pronoun" and m.pronoun in ("they", "two"):
            if self.ctx.last_pair:
                return list(self.ctx.last_pair)
            uniq: list[str] = []
            for p in reversed(self.ctx.recent):
                if p not in uniq:
                    uniq.append(p)
                if len(uniq) == 2:
                    return uniq[::-1]
            return []
        p = self.who(i)
        return [p] if p else []

    # -------------------------------------------------------------- helpers

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
            if w == "and" and j > 0 and self.toks[j - 1].kind == "P" and self.toks[j - 1].text == ",":
                return j + 1
            if (w == "and" and j + 2 < v + 1 and self.toks[j + 1].kind == "E" and self._is_verbish(j + 2)
                    and any(self._is_verbish(k) for k in range(j))):
                return j + 1  # "Kim received a letter from Xi and Putin sent him a telegram"
            if w in ("said", "says", "reported", "announced", "confirmed", "stated", "added", "claimed") and j < v - 1:
                return j + 1
            j -= 1
        return 0

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
        in_quote = self.quoted[v] if v < len(self.quoted) else False
        for j in range(start, v):
            t = self.toks[j]
            if self.quoted[j] != in_quote:
                continue
            if t.kind == "W" and t.text in P.KIND_HEADS:
                return [-1 - j]  # a letter noun is the subject ("The message extended greetings to ...")
            if t.kind != "E" or self._dateline(j):
                continue
            m = self.ments[t.ent]
            if self._prep_before(j) or t.poss or (m.kind == "pronoun" and m.possessive):
                continue
            out = [j]
            k = j + 1
            while k + 1 < v and self._word(k) in ("and", ","):
                # "Hu and his Sri Lankan counterpart Rajapaksa", "Putin, Xi, and Kim"
                nxt = self._skip_title(k + 1)
                if nxt >= v or self.toks[nxt].kind != "E" or self.toks[nxt].poss:
                    break
                out.append(nxt)
                k = nxt + 1
                if self._word(k) == "," and self._word(k + 1) == "and":
                    k += 1
            return out
        return []

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

    # -------------------------------------------------------------- triggers

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
        exchange = False
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

    def _words_out(self, h: int, step: int) -> list[str]:
        """The words of the sentence from the one at `h` outwards, one way (`step` -1 or 1)."""
        rng = range(h - 1, -1, -1) if step < 0 else range(h + 1, len(self.toks))
        return [self.toks[k].text for k in rng if self.toks[k].kind == "W"]

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
            if not explicit_sender or self.who(subj[0]) == self.who(sender_i[0]):
                return sender_i, recip_i, via_i
            role = "via"  # "Chung sent Moon's letter on": whoever sends another's letter carries it
        if role == "sender":
            sender_i = subj
        elif role == "recipient" and not recip_i:
            recip_i = subj
        elif role == "via" and via_i is None:
            via_i = subj[0]
        return sender_i, recip_i, via_i

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

    def _to_pass(self, h: int) -> bool:
        for k in range(h + 1, min(len(self.toks), h + 4)):
            if self._word(k) == "to" and self._word(k + 1) in P.DELIVER_VERBS:
                return True
        return False

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
            elif w not in P.AUXILIARIES:
                if not seen_aux:
                    return None
            j += 1
        return None

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
        subj = self._subject(v)
        if not subj or subj[0] < 0:
            return []
        sender, recip = self.who(subj[-1]), self.who(v + 1)
        if not sender or not recip or sender == recip:
            return []
        return [Hit(self.si, sender, recip, None, None, self._dates(v), headline=self.headline, strong=False,
                    weak=True, pos=self.toks[v].start)]

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

    # -------------------------------------------------------------- dates

    def _dates(self, h: int) -> list[tuple[DateSpan, int]]:
        """Dates in the sentence, ranked: near the letter words first, then by a reporting verb."""
        sent = self.sent
        text = self.doc.text[sent.start:sent.end]
        found = self.ctx.dates_of(self.si)
        if not found:
            return self.ctx.context_dates(self.si)
        trigger = self.toks[h].start - sent.start
        out = []
        anchor = self.doc.anchor
        found = [d for d in found if not (anchor.known and d.span.start > anchor.end)]
        if not found:
            return self.ctx.context_dates(self.si)
        dateline = self.dateline_end - sent.start
        for d in found:
            if d.end <= dateline:
                out.append((abs(d.start - trigger), d, RANK_REPORT))
                continue
            before = text[max(0, d.start - 25):d.start].lower().split()
            after = text[d.end:d.end + 25].lower().split()
            report = any(w.strip(",.") in P.REPORT_VERBS for w in before[-2:]) or any(
                w.strip(",.") in P.REPORT_VERBS for w in after[:1]
            )
            rank = RANK_REPORT if report else RANK_ATTACHED
            out.append((abs(d.start - trigger), d, rank))
        out.sort(key=lambda x: (-x[2], x[0]))
        return [(d.span, r) for _, d, r in out[:1]] + [(d.span, RANK_REPORT) for _, d, r in out[1:2] if r == RANK_REPORT]


# Words without which no letter can be reported.
_TRIGGER_HINT = re.compile(
    r"(?i)letter|message|telegram|cable|note|invitation|greeting|congratulat|condolence|missive|wrote|write|written|penned|"
    r"repl|respond|answer|exchang"
)


# The pre-check before the full reading. Only a correspondence noun (KIND_HEADS) or a verb of
# writing starts a letter: replies and congratulations attach to a letter found otherwise, and a
# letter only the headline mentions is dropped, so the body must hold one of these words. Each
# candidate is then tested against the rejections the sentence reader makes from its direct
# neighbours alone, so the check never refuses an article the reader would find a letter in.
_PRIMARY_WORDS = frozenset(P.KIND_HEADS) | P.WRITE_VERBS
# Searched in the lowered text without a look-behind (three times faster); the word's start is
# checked afterwards, on the original.
_PRIMARY = re.compile(r"(?:" + "|".join(sorted(map(re.escape, _PRIMARY_WORDS), key=len, reverse=True))
                      + r")(?![a-z0-9])")
_PRIMARY_ANY_CASE = re.compile(_PRIMARY.pattern.replace("a-z0-9", "A-Za-z0-9"), re.I)
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# Neighbours as words of any script: a mention (its own tokens) may begin or end with any letter.
_PREV_TOKEN = re.compile(r"(?:([^\W_]+(?:[-'][^\W_]+)*)|(\S))\s*$")
_NEXT_TOKEN = re.compile(r"\s*(?:([^\W_]+(?:[-'][^\W_]+)*)|(\S))")
_WRITE_ADVERBS = frozenset(("back", "personally", "directly", "again", "also"))
# Words that end a noun phrase's left edge (as _SentenceReader._np_left stops), with no modifier.
_NP_STOP = (P.PREPOSITIONS | P.AUXILIARIES | P.SEND_VERBS | P.DELIVER_VERBS | P.RECEIVE_VERBS
            | P.EXCHANGE_VERBS | P.SAY_VERBS | P.REPLY_VERBS
            | {"and", "or", "but", "is", "was", "were", "are", "has", "had", "have", "been"})
# Words _np_left takes as the noun's modifiers before it looks for a stop.
_NP_MODIFIERS = frozenset(("a", "an", "the", "this", "that", "these", "those", "another", "two", "several",
                           "both", "one", "its", "no", "any", "some", "reply", "response", "return", "thank-you",
                           "congratulatory", "written", "signed", "sent", "delivered", "handed"))
# Words after a verb of writing that are neither "to" nor the start of a mention of a person
# ("wrote in", "writes that"), or a possessive, which _write_to never takes as the addressee.
_NOT_ADDRESSEE = (P.PREPOSITIONS - {"to"}) | frozenset("""
that and or but so as when while because if is was are were has had have it this about what how why up down
out off more not which who whom where than then there his her hers their my its our your
""".split())


# Modifiers by which a filter rejects a letter noun outright ("a video message").
_REJECTING_MODIFIERS = load_filters().modifier_words


def _neighbours(text: str, start: int, end: int, cut: bool = False
                ) -> tuple[str | None, str | None, str | None, str | None]:
    """(word before, punctuation before, word after, punctuation after): None where absent.
    ``cut``: ``text`` is a window of a longer text, so what its first token is is unknown ("")."""
    before = _PREV_TOKEN.search(text, 0, start)
    after = _NEXT_TOKEN.match(text, end)
    if before is not None and cut and before.start() == 0:
        return "", None, after.group(1) if after else None, after.group(2) if after else None
    return (before.group(1) if before else None, before.group(2) if before else None,
            after.group(1) if after else None, after.group(2) if after else None)


def _may_start_letter(word: str, text: str, start: int, end: int, cut: bool = False) -> bool:
    """Whether the candidate ``word`` at text[start:end] (normalised text) may start a letter."""
    prev, prev_p, nxt, nxt_p = _neighbours(text, start, end, cut)
    if word in P.WRITE_VERBS:
        while nxt is not None and nxt.lower() in _WRITE_ADVERBS:
            end = _NEXT_TOKEN.match(text, end).end()  # type: ignore[union-attr]
            _, _, nxt, nxt_p = _neighbours(text, end, end)
        if nxt is None:
            return False  # nothing, or punctuation, where "to" or the addressee must be
        if nxt[0].isdigit():
            return False  # no mention starts with a digit
        return not (nxt.islower() and nxt in _NOT_ADDRESSEE)
    if word in ("note", "notes"):
        if nxt in ("that", "how"):
            return False
        if prev is None:  # the text's start, or punctuation other than quotes and hyphens
            return prev_p in ('"', "'", "-")
        if prev.islower() and prev not in _NP_MODIFIERS and prev in _NP_STOP:
            return False  # "of note", "take note": a note nobody sent
    if word.startswith("cable") and ((prev and prev.islower() and prev in _CABLE_NOT_MAIL)
                                     or (nxt and nxt.islower() and nxt in _CABLE_NOT_MAIL)):
        return False
    if (prev and prev.islower() and not word.startswith("greeting") and prev in _REJECTING_MODIFIERS
            and prev not in _NP_STOP and prev not in _NP_MODIFIERS):
        return False  # "a video message", "a strong message"
    return True  # "no letter was sent" is a denied letter, which the reader keeps


def may_report_letters(text: str) -> bool:
    """False when the article cannot report a letter: a cheap test that lets most news skip
    the full reading."""
    lowered = text.lower()
    if len(lowered) == len(text):
        matches = _PRIMARY.finditer(lowered)
    else:  # a letter whose lower case is longer: positions would drift
        lowered, matches = text, _PRIMARY_ANY_CASE.finditer(text)
    for m in matches:
        start, end = m.span()
        if start and text[start - 1] in _ASCII_ALNUM:
            continue  # inside a longer word ("footnote"), not a token of its own
        # Only the neighbourhood is normalised (one character for one): quotes, dashes, spaces.
        lo = max(0, start - 200)
        window = normalize(text[lo:end + 400])
        if _may_start_letter(m.group(0).lower(), window, start - lo, end - lo, cut=lo > 0):
            return True
    return False


_SAME_DAY = re.compile(r"(?i)\b(?:on|the) same (?:day|date)\b")


class _Context:
    """What the article has said so far: recent people, the last subject and the last pair."""

    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        self.recent: list[str] = []
        self.last_subject: str | None = None
        self.last_pair: tuple[str, str] | None = None
        self._para_dates: dict[int, list[tuple[int, DateSpan]]] = {}
        self._dates: dict[int, list[DateMention]] = {}
        self._all_dates: list[DateMention] | None = None
        self._date_starts: list[int] = []

    def note_plain(self, si: int) -> None:
        """Track people and the subject of a sentence that mentions no letter, without parsing it."""
        sent = self.doc.sentences[si]
        subject_seen = False
        for m in self.doc.ents.in_span(sent.start, sent.end):
            if m.kind == "pronoun":
                subject_seen = True  # "He said ...": the subject is whoever it was before
                continue
            p = self.doc.person(m)
            if not p:
                continue
            self.recent.append(p)
            if not subject_seen:
                before = self.doc.text[max(sent.start, m.start - 12):m.start].lower().split()
                if not before or (before[-1] not in P.PREPOSITIONS and before[-1] not in ("the", "a", "an", "both")):
                    self.last_subject = p
                    subject_seen = True
        self.recent = self.recent[-30:]
        for d in self.dates_of(si):
            self._para_dates.setdefault(sent.para, []).append((si, d.span))

    def note_sentence(self, reader: _SentenceReader) -> None:
        for i, t in enumerate(reader.toks):
            if t.kind == "E":
                p = reader.who(i)
                if p:
                    self.recent.append(p)
        if reader.subject_idx is not None:
            p = reader.who(reader.subject_idx)
            if p:
                self.last_subject = p
        self.recent = self.recent[-30:]
        sent = reader.sent
        for d in self.dates_of(reader.si):
            self._para_dates.setdefault(sent.para, []).append((reader.si, d.span))

    def dates_of(self, si: int) -> list[DateMention]:
        """Date expressions of sentence `si` (offsets within the sentence); the article is scanned once."""
        if self._all_dates is None:
            self._all_dates = find_dates(self.doc.text, self.doc.anchor)
            self._date_starts = [d.start for d in self._all_dates]
        if si not in self._dates:
            sent = self.doc.sentences[si]
            lo = bisect_left(self._date_starts, sent.start)
            out = []
            for d in self._all_dates[lo:]:
                if d.start >= sent.end:
                    break
                if d.end <= sent.end:
                    out.append(DateMention(d.start - sent.start, d.end - sent.start, d.span, d.relative))
            self._dates[si] = out
        return self._dates[si]

    def context_dates(self, si: int) -> list[tuple[DateSpan, int]]:
        """A recent date from an earlier sentence of the same paragraph: the narrative's time.
        "On the same day" refers to the last date the article gave, in any paragraph."""
        sent = self.doc.sentences[si]
        if _SAME_DAY.search(sent.text):
            earlier = [d for p in self._para_dates.values() for s, d in p if s < si]
            if earlier:
                return [(max(earlier, key=lambda d: d.start), RANK_ATTACHED)]
        cands = [d for s, d in self._para_dates.get(sent.para, []) if s < si]
        anchor = self.doc.anchor
        for d in reversed(cands):
            if d.end >= anchor.start - timedelta(days=RECENT_DAYS) and d.start <= anchor.end:
                return [(d, RANK_CONTEXT)]
        return []


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
    clusters: list[_Cluster] = []
    # a reply verb ("Xi replied to a letter from Biden") needs the letter it answers placed first
    for h in sorted(hits, key=lambda h: h.weak and h.reply):
        if h.sender and h.recipient and h.sender == h.recipient:
            continue
        if h.full and h.reply and h.weak:
            origs = [c for c in clusters if (c.sender, c.recipient) == (h.recipient, h.sender)]
            if not origs:
                continue  # "X replied to Y" with no letter from Y in the article: a remark, not a letter
            h.weak = False
            h.kind = h.kind or _vote_kind(origs[-1])
        if h.full:
            same = [c for c in clusters if (c.sender, c.recipient) == (h.sender, h.recipient)]
            target = None
            if not h.distinct:
                compatible = [c for c in same if _compatible(c, h, anchor) or h.definite]
                if compatible:
                    target = max(compatible, key=lambda c: c.last_pos)
            elif h.headline:
                target = same[-1] if same else None
            if target is None:
                target = _Cluster(h.sender, h.recipient)  # type: ignore[arg-type]
                clusters.append(target)
            target.hits.append(h)
            continue
        if h.sender is None and h.recipient is None:
            if clusters and h.distinct and not h.headline:
                ref = max(clusters, key=lambda c: c.last_pos)
                h.sender, h.recipient = ref.sender, ref.recipient
                if not h.dates:
                    d = ref.best_date()
                    if d is not None:
                        h.dates = [(d, RANK_CONTEXT)]
                clusters.append(_Cluster(ref.sender, ref.recipient, [h]))
            elif h.definite and clusters:
                c = max(clusters, key=lambda c: c.last_pos)
                c.hits.append(h)
                h.sender, h.recipient = c.sender, c.recipient
            continue
        if h.recipient is None and h.answers:
            # "the letter was in response to Xi's message": Xi wrote to whoever wrote the reply
            h.recipient = next((a.sender for a in h.answers if a.sender and a.sender != h.sender), None)
            if h.full:
                same = [c for c in clusters if (c.sender, c.recipient) == (h.sender, h.recipient)]
                target = same[-1] if same else _Cluster(h.sender, h.recipient)  # type: ignore[arg-type]
                if not same:
                    clusters.append(target)
                target.hits.append(h)
                continue
        known_sender = h.sender is not None
        same = [c for c in clusters if (c.sender == h.sender if known_sender else c.recipient == h.recipient)]
        if h.reply and not known_sender:
            same = []
        if h.reply and known_sender and h.recipient is None:
            # "Kim replied": to whoever last wrote to Kim
            origs = [c for c in clusters if c.recipient == h.sender]
            if origs:
                o = max(origs, key=lambda c: c.last_pos)
                h.recipient = o.sender
                if h.kind is None:
                    h.kind = _vote_kind(o)
                tgt = [c for c in clusters if (c.sender, c.recipient) == (h.sender, h.recipient) and _compatible(c, h, anchor)]
                if tgt:
                    tgt[-1].hits.append(h)
                    tgt[-1].reply = True
                else:
                    nc = _Cluster(h.sender, h.recipient, [h], reply=True)
                    clusters.append(nc)
            continue
        compatible = [c for c in same if _compatible(c, h, anchor)]
        if (h.definite or h.headline or h.weak) and same:
            (compatible or same)
            target = max(compatible or same, key=lambda c: c.last_pos)
            target.hits.append(h)
            continue
        if compatible and not h.distinct:
            max(compatible, key=lambda c: c.last_pos).hits.append(h)
            continue
        if h.headline or h.weak or not h.strong or h.definite or not h.inferable:
            continue
        # an indefinite letter with one party named: the other party is the usual correspondent
        other = None
        if same:
            ref = max(same, key=lambda c: c.last_pos)
            other = ref.recipient if known_sender else ref.sender
        else:
            party = h.sender if known_sender else h.recipient
            rel = [c for c in clusters if party in (c.sender, c.recipient)]
            if rel:
                ref = max(rel, key=lambda c: c.last_pos)
                other = ref.recipient if ref.sender == party else ref.sender
        if other is None:
            continue
        if known_sender:
            h.recipient = other
        else:
            h.sender = other
        if h.sender == h.recipient:
            continue
        nc = _Cluster(h.sender, h.recipient, [h])  # type: ignore[arg-type]
        clusters.append(nc)
    return clusters


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
        if (id(h) in placed or not h.in_own or h.sender is None or h.recipient is not None or h.headline or h.weak
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


def extract_raw(text: str, title: str | None = None, published: str | None = None) -> list[RawLetter]:
    """All letters the article reports, merged per letter, in order of first mention."""
    if not may_report_letters(text):
        return []  # most news never mentions correspondence: skip the full reading
    doc = _Doc(text, title, published)
    ctx = _Context(doc)
    hits: list[Hit] = []
    unreal: list[Hit] = []
    triggered = [_TRIGGER_HINT.search(doc.text, s.start, s.end) is not None for s in doc.sentences]
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
    clusters = _cluster(hits, doc.anchor)
    clusters += _roundup(hits, clusters)
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
        if all(h.weak for h in c.hits) and not any(h.kind for h in c.hits):
            continue  # "congratulated" alone may have been a call or a statement
        out_clusters.append(c)
    out_clusters.sort(key=lambda c: min(h.pos for h in c.hits))
    return _finish(doc, out_clusters)


def _finish(doc: _Doc, clusters: list[_Cluster]) -> list[RawLetter]:
    results: list[RawLetter] = []
    index = {id(c): i for i, c in enumerate(clusters)}
    reply_to: dict[int, int] = {}
    for i, c in enumerate(clusters):
        is_reply = c.reply or any(h.reply for h in c.hits)
        if is_reply:
            cands = [o for o in clusters if o is not c and (o.sender, o.recipient) == (c.recipient, c.sender)]
            if cands:
                first = min(h.pos for h in c.hits)
                before = [o for o in cands if min(h.pos for h in o.hits) <= first]
                o = (before or cands)[-1] if before else cands[0]
                reply_to[i] = index[id(o)]
    for i, c in enumerate(clusters):
        kind = _vote_kind(c)
        best = c.best_date(ranks=(RANK_ATTACHED, RANK_REPORT, RANK_CONTEXT))
        if best is None and i in reply_to is False:
            pass
        date_iso = best.iso() if best else None
        if date_iso is None and doc.anchor.known:
            if i in {v for v in reply_to.values()}:
                # an undated letter that a dated reply answers was sent in the reply's year
                for k, v in reply_to.items():
                    if v == i:
                        rd = clusters[k].best_date(ranks=(RANK_ATTACHED, RANK_REPORT, RANK_CONTEXT))
                        if rd and rd.anchored:
                            date_iso = f"{rd.start.year:04d}" if rd.start.year == rd.end.year else None
            if date_iso is None:
                # Nothing in the text dates it: news reports letters of the last weeks, so the month of
                # publication is the best the article supports.
                a = doc.anchor
                if (a.start.year, a.start.month) == (a.end.year, a.end.month):
                    date_iso = f"{a.start.year:04d}-{a.start.month:02d}"
        carriers = [h.via for h in c.hits if h.via and h.via not in (c.sender, c.recipient)]
        # "Moon said he had delivered Trump's message ... Chung handed it to Kim": the envoy carried it
        via = next((p for p in carriers if not _leads_country(p, doc.when)), carriers[0] if carriers else None)
        if via is None:
            via = next((p for h in c.hits if h.unnamed_carrier
                        for p in [_named_next(doc, h.sentence, (c.sender, c.recipient))] if p), None)
        ev = _evidence(doc, c)
        conf = _confidence(c)
        status = c.hits[0].status if c.hits[0].status != "reported" else claim_status(doc, c)
        results.append(RawLetter(c.sender, c.recipient, kind, date_iso, via, ev[0], ev[1], ev[2], conf, reply_to.get(i),
                                 status))
    return results


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


def _leads_country(person: str, when: date | None) -> bool:
    """Whether `person` is a head of state or government (at `when`, or ever when it is unknown)."""
    for t in load_gazetteer().offices_of(person):
        if t.office in ("hos", "hog", "leader", "president") and (when is None or t.covers(when)):
            return True
    return False


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
