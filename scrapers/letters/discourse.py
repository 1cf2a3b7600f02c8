"""Discourse: pronouns, "the two leaders", and what the article has said so far."""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from . import patterns as P
from .dates import DateMention, DateSpan, find_dates
from .entities import Mention
from .gazetteer import load_gazetteer
from .lexicon import _CLAUSE_VERBS
from .parties import leads_country
from .records import RANK_ATTACHED, RANK_CONTEXT, RECENT_DAYS, Hit

if TYPE_CHECKING:
    from .annotate import _Doc
    from .clauses import ClauseReader

class DiscourseMixin:
    """Resolves pronouns and plural references against the sentence and the article so far."""

    def _pronoun(self, i: int, m: Mention) -> str | None:
        """The person a pronoun at token `i` refers to, of the pronoun's gender where the gazetteer knows it."""
        if m.pronoun in ("i", "they", "two"):
            return None
        g = load_gazetteer()
        female = m.pronoun == "she"

        def ok(p: str | None) -> bool:
            # people the gazetteer does not know may be either
            return bool(p) and (g.is_female(p) == female or not g.knows(p))

        if m.possessive and self._word(i + 1) in ("majesty", "highness", "excellency", "holiness"):
            # "His Majesty had received greetings": the leader last named, not whoever speaks of him
            earlier = [self.who(k) for k in range(i - 1, -1, -1) if self.toks[k].kind == "E"
                       and self.ments[self.toks[k].ent].kind != "pronoun"]
            leader = next((p for p in [*earlier, *reversed(self.ctx.recent)]
                           if p and ok(p) and leads_country(p, self.doc.when)), None)
            if leader:
                return leader
        elif m.possessive:
            p = self._possessive_of_object(i, ok)
            if p:
                return p
        if m.text.lower() in ("him", "her") and not m.possessive:
            return self._object_pronoun(i, ok)
        p = self._subject_pronoun(i, ok)
        if p:
            return p
        if self.ctx.last_subject and ok(self.ctx.last_subject):
            return self.ctx.last_subject
        return next((p for p in reversed(self.ctx.recent) if ok(p)), None)

    def _possessive_of_object(self, i: int, ok: Callable[[str | None], bool]) -> str | None:
        """A possessive that refers back to an object rather than to the subject."""
        # "Kim sent a reply to Lukashenko in response to his message": the one being answered
        if self._word(i - 1) == "to" and self._word(i - 2) in ("response", "reply", "answer"):
            subj = self.who(self.subject_idx) if self.subject_idx is not None and self.subject_idx < i else None
            for j in range(i - 3, -1, -1):
                if self.toks[j].kind == "E" and self.ments[self.toks[j].ent].kind != "pronoun":
                    p = self.who(j)
                    if ok(p) and p != subj:
                        return p
        # "thanked Kim for his letter": the possessive follows the object it refers to
        if i >= 3 and self.toks[i - 1].text == "for" and self.toks[i - 2].kind == "E":
            p = self.who(i - 2)
            if ok(p):
                return p
        return None

    def _subject_pronoun(self, i: int, ok: Callable[[str | None], bool]) -> str | None:
        """ "he", "his": the subject of its clause, else of the sentence (after an opening phrase too)."""
        local = self._subject(i)
        if local and 0 <= local[0] < i and self.ments[self.toks[local[0]].ent].kind != "pronoun":
            p = self.who(local[0])
            if ok(p):
                return p
        subj = self.subject_idx
        # "In his letter to Moon, Kim said": the subject after the opening phrase
        if subj is not None and (subj < i or (subj > i and i <= 3)):
            p = self.who(subj)
            if ok(p):
                return p
        return None

    def _object_pronoun(self, i: int, ok: Callable[[str | None], bool]) -> str | None:
        """ "him", "her": someone other than the clause's subject, nearest first."""
        local = self._subject(i)
        subj = local[0] if local and local[0] >= 0 else None
        excluded = self.who(subj) if subj is not None and subj < i else None
        if i >= 2 and self.toks[i - 1].kind == "W" and self.toks[i - 2].kind == "E" and not self.toks[i - 2].poss:
            excluded = self.who(i - 2)  # "the letter Trump left him": him is not the one who left it
        main = self.subject_idx
        if (main is not None and main < i and main != subj and self.ments[self.toks[main].ent].kind != "pronoun"
                and not any(self._word(k) in _CLAUSE_VERBS or self._word(k) in P.REPORT_VERBS for k in range(main + 1, i))):
            p = self.who(main)
            if ok(p) and p != excluded:
                return p  # "Kim received a letter from Xi and Putin sent him a telegram": him is Kim
        for j in range(i - 1, -1, -1):
            if self.toks[j].kind == "E" and self.ments[self.toks[j].ent].kind != "pronoun":
                p = self.who(j)
                if ok(p) and p != excluded:
                    return p
        return next((p for p in reversed(self.ctx.recent) if ok(p) and p != excluded), None)

    def group(self, i: int) -> list[str]:
        """People a plural ("they", "the two leaders") refers to: the latest pair in the article."""
        t = self.toks[i]
        if t.kind != "E":
            return []
        m = self.ments[t.ent]
        if m.kind == "pronoun" and m.pronoun in ("they", "two"):
            local = [k for k in self._subject(i) if 0 <= k < i]
            if len(local) >= 2:  # "Both Biden and Macron, in their messages, ...": the clause's subjects
                return [p for k in local for p in [self.who(k)] if p]
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


_SAME_DAY = re.compile(r"(?i)\b(?:on|the) same (?:day|date)\b")


class _Context:
    """What the article has said so far: recent people, the last subject and the last pair."""

    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        self.recent: list[str] = []
        self.last_subject: str | None = None
        self.last_pair: tuple[str, str] | None = None
        self.partials: list[Hit] = []  # letters with one party named, latest last
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

    def note_sentence(self, reader: ClauseReader) -> None:
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
        if not cands and si > 0 and self.doc.sentences[si - 1].para == sent.para - 1:
            # one sentence a paragraph (wire copy): the sentence just before tells the narrative's time
            cands = [d for s, d in self._para_dates.get(sent.para - 1, []) if s == si - 1]
        anchor = self.doc.anchor
        for d in reversed(cands):
            if d.end >= anchor.start - timedelta(days=RECENT_DAYS) and d.start <= anchor.end:
                return [(d, RANK_CONTEXT)]
        return []
