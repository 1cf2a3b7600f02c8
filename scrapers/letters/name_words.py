"""Word lists that decide what is a name: honorifics, headline verbs, non-person heads, organisations."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["NameWords", "name_words"]


@dataclass(frozen=True, slots=True)
class NameWords:
    """The lists of data/name_words.toml, as sets for look-up by lower-case word."""

    not_names: frozenset[str]
    honorifics: frozenset[str]
    headline_verbs: frozenset[str]
    not_person_heads: frozenset[str]
    regions: tuple[str, ...]
    organisation_heads: dict[str, str]
    party_types: frozenset[str]
    title_words: frozenset[str]
    honorific_phrases: frozenset[str]
    name_titles: frozenset[str]
    particles: frozenset[str]
    common_short: frozenset[str]
    always_short: frozenset[str]

    def organisation_type(self, word: str) -> str | None:
        """The organisation type a run's last word gives it ("committee", "students"), if any."""
        return self.organisation_heads.get(word.lower())

    def is_party_type(self, org_type: str) -> bool:
        """Whether organisations of this type send or receive letters (a committee does, a ministry is read
        as its minister's office)."""
        return org_type in self.party_types


def _words(value: str | list[str]) -> frozenset[str]:
    return frozenset(value.split() if isinstance(value, str) else value)


@lru_cache(maxsize=1)
def name_words() -> NameWords:
    """The packaged lexicon, parsed once per process."""
    raw = resources.files("scrapers.letters").joinpath("data/name_words.toml").read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    return NameWords(
        not_names=_words(data["not_names"]),
        honorifics=_words(data["honorifics"]),
        headline_verbs=_words(data["headline_verbs"]),
        not_person_heads=_words(data["not_person_heads"]),
        regions=tuple(data["regions"]),
        organisation_heads={k.lower(): v for k, v in data["organisation_heads"].items()},
        party_types=frozenset(k for k, v in data["organisation_types"].items() if v),
        title_words=_words(data["title_words"]),
        honorific_phrases=frozenset(data["honorific_phrases"]),
        name_titles=_words(data["name_titles"]),
        particles=_words(data["particles"]),
        common_short=frozenset(data["common_short"]),
        always_short=frozenset(data["always_short"]),
    )
