"""Word classes that decide what counts as sending, receiving or carrying a letter (from the data tables)."""
from __future__ import annotations

import re

from .frames import load_frames
from .lexicon import words

__all__ = [
    "KIND_HEADS", "SEND_VERBS", "DELIVER_VERBS", "RECEIVE_VERBS", "WRITE_VERBS", "REPLY_VERBS", "EXCHANGE_VERBS",
    "CONGRATULATE_VERBS", "MODALS", "NEGATIONS", "CONDITIONALS", "PREPOSITIONS", "SKIPPABLE", "AUXILIARIES",
    "HYPOTHETICAL_MODIFIERS", "DISTINCT_MODIFIERS", "WORD_RE", "SAY_VERBS", "KIND_ORDER",
    "DELIVER_PARTICIPLES", "AUTHOR_PARTICIPLES", "REPORT_VERBS",
]

# The letter nouns and verb classes live in the frames table (data/frames.toml); these names are
# the word classes the reader matches, derived from it. The readings that are not letters (calls,
# speeches, platforms, letters of intent...) are the named filters of data/filters.toml.
_F = load_frames()
KIND_HEADS: dict[str, str | None] = dict(_F.kinds)
# When the mentions of one letter disagree, the more specific word is usually right:
# a telegram is often called a message, rarely the reverse.
KIND_ORDER = ["telegram", "note", "invitation", "letter", "greetings", "message"]

WRITE_VERBS = _F.forms("write")
SEND_VERBS = _F.forms("send") | WRITE_VERBS  # "wrote a letter" sends one
DELIVER_VERBS = _F.forms("deliver")
RECEIVE_VERBS = _F.forms("receive")
REPLY_VERBS = _F.forms("reply")
EXCHANGE_VERBS = _F.forms("exchange")
CONGRATULATE_VERBS = _F.forms("congratulate")
SAY_VERBS = words("say_verbs")
REPORT_VERBS = words("report_verbs")
DELIVER_PARTICIPLES = _F.deliver_participles
AUTHOR_PARTICIPLES = _F.author_participles

MODALS = words("modals")
NEGATIONS = words("negations")
CONDITIONALS = words("conditionals")

PREPOSITIONS = words("prepositions")
AUXILIARIES = words("auxiliaries")
SKIPPABLE = AUXILIARIES

HYPOTHETICAL_MODIFIERS = words("hypothetical_modifiers")
DISTINCT_MODIFIERS = words("distinct_modifiers")

WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
