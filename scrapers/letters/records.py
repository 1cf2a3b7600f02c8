"""What the reader finds: tokens, mentions of a letter (hits), merged letters."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from .dates import DateSpan

__all__ = ["ArticleContext", "RANK_ATTACHED", "RANK_CONTEXT", "RANK_FALLBACK", "RANK_REPLY", "RANK_REPORT", "RECENT_DAYS", "Hit", "RawLetter", "Tok"]

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
    countries: bool = False  # both parties named only as countries ("the United States' messages to Iran")
    fallback_kind: str | None = None  # the kind when no mention names one ("congratulations": a message)
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
    sender_type: str = "person"
    recipient_type: str = "person"


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


class ArticleContext(Protocol):
    """What a sentence reader needs of the article read so far (discourse._Context provides it)."""

    recent: list[str]
    last_subject: str | None
    last_pair: tuple[str, str] | None
    partials: list[Hit]

    def dates_of(self, si: int) -> list: ...

    def context_dates(self, si: int) -> list: ...
