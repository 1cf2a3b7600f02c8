"""Who writes to whom counts every letter between two people that matches the page's filters,
not only the letters the page lists."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.api import queries
from service.api.queries import LetterFilter, norm
from store import Store
from test_api_support import client, corpus  # noqa: F401 - fixtures

FILTERS = [
    LetterFilter(),
    LetterFilter(since="2019"),
    LetterFilter(until="2019-06"),
    LetterFilter(kind="telegram"),
    LetterFilter(person="Vladimir Putin"),
    LetterFilter(person="kim jong-un", since="2020"),
    LetterFilter(q="letter"),
]


@pytest.mark.parametrize("f", FILTERS, ids=repr)
def test_counts_are_every_matching_letter_between_each_two(corpus: Store, f: LetterFilter):
    m = queries.matrix(corpus, 8, f)
    letters, _ = queries.page_letters(corpus, f, 1000)
    keys = [p["person_id"] for p in m["people"]]
    for i, s in enumerate(keys):
        for j, r in enumerate(keys):
            expected = sum(1 for x in letters if norm(x["sender"]) == s and norm(x["recipient"]) == r)
            assert m["counts"][i][j] == expected, (f, s, r)
    assert sum(map(sum, m["counts"])) > 0


def test_a_person_filter_puts_the_person_first_with_their_correspondents(corpus: Store):
    m = queries.matrix(corpus, 8, LetterFilter(person="Vladimir Putin"))
    assert [p["name"] for p in m["people"]] == ["Vladimir Putin", "Kim Jong Un"]
    assert m["counts"] == [[0, 1], [2, 0]]  # a telegram one way, greetings and a message back


def test_the_page_says_what_it_counts(client: TestClient):
    page = client.get("/", params={"since": "2019"}).text
    assert "that matches the filters, not only those listed" in page
    assert 'title="Kim Jong Un → Donald Trump: 1"' in page  # 2018's letter left out
    assert 'title="Kim Jong Un → Donald Trump: 2"' in client.get("/").text


def test_the_kinds_counted_as_letters_fold_are_the_letters_kinds(corpus: Store):
    counted = corpus.query(f"SELECT kind, letters FROM {queries.KINDS_T} ORDER BY kind")
    actual = corpus.query(f"SELECT kind, COUNT(*) AS letters FROM {queries.LETTERS_T} "
                          "GROUP BY kind ORDER BY kind")
    assert [(r["kind"], int(r["letters"])) for r in counted] == [
        (r["kind"], int(r["letters"])) for r in actual]
    assert queries.kinds(corpus)[0] == "letter"  # the most frequent first
