"""Every read the API makes of a projection table is answered from an index, on both backends.

Each endpoint is called on the corpus while the statements it sends are recorded; each
statement's plan (SQLite ``EXPLAIN QUERY PLAN``, PostgreSQL ``EXPLAIN`` with sequential scans
and sorts priced out, as a large table would price them) must look rows up through an index or the
text index, never read a projection table whole. Reading an index in order is allowed only
under a LIMIT with nothing sorted in between: the rows come out in the order asked for and
reading stops at the page's end.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from service.api import queries
from store import Store
from test_api_support import client, corpus  # noqa: F401 - fixtures

CURSOR = queries.encode_cursor(["2019-06-22", 5, "ffffffffffffffff"])
ARTICLE_CURSOR = queries.encode_cursor([9])

# (endpoint, query parameters): every read route and each filter of /letters.
READS: list[tuple[str, dict[str, Any]]] = [
    ("/letters", {"limit": 50}),
    ("/letters", {"person": "Kim Jong-un", "limit": 50}),
    ("/letters", {"person": "Kim Jong-un", "kind": "letter", "since": "2018"}),
    ("/letters", {"sender": "Donald Trump"}),
    ("/letters", {"recipient": "donald trump"}),
    ("/letters", {"sender": "Kim Jong Un", "recipient": "Vladimir Putin"}),
    ("/letters", {"kind": "telegram", "since": "2020-01-01"}),
    ("/letters", {"since": "2019", "until": "2021"}),
    ("/letters", {"until": "2019-06"}),
    ("/letters", {"q": "birthday"}),
    ("/letters", {"q": '"liberation day" OR greetings -putin'}),
    ("/letters", {"q": "kim", "sort": "relevance"}),
    ("/letters", {"cursor": CURSOR}),
    ("/letters", {"status": "denied"}),
    ("/letters", {"status": "denied", "cursor": CURSOR}),
    # (Two rare statuses together, status=denied,planned, read both through the status index
    # and sort what they found: every denied and planned letter, a small share by design.)
    ("/letters", {"status": "all"}),
    ("/letters", {"status": "reported,claimed,denied", "person": "Kim Jong Un"}),
    ("/letters", {"person": "Kim Jong Un", "cursor": CURSOR}),
    ("/letters/{letter}", {}),
    ("/people", {"limit": 50}),
    ("/people", {"q": "jong"}),
    ("/people", {"offset": 2}),
    ("/people/kimjongun", {}),
    ("/articles", {"limit": 50}),
    ("/articles", {"q": "Kim"}),
    ("/articles", {"cursor": ARTICLE_CURSOR}),
    ("/articles/a3", {}),
    ("/events", {"limit": 100}),
    ("/sources", {}),
    ("/letters.csv", {"limit": 200}),
    ("/letters.csv", {"person": "Kim Jong Un", "q": "letter"}),
    ("/letters.atom", {}),
    ("/letters.atom", {"person": "Donald Trump"}),
]

PROJECTION = re.compile(r"\b[pr]_\w+")


def _record(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[Any]]]:
    seen: list[tuple[str, list[Any]]] = []
    real = store.query

    def query(sql: str, params: Any = ()) -> list[dict[str, Any]]:
        seen.append((sql, list(params)))
        return real(sql, params)

    monkeypatch.setattr(store, "query", query)
    return seen


def sqlite_problems(store: Store, sql: str, params: list[Any]) -> list[str]:
    with store._tx() as conn:  # type: ignore[attr-defined]
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    problems = []
    sorts = any("TEMP B-TREE" in line for line in plan)
    searched = any("_fts VIRTUAL TABLE" in line for line in plan)
    for before, line in zip(plan, plan[1:], strict=False):
        # Sorting what an index found is reading every match: allowed only for text search
        # (its matches have no order of their own); sorting the few rows of LIMITed
        # subqueries being merged is fine, and so is counting what an index search found.
        m = re.match(r"(SCAN|SEARCH) (\w+)", before)
        if ("TEMP B-TREE FOR ORDER BY" in line and m and PROJECTION.fullmatch(m.group(2))
                and not searched):
            problems.append(f"sorts every match: {before} | {plan}")
    for line in plan:
        m = re.match(r"SCAN (\w+)", line)
        if not m or not PROJECTION.fullmatch(m.group(1)):
            continue
        if m.group(1).endswith("_fts"):
            continue  # the full-text index itself ("VIRTUAL TABLE INDEX ... M")
        if "INDEX" not in line:
            problems.append(f"full scan: {line}")
        elif sorts or " LIMIT " not in sql:
            problems.append(f"index read whole, then sorted or unlimited: {line} | {plan}")
    return problems


def _walk(node: dict[str, Any], limited: bool, problems: list[str], parent: str = "") -> None:
    kind = node["Node Type"]
    relation = node.get("Relation Name", "")
    if PROJECTION.fullmatch(relation or ""):
        if kind == "Seq Scan":
            problems.append(f"full scan of {relation}")
        elif kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node and not limited:
            problems.append(f"{relation} read whole through {node.get('Index Name')}")
    # A sort that groups what an index search found, to count it, is not a sort of the output.
    if kind in ("Sort", "Incremental Sort") and not _text_search(node) and parent != "Aggregate":
        for scan in _scans(node):
            problems.append(f"sorts every match of {scan}")
    if kind == "Limit":
        limited = True
    elif kind in ("Sort", "Incremental Sort", "Aggregate", "Hash", "Materialize", "HashAggregate",
                  "Unique", "SetOp"):
        limited = False
    for child in node.get("Plans", []):
        _walk(child, limited, problems, kind)


def _scans(node: dict[str, Any]) -> list[str]:
    """Projection tables read below ``node`` without a LIMIT in between."""
    found = []
    for child in node.get("Plans", []):
        if child["Node Type"] == "Limit":
            continue
        if PROJECTION.fullmatch(child.get("Relation Name") or ""):
            found.append(child["Relation Name"])
        found += _scans(child)
    return found


def _text_search(node: dict[str, Any]) -> bool:
    return "search_tsv" in orjson.dumps(node).decode()


def postgres_problems(store: Store, sql: str, params: list[Any]) -> list[str]:
    with store._tx() as conn:  # type: ignore[attr-defined]
        # On a few rows a sequential scan, or fetching every match and sorting it, is the
        # cheapest plan; priced out, the planner shows the plan it takes on a large table,
        # and still scans or sorts when no index can serve.
        conn.execute("SET LOCAL enable_seqscan = off")
        conn.execute("SET LOCAL enable_sort = off")
        row = conn.execute("EXPLAIN (FORMAT JSON) " + store._sql(sql),  # type: ignore[attr-defined]
                           params).fetchone()
    plan = row[0] if not isinstance(row[0], str) else orjson.loads(row[0])
    problems: list[str] = []
    _walk(plan[0]["Plan"], False, problems)
    return problems


@pytest.mark.parametrize(("path", "params"), READS,
                         ids=[f"{p}?{'&'.join(map(str, q))}" for p, q in READS])
def test_every_read_uses_an_index(client: TestClient, corpus: Store, monkeypatch, path: str,
                                  params: dict[str, Any]):
    letter = client.get("/letters", params={"person": "Donald Trump"}).json()["items"][0]
    seen = _record(corpus, monkeypatch)
    r = client.get(path.format(letter=letter["letter_id"]), params=params)
    assert r.status_code == 200, r.text
    statements = [(sql, p) for sql, p in seen if PROJECTION.search(sql)]
    check = sqlite_problems if type(corpus).__name__ == "SQLiteStore" else postgres_problems
    problems = {sql: found for sql, p in statements if (found := check(corpus, sql, p))}
    assert not problems, problems


def test_the_checks_find_a_full_scan(corpus: Store):
    """The plan checks can fail: a filter on a column no index covers is caught."""
    check = sqlite_problems if type(corpus).__name__ == "SQLiteStore" else postgres_problems
    assert check(corpus, f"SELECT * FROM {queries.LETTERS_T} WHERE via = ? LIMIT 5", ["x"])
    assert check(corpus, f"SELECT * FROM {queries.LETTERS_T} ORDER BY confidence LIMIT 5", [])
    assert check(corpus, f"SELECT kind, COUNT(*) FROM {queries.LETTERS_T} GROUP BY kind", [])
    assert not check(corpus, f"SELECT * FROM {queries.LETTERS_T} WHERE letter_id = ?", ["x"])


@pytest.mark.parametrize("f", [queries.LetterFilter(), queries.LetterFilter(since="2019"),
                               queries.LetterFilter(person="Vladimir Putin", kind="telegram")],
                         ids=repr)
def test_the_who_writes_to_whom_counts_use_indexes(corpus: Store, monkeypatch, f):
    seen = _record(corpus, monkeypatch)
    queries.matrix(corpus, 8, f)
    check = sqlite_problems if type(corpus).__name__ == "SQLiteStore" else postgres_problems
    problems = {sql: found for sql, p in seen if (found := check(corpus, sql, p))}
    assert seen and not problems, problems


@pytest.mark.parametrize("many", [True, False], ids=["very common", "common"])
@pytest.mark.parametrize("params", [{"q": "kim"}, {"q": "kim", "person": "Donald Trump"},
                                    {"q": "letter", "kind": "letter", "since": "2018"}],
                         ids=str)
def test_a_common_word_is_read_in_listing_order(client: TestClient, corpus: Store, monkeypatch,
                                                 params: dict[str, str], many: bool):
    """Past COMMON_MATCHES, SQLite reads the letters in order and tests each against the text
    index: an index read cut at the page's end, never a sort of every match."""
    import store.sqlite

    if type(corpus).__name__ != "SQLiteStore":
        pytest.skip("PostgreSQL's planner chooses from its statistics")
    monkeypatch.setattr(store.sqlite, "COMMON_MATCHES", 0)
    if many:
        monkeypatch.setattr(store.sqlite, "MANY_MATCHES", 0)
    seen = _record(corpus, monkeypatch)
    assert client.get("/letters", params=params).status_code == 200
    (sql, p), = [(sql, p) for sql, p in seen if queries.LETTERS_T in sql]
    assert ("EXISTS" in sql) is many and ("+p_letters" in sql) is not many
    assert not sqlite_problems(corpus, sql, p)
    with corpus._tx() as conn:  # type: ignore[attr-defined]
        plan = " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, p))
    if "MERGE" not in plan:  # (a person's two reads are merged by sorting a page of each)
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
