"""The cheap test before the full reading: can this article report a letter at all?"""
from __future__ import annotations

import re

from . import patterns as P
from .filters import load_filters
from .lexicon import _CABLE_NOT_MAIL, words
from .sentences import normalize

__all__ = ['may_report_letters', 'trigger_sentences']

# Words without which no letter can be reported.
# Sentences worth reading: those with a word the frames table starts a letter with. The stems
# (the forms' longest common starts) are matched without word boundaries, which is faster and
# can only let more sentences through.
def _stems(words: set[str]) -> set[str]:
    return {w for w in words if not any(o != w and w.startswith(o) for o in words)}


_TRIGGER_STEMS = sorted(_stems(set(P.KIND_HEADS) | P.WRITE_VERBS | P.REPLY_VERBS | P.EXCHANGE_VERBS
                                | P.CONGRATULATE_VERBS))
_TRIGGER_HINT = re.compile("(?i)" + "|".join(map(re.escape, _TRIGGER_STEMS)))


# The same search, case-sensitive, in the text lowered by ``ascii_lowered``.
_TRIGGER_LOWER = (re.compile("|".join(map(re.escape, _TRIGGER_STEMS)))
                  if all(w.isascii() and w.islower() for w in _TRIGGER_STEMS) else None)


def trigger_sentences(text: str, spans: list[tuple[int, int]], lowered: str | None = None) -> list[bool]:
    """For each span of ``text``, whether it holds a word the frames table may start a letter with.
    ``lowered``: ``ascii_lowered(text)``, when known."""
    if _TRIGGER_LOWER is not None and lowered is not None:
        return [_TRIGGER_LOWER.search(lowered, a, b) is not None for a, b in spans]
    return [_TRIGGER_HINT.search(text, a, b) is not None for a, b in spans]


# The pre-check before the full reading. Only a correspondence noun (KIND_HEADS) or a verb of
# writing starts a letter: replies and congratulations attach to a letter found otherwise, and a
# letter only the headline mentions is dropped, so the body must hold one of these words. Each
# candidate is then tested against the rejections the sentence reader makes from its direct
# neighbours alone, so the check never refuses an article the reader would find a letter in.
_PRIMARY_WORDS = frozenset(P.KIND_HEADS) | P.WRITE_VERBS


# Searched in the lowered text without a look-behind (three times faster); the word's start is
# checked afterwards, on the original.
_PRIMARY = re.compile(r"(?:" + "|".join(sorted(map(re.escape, _PRIMARY_WORDS), key=len, reverse=True))
                      + r")(?![a-z0-9])")


_PRIMARY_ANY_CASE = re.compile(_PRIMARY.pattern.replace("a-z0-9", "A-Za-z0-9"), re.I)


_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


# Neighbours as words of any script: a mention (its own tokens) may begin or end with any letter.
_PREV_TOKEN = re.compile(r"(?:([^\W_]+(?:[-'][^\W_]+)*)|(\S))\s*$")


_NEXT_TOKEN = re.compile(r"\s*(?:([^\W_]+(?:[-'][^\W_]+)*)|(\S))")


_WRITE_ADVERBS = frozenset(("back", "personally", "directly", "again", "also"))


# Words that end a noun phrase's left edge (as _SentenceReader._np_left stops), with no modifier.
_NP_STOP = (P.PREPOSITIONS | P.AUXILIARIES | P.SEND_VERBS | P.DELIVER_VERBS | P.RECEIVE_VERBS
            | P.EXCHANGE_VERBS | P.SAY_VERBS | P.REPLY_VERBS
            | {"and", "or", "but", "is", "was", "were", "are", "has", "had", "have", "been"})


# Words _np_left takes as the noun's modifiers before it looks for a stop.
_NP_MODIFIERS = frozenset(("a", "an", "the", "this", "that", "these", "those", "another", "two", "several",
                           "both", "one", "its", "no", "any", "some", "reply", "response", "return", "thank-you",
                           "congratulatory", "written", "signed", "sent", "delivered", "handed"))


# Words after a verb of writing that are neither "to" nor the start of a mention of a person
# ("wrote in", "writes that"), or a possessive, which _write_to never takes as the addressee.
_NOT_ADDRESSEE = (P.PREPOSITIONS - {"to"}) | words("not_addressee")


# Modifiers by which a filter rejects a letter noun outright ("a video message").
_REJECTING_MODIFIERS = load_filters().modifier_words


def _neighbours(text: str, start: int, end: int, cut: bool = False
                ) -> tuple[str | None, str | None, str | None, str | None]:
    """(word before, punctuation before, word after, punctuation after): None where absent.
    ``cut``: ``text`` is a window of a longer text, so what its first token is is unknown ("")."""
    before = _PREV_TOKEN.search(text, 0, start)
    after = _NEXT_TOKEN.match(text, end)
    if before is not None and cut and before.start() == 0:
        return "", None, after.group(1) if after else None, after.group(2) if after else None
    return (before.group(1) if before else None, before.group(2) if before else None,
            after.group(1) if after else None, after.group(2) if after else None)


def _may_start_letter(word: str, text: str, start: int, end: int, cut: bool = False) -> bool:
    """Whether the candidate ``word`` at text[start:end] (normalised text) may start a letter."""
    prev, prev_p, nxt, nxt_p = _neighbours(text, start, end, cut)
    if word in P.WRITE_VERBS:
        while nxt is not None and nxt.lower() in _WRITE_ADVERBS:
            end = _NEXT_TOKEN.match(text, end).end()  # type: ignore[union-attr]
            _, _, nxt, nxt_p = _neighbours(text, end, end)
        if nxt is None:
            return False  # nothing, or punctuation, where "to" or the addressee must be
        if nxt[0].isdigit():
            return False  # no mention starts with a digit
        return not (nxt.islower() and nxt in _NOT_ADDRESSEE)
    if word in ("note", "notes"):
        if nxt in ("that", "how"):
            return False
        if prev is None:  # the text's start, or punctuation other than quotes and hyphens
            return prev_p in ('"', "'", "-")
        if prev.islower() and prev not in _NP_MODIFIERS and prev in _NP_STOP:
            return False  # "of note", "take note": a note nobody sent
    if word.startswith("cable") and ((prev and prev.islower() and prev in _CABLE_NOT_MAIL)
                                     or (nxt and nxt.islower() and nxt in _CABLE_NOT_MAIL)):
        return False
    # "a video message", "a strong message" are no letters; "no letter was sent" is a denied one, kept
    return not (prev and prev.islower() and not word.startswith("greeting") and prev in _REJECTING_MODIFIERS
                and prev not in _NP_STOP and prev not in _NP_MODIFIERS)


def may_report_letters(text: str) -> bool:
    """False when the article cannot report a letter: a cheap test that lets most news skip
    the full reading."""
    lowered = text.lower()
    if len(lowered) == len(text):
        matches = _PRIMARY.finditer(lowered)
    else:  # a letter whose lower case is longer: positions would drift
        lowered, matches = text, _PRIMARY_ANY_CASE.finditer(text)
    for m in matches:
        start, end = m.span()
        if start and text[start - 1] in _ASCII_ALNUM:
            continue  # inside a longer word ("footnote"), not a token of its own
        # Only the neighbourhood is normalised (one character for one): quotes, dashes, spaces.
        lo = max(0, start - 200)
        window = normalize(text[lo:end + 400])
        if _may_start_letter(m.group(0).lower(), window, start - lo, end - lo, cut=lo > 0):
            return True
    return False
