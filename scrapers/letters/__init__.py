"""Correspondence extraction: the letters, messages and telegrams an article says were sent."""
from __future__ import annotations

from events import Finding

__all__ = ["EXTRACTOR_VERSION", "FoundLetter", "extract_letters"]

# Bump whenever the output for some input can change (rules, gazetteer, date handling).
EXTRACTOR_VERSION = "2.0.0"


# A found letter is exactly what the log records of it, so the two are one type.
FoundLetter = Finding


def extract_letters(text: str, *, title: str | None = None, published: str | None = None) -> list[FoundLetter]:
    """Letters reported in `text` (with optional headline and ISO publication date), one per letter."""
    from .extract import extract_raw

    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be str or None, not {type(title).__name__}")
    if published is not None and not isinstance(published, str):
        raise TypeError(f"published must be an ISO date string or None, not {type(published).__name__}")
    if not text.strip() and not (title and title.strip()):
        return []
    return [
        FoundLetter(r.sender, r.recipient, r.kind, r.date, r.via, r.evidence, r.start, r.end, r.confidence, r.reply_to,
                    r.status, r.sender_type, r.recipient_type)
        for r in extract_raw(text, title, published)
    ]
