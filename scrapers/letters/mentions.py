"""A mention of a party in a text: a person, an organisation, a place standing for its leader, a pronoun."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Mention", "party_type"]


@dataclass(slots=True)
class Mention:
    """One reference to a party: a person, an organisation, a place standing for its leader, or a pronoun."""

    start: int
    end: int
    text: str
    kind: str  # name | short | title | place | generic | organisation | pronoun | descriptor
    person: str | None = None  # the canonical name (for an organisation, its name as written)
    possessive: bool = False
    pronoun: str | None = None  # he/she/they/i/two for pronouns and "the two leaders"
    role: str | None = None  # titles and places: "CC:office"; descriptors: official, envoy...; organisations: their type
    party_type: str = "person"  # person | organisation


def party_type(m: Mention) -> str:
    """"person" or "organisation": what a mention stands for as sender or recipient of a letter."""
    return m.party_type
