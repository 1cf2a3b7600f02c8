"""Word classes that decide what counts as sending, receiving or carrying a letter."""
from __future__ import annotations

import re

__all__ = [
    "KIND_HEADS", "SEND_VERBS", "DELIVER_VERBS", "RECEIVE_VERBS", "WRITE_VERBS", "REPLY_VERBS", "EXCHANGE_VERBS",
    "CONGRATULATE_VERBS", "MODALS", "NEGATIONS", "CONDITIONALS", "PREPOSITIONS", "SKIPPABLE", "AUXILIARIES",
    "EXCLUDED_MODIFIERS", "SPEECH_UNLESS_ADDRESSED", "HYPOTHETICAL_MODIFIERS", "DISTINCT_MODIFIERS", "WORD_RE", "SAY_VERBS", "KIND_ORDER",
    "DELIVER_PARTICIPLES", "AUTHOR_PARTICIPLES", "PLATFORMS", "MEETING_WORDS", "REPORT_VERBS",
]

# Head nouns and the kind they report; None: a correspondence whose kind the article names elsewhere.
KIND_HEADS: dict[str, str | None] = {
    "letter": "letter", "letters": "letter", "missive": "letter", "missives": "letter",
    "message": "message", "messages": "message",
    "telegram": "telegram", "telegrams": "telegram", "cable": "telegram", "cables": "telegram", "cablegram": "telegram",
    "note": "note", "notes": "note",
    "invitation": "invitation", "invitations": "invitation",
    "greetings": "greetings", "greeting": "greetings",
    "congratulation": None, "congratulations": None, "condolence": None, "condolences": None,
}
# When the mentions of one letter disagree, the more specific word is usually right:
# a telegram is often called a message, rarely the reverse.
KIND_ORDER = ["telegram", "note", "invitation", "letter", "greetings", "message"]

SEND_VERBS = frozenset("""
sent send sends sending wrote write writes writing written penned pen pens dispatched dispatch dispatches
addressed addresses extended extend extends extending fired issued mailed returned forwarded forward forwards
""".split())
DELIVER_VERBS = frozenset("""
delivered deliver delivers delivering handed hand hands handing passed pass passes passing conveyed convey
conveys conveying carried carry carries carrying brought bring brings bringing gave give gives giving given
relayed relay relays relaying transmitted transmit transmits presented hand-delivered hand-deliver
hand-delivers hand-delivering took take takes taking
""".split())
RECEIVE_VERBS = frozenset("""
received receive receives receiving got get gets getting obtained read reads reading
""".split())
WRITE_VERBS = frozenset("wrote write writes writing written penned".split())
REPLY_VERBS = frozenset("replied replies reply responded responds answered".split())
EXCHANGE_VERBS = frozenset("exchanged exchange exchanges exchanging traded".split())
CONGRATULATE_VERBS = frozenset("congratulated congratulates congratulating".split())
SAY_VERBS = frozenset("""
said says say told tells tell stated states noted notes stressed added expressed wished wishes urged asked
called invited praised thanked thanks vowed pledged proposed offered warned reaffirmed emphasised emphasized
highlighted conveyed assured described hailed appreciated mentioned explained
""".split())
REPORT_VERBS = frozenset("""
said says told reported reports announced announces confirmed confirms added revealed reveals published
disclosed according stated quoted
""".split())
DELIVER_PARTICIPLES = frozenset("""
delivered handed hand-delivered carried conveyed passed brought relayed transmitted given forwarded presented
taken sent
""".split())
AUTHOR_PARTICIPLES = frozenset("written signed penned authored".split())

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

# Modifiers that make the noun something other than correspondence sent to someone.
EXCLUDED_MODIFIERS = frozenset("""
tweeted twitter tweet video audio voice televised recorded radio broadcast clear strong powerful stern tough
mixed wrong unmistakable firm stark blunt chilling ominous defiant resolute campaign media public social
speech address open credence intent law chain cover bomb newsletter text email e-mail
""".split())
# A "New Year message" with no addressee is a speech; with one it is a letter.
SPEECH_UNLESS_ADDRESSED = frozenset("year year's years'".split())
HYPOTHETICAL_MODIFIERS = frozenset("planned possible proposed expected potential future upcoming draft hypothetical".split())
DISTINCT_MODIFIERS = frozenset("second third another new separate fresh further earlier previous first".split())
PLATFORMS = frozenset("twitter x truth instagram facebook weibo telegram-channel tiktok youtube social".split())
MEETING_WORDS = frozenset("""
met meet meeting meetings shook handshake face-to-face summit talks cameras reception banquet
""".split())

WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
