"""Comparison keys for names: accents, case, dots, hyphens and transliterations folded away."""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from importlib import resources

__all__ = ["norm", "strip_accents"]

_DOTS = re.compile(r"\.")
_SPLIT = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014_]+")
_APOS = re.compile(r"['\u2019\u2018`\u00b4]")


def strip_accents(text: str) -> str:
    """Drop combining marks so "Erdoğan" and "Erdogan" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    # a few letters have no decomposition but are routinely written plainly in English
    return out.translate(str.maketrans({"ı": "i", "İ": "I", "Đ": "D", "đ": "d", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}))


def _load_folds() -> dict[str, str]:
    """Spelling -> key table from data/transliteration.toml ("mohamed" -> "mohammed")."""
    raw = resources.files("scrapers.letters").joinpath("data/transliteration.toml").read_bytes()
    out: dict[str, str] = {}
    for row in tomllib.loads(raw.decode("utf-8")).get("classes", []):
        key = strip_accents(row[0]).lower()
        for spelling in row:
            out.setdefault(_APOS.sub("", strip_accents(spelling).lower()), key)
    return out


_FOLDS = _load_folds()


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Comparison key for a name: no accents, case, dots, apostrophes or hyphens.

    Runs of single letters are joined so "U.S.", "U. S." and "US" share one key,
    as do "George H.W. Bush" and "George H. W. Bush"; transliteration variants of one
    word ("Mohamed", "Muhammad") are folded to one spelling.
    """
    text = strip_accents(text).lower()
    text = _APOS.sub("", _DOTS.sub(" ", text))
    parts = [p for p in _SPLIT.split(text) if p]
    out: list[str] = []
    run = ""
    for p in parts:
        if len(p) == 1:
            run += p
            continue
        if run:
            out.append(run)
            run = ""
        out.append(_FOLDS.get(p, p))
    if run:
        out.append(run)
    return " ".join(out)
