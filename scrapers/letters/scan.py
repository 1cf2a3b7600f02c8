"""One text being read for parties: its tokens, which characters are taken, and what was found so far."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .entity_patterns import POSS, TOKEN
from .gazetteer import Gazetteer
from .mentions import Mention

__all__ = ["Scan"]


@dataclass(slots=True)
class Scan:
    """One text being read: its tokens, which characters are already taken, and what was found."""

    text: str
    when: date | None
    g: Gazetteer
    toks: list[tuple[int, int, str]]
    taken: bytearray
    head_mask: bytearray
    mentions: list[Mention] = field(default_factory=list)
    named: set[str] = field(default_factory=set)
    bindings: dict[tuple[str, str], str] = field(default_factory=dict)
    generic_aliases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, when: date | None, g: Gazetteer, headline_ranges: list[tuple[int, int]]) -> "Scan":
        toks = [(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(text)]
        head = bytearray(len(text) + 1)
        for x, y in headline_ranges:
            head[x:y] = b"\x01" * (y - x)
        return cls(text, when, g, toks, bytearray(len(text) + 1), head)

    def free(self, a: int, b: int) -> bool:
        return not any(self.taken[a:b])

    def take(self, m: Mention) -> None:
        self.taken[m.start:m.end] = b"\x01" * (m.end - m.start)
        self.mentions.append(m)

    def possessive_after(self, end: int) -> bool:
        return POSS.match(self.text, end) is not None
