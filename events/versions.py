"""Ordering of extractor version strings, so a newer extractor's findings win over older ones."""

from __future__ import annotations

import re

_PART = re.compile(r"\d+|[A-Za-z]+")


def version_key(version: str | None) -> tuple[tuple[int, int | str], ...]:
    """"1.10.0" > "1.9.2"; numbers compare as numbers, words as text (numbers first)."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in _PART.findall(version or ""))


def is_older(version: str | None, than: str | None) -> bool:
    return version_key(version) < version_key(than)
