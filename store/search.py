"""Full-text search queries: one syntax for every backend, parsed here and written out as
SQLite FTS5 or PostgreSQL tsquery text.

The syntax, as the API documents it::

    kim birthday          both words, anywhere, in any order
    "happy birthday"      the words next to each other, in that order
    birth*                a word starting with "birth"
    letter OR telegram    either side (binds tighter than the implicit AND)
    -condolences          leave out what contains the word (or "-a phrase")

Words are runs of letters and digits, compared without case. Anything else in a query is
taken literally as a word separator, so no input can reach either engine's own operators:
an unbalanced quote closes at the end, stray operators are ignored, and a query with no
word to look for is refused (:class:`SearchError`).

Hand-written because each engine's own parser (FTS5 MATCH, websearch_to_tsquery) accepts a
different syntax, and FTS5's raises errors on input users type; this one maps one syntax
onto both, and onto :func:`matches` for rows held in memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Letters and digits: what FTS5's unicode61 tokenizer and PostgreSQL's parser both keep.
WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
MAX_TERMS = 16


class SearchError(ValueError):
    """A query with nothing to search for."""


@dataclass(frozen=True)
class Term:
    """Words to find next to each other (one word: just that word)."""

    words: tuple[str, ...]
    prefix: bool = False  # the last word may be the start of a longer one


@dataclass(frozen=True)
class Query:
    """All of ``groups`` (each: any one of its terms), and none of ``excluded``."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def parse(text: str, *, prefix: bool = False) -> Query:
    """A query in the syntax above; with ``prefix``, every last word matches as a prefix (for
    names typed as they come to mind)."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for m in _TOKEN.finditer(text):
        minus, quoted, bare = m.group(1), m.group(2), m.group(3)
        if bare == "OR":
            join_next = bool(groups)
            continue
        negate = bool(minus)
        star = prefix
        if bare is not None:
            if bare.startswith("-") and len(bare) > 1:
                negate, bare = True, bare[1:]
            star = star or bare.endswith("*")
        found = words(quoted if quoted is not None else bare)
        if not found:
            continue
        # "kim's" or "jong-un": the words of one token stay together, as a phrase.
        term = Term(tuple(found), star)
        if negate:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    if not groups:
        raise SearchError("the search has no word to look for (words are letters and digits; "
                          "-word only leaves out)")
    if len(groups) + len(excluded) > MAX_TERMS or sum(map(len, groups)) > MAX_TERMS:
        raise SearchError(f"the search has more than {MAX_TERMS} terms")
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


def _fts5_term(t: Term) -> str:
    # Every word is quoted: FTS5 reads a quoted string only as words, never as syntax.
    return '"' + " ".join(t.words) + '"' + ("*" if t.prefix else "")


def fts5(q: Query) -> str:
    """The query as an FTS5 MATCH expression."""
    text = " AND ".join("(" + " OR ".join(_fts5_term(t) for t in g) + ")" for g in q.groups)
    for t in q.excluded:
        text = f"({text}) NOT {_fts5_term(t)}"
    return text


def _ts_term(t: Term) -> str:
    # Words are letters and digits only, so quoting them is all the escaping needed.
    lexemes = [f"'{w}'" for w in t.words]
    if t.prefix:
        lexemes[-1] += ":*"
    return "(" + " <-> ".join(lexemes) + ")"


def tsquery(q: Query) -> str:
    """The query as text for PostgreSQL's ``to_tsquery('simple', ...)``."""
    text = " & ".join("(" + " | ".join(_ts_term(t) for t in g) + ")" for g in q.groups)
    for t in q.excluded:
        text += f" & !{_ts_term(t)}"
    return text


def _has(tokens: list[str], t: Term) -> bool:
    n = len(t.words)
    for i in range(len(tokens) - n + 1):
        window = tokens[i:i + n]
        if window[:-1] == list(t.words[:-1]) and (
                window[-1].startswith(t.words[-1]) if t.prefix else window[-1] == t.words[-1]):
            return True
    return False


def matches(q: Query, text: str | None) -> bool:
    """The same test on a text in memory (rows folded from the log as it stood)."""
    tokens = words(text or "")
    return (all(any(_has(tokens, t) for t in g) for g in q.groups)
            and not any(_has(tokens, t) for t in q.excluded))
