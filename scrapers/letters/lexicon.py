"""Word lists the sentence reader consults beside the frames table (data/lexicon.toml)."""
from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

__all__ = ["load_lexicon", "words"]


@cache
def load_lexicon() -> dict[str, frozenset[str]]:
    """Every list of data/lexicon.toml by name, as a set of words; parsed once."""
    raw = resources.files(__package__).joinpath("data/lexicon.toml").read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    return {name: frozenset(value.split()) for name, value in data.items()}


def words(name: str) -> frozenset[str]:
    """The list called `name`; a KeyError names a list the table lacks."""
    return load_lexicon()[name]


_PLURAL_TITLES = words("plural_titles")
_THANKS = words("thanks")
_PLURAL_HEADS = words("plural_heads")
_SPEECH_WORDS = words("speech_words")
_NOUNS_TAKING_TO = words("nouns_taking_to")
_CABLE_NOT_MAIL = words("cable_not_mail")
_CLAUSE_VERBS = words("clause_verbs")
_TITLE_WORDS = words("title_words")
_HONORIFICS = words("honorifics")
