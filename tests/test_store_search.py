"""The search syntax, parsed once and written out for FTS5, PostgreSQL and rows in memory."""

from __future__ import annotations

import pytest

from store import search
from store.search import Query, Term


@pytest.mark.parametrize(("text", "expected"), [
    ("kim birthday", Query(((Term(("kim",)),), (Term(("birthday",)),)))),
    ('"Happy  Birthday"', Query(((Term(("happy", "birthday")),),))),
    ("birth*", Query(((Term(("birth",), prefix=True),),))),
    ("letter OR telegram", Query(((Term(("letter",)), Term(("telegram",))),))),
    ("kim -trump", Query(((Term(("kim",)),),), (Term(("trump",)),))),
    ('kim -"donald trump"', Query(((Term(("kim",)),),), (Term(("donald", "trump")),))),
    ("Jong-un", Query(((Term(("jong", "un")),),))),  # one token's words stay together
    ('"unbalanced quote', Query(((Term(("unbalanced", "quote")),),))),
    ("OR kim OR", Query(((Term(("kim",)),),))),  # stray operators are ignored
    ("Ünïcödé ÉTÉ", Query(((Term(("ünïcödé",)),), (Term(("été",)),)))),
])
def test_parse(text: str, expected: Query):
    assert search.parse(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "-kim", "!!! ???", '""', "OR", "_"])
def test_nothing_to_look_for_is_an_error(text: str):
    with pytest.raises(search.SearchError):
        search.parse(text)


def test_too_many_terms_is_an_error():
    with pytest.raises(search.SearchError, match="more than 16"):
        search.parse(" ".join(f"w{i}" for i in range(17)))


def test_engine_syntax_never_comes_from_the_query():
    q = search.parse('NEAR(a b) "x" AND ^y* z:* col:w \'; DROP')
    fts, ts = search.fts5(q), search.tsquery(q)
    # Every word is quoted: nothing the user typed is read as an operator.
    assert fts == ('("near a") AND ("b") AND ("x") AND ("and") AND ("y"*) AND ("z"*) '
                   'AND ("col w") AND ("drop")')
    assert "NEAR(" not in fts and ":" not in fts and "^" not in fts and ";" not in ts
    assert ts.startswith("(('near' <-> 'a')) & (('b'))")


def test_prefix_mode_makes_every_last_word_a_prefix():
    assert search.fts5(search.parse("kim jon", prefix=True)) == '("kim"*) AND ("jon"*)'
    assert search.tsquery(search.parse("kim jon", prefix=True)) == "(('kim':*)) & (('jon':*))"


@pytest.mark.parametrize(("text", "q", "found"), [
    ("Putin sent Kim a telegram.", "kim telegram", True),
    ("Putin sent Kim a telegram.", '"kim a telegram"', True),
    ("Putin sent Kim a telegram.", '"telegram kim"', False),
    ("Putin sent Kim a telegram.", "tele*", True),
    ("Putin sent Kim a telegram.", "tele", False),
    ("Putin sent Kim a telegram.", "kim -putin", False),
    ("Putin sent Kim a telegram.", "letter OR telegram", True),
    (None, "kim", False),
])
def test_matches_in_memory(text: str | None, q: str, found: bool):
    assert search.matches(search.parse(q), text) is found
