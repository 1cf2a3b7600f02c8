"""Word classes that decide what counts as sending, receiving or carrying a letter."""
from __future__ import annotations

import re

from .frames import load_frames

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
SAY_VERBS = frozenset("""
said says say told tells tell stated states noted notes stressed added expressed wished wishes urged asked
called invited praised thanked thanks vowed pledged proposed offered warned reaffirmed emphasised emphasized
highlighted conveyed assured described hailed appreciated mentioned explained
""".split())
REPORT_VERBS = frozenset("""
said says told reported reports announced announces confirmed confirms added revealed reveals published
disclosed according stated quoted
""".split())
DELIVER_PARTICIPLES = _F.deliver_participles
AUTHOR_PARTICIPLES = _F.author_participles

MODALS = frozenset("""
will would could should may might must shall can 'll going plans plan planned planning intends intend intended
set expected due wants want wanted hopes hope hoped ready willing likely unlikely supposed considering
consider considers mulling weighing preparing prepares prepared tries trying tried seeking seeks sought aims
aimed aiming able
""".split())
NEGATIONS = frozenset("""
not n't never no neither nor didn't hasn't haven't hadn't wasn't weren't doesn't don't isn't aren't cannot
can't won't wouldn't couldn't shouldn't denied deny denies denying refused refuses declined declines without
""".split())
CONDITIONALS = frozenset("if whether unless lest once should".split())

PREPOSITIONS = frozenset("""
to from of for with by at in on about against between toward towards than after before into onto upon via
through over under among amid during like including
""".split())
AUXILIARIES = frozenset("""
has have had was were is are be been being did does do also then reportedly personally recently earlier
already secretly just once again allegedly apparently directly even still now later finally eventually
officially formally warmly quickly immediately separately jointly both too herself himself themselves itself
had've it's back on over along up last this week yesterday today
""".split())
SKIPPABLE = AUXILIARIES

HYPOTHETICAL_MODIFIERS = frozenset("planned possible proposed expected potential future upcoming draft hypothetical".split())
DISTINCT_MODIFIERS = frozenset("second third another new separate fresh further earlier previous first".split())

WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
