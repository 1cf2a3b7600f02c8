"""Named filters (data/filters.toml): readings of a letter word that are not correspondence."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .frames import Example, parse_example

__all__ = ["Filter", "Filters", "load_filters", "parse_filters"]


@dataclass(frozen=True, slots=True)
class Filter:
    """One named reason a letter word is not a letter, with the words that give it away."""

    name: str
    why: str
    modifiers: frozenset[str] = frozenset()
    modifiers_unless_addressed: frozenset[str] = frozenset()
    complements: frozenset[str] = frozenset()
    near: frozenset[str] = frozenset()
    window: int = 0
    exchange_only: bool = False
    platforms: frozenset[str] = frozenset()
    except_kinds: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()  # the kinds a "near" test applies to; empty: all
    examples: tuple[Example, ...] = ()
    counterexamples: tuple[Example, ...] = ()


@dataclass(frozen=True, slots=True)
class Filters:
    """All filters, with the word sets the reader and the pre-check test against."""

    rows: tuple[Filter, ...]

    @property
    def modifier_words(self) -> frozenset[str]:
        """Every modifier that rejects a noun whatever else the sentence says."""
        return frozenset().union(*(f.modifiers for f in self.rows))

    @property
    def platform_words(self) -> frozenset[str]:
        return frozenset().union(*(f.platforms for f in self.rows))

    def by_modifier(self, mods: set[str], addressed: bool, kind: str | None = None) -> str | None:
        """The filter a noun phrase's modifiers trip ("a video message"), or None."""
        for f in self.rows:
            if kind in f.except_kinds:
                continue
            if mods & f.modifiers or (not addressed and mods & f.modifiers_unless_addressed):
                return f.name
        return None

    def by_complement(self, word: str) -> str | None:
        """The filter "letter of `word`" trips ("a letter of intent"), or None."""
        return next((f.name for f in self.rows if word in f.complements), None)

    def by_neighbours(self, before: list[str], after: list[str], exchange: bool, kind: str | None = None) -> str | None:
        """The filter a word near the letter word trips; `before` and `after` run outwards from it."""
        for f in self.rows:
            if not f.near or (f.exchange_only and not exchange) or (f.kinds and kind not in f.kinds):
                continue
            if any(w in f.near for w in before[:f.window]) or any(w in f.near for w in after[:f.window]):
                return f.name
        return None


def _words(row: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in row.get(key, []))


def _filter(row: dict[str, Any]) -> Filter:
    near = _words(row, "near")
    if near and not row.get("window"):
        raise ValueError(f"filter {row['name']!r}: 'near' words need a 'window'")
    return Filter(
        name=row["name"], why=row.get("why", ""), modifiers=_words(row, "modifiers"),
        modifiers_unless_addressed=_words(row, "modifiers_unless_addressed"),
        complements=_words(row, "complements"), near=near, window=int(row.get("window", 0)),
        exchange_only=bool(row.get("exchange_only", False)), platforms=_words(row, "platforms"),
        except_kinds=_words(row, "except_kinds"), kinds=_words(row, "kinds"),
        examples=tuple(parse_example(x) for x in row.get("examples", [])),
        counterexamples=tuple(parse_example(x) for x in row.get("counterexamples", [])),
    )


def parse_filters(data: dict[str, Any]) -> Filters:
    """Build the filters from parsed TOML; raises ValueError on a row that cannot work."""
    return Filters(tuple(_filter(row) for row in data["filter"]))


@cache
def load_filters() -> Filters:
    """The filters shipped in the package, parsed once."""
    raw = resources.files(__package__).joinpath("data/filters.toml").read_bytes()
    return parse_filters(tomllib.loads(raw.decode("utf-8")))
