"""Claim status and organisations through the API, the exports and the command line.

Lists show what is said to have been sent (reported and claimed letters) unless asked for
more; denied and planned letters are kept and shown on request. Organisations are parties
like persons, marked by their ``party_type``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from events import Finding
from service.api import create_app
from service.cli import app
from service.settings import get_settings
from store import Store
from store.sqlite import SQLiteStore
from test_api_support import add_article, load_corpus, refresh, settings

COMMITTEE = "Central Committee of the Workers' Party of Korea"


def add_statuses(store: Store) -> None:
    """Four more articles: a claim to an organisation, a plan, a denial, and a letter one
    outlet reports as sent while another says it was denied."""
    add_article(store, "s1", site="KCNA", published="2020-01-02", title="Kim writes to the party",
                findings=[Finding("Kim Jong Un", COMMITTEE, "letter", "2020-01", None,
                                  "Kim Jong Un sent a letter to the Central Committee, KCNA said.",
                                  status="claimed", recipient_type="organisation")])
    add_article(store, "s2", site="Yonhap", published="2019-03-01", title="Moon to write",
                findings=[Finding("Moon Jae-in", "Kim Jong Un", "letter", "2019-03", None,
                                  "Moon Jae-in will send Kim Jong Un a letter next week.",
                                  status="planned")])
    add_article(store, "s3", site="TASS", published="2021-06-10", title="No letter, says Kremlin",
                findings=[Finding("Vladimir Putin", "Joe Biden", "letter", "2021-06", None,
                                  "The Kremlin denied that Putin had written to Biden.",
                                  status="denied")])
    add_article(store, "s4", site="CNN", published="2019-02-06", title="Trump's letter to Xi",
                findings=[Finding("Donald Trump", "Xi Jinping", "letter", "2019-02", None,
                                  "A White House aide denied Trump wrote to Xi.",
                                  status="denied")])
    add_article(store, "s5", site="AP", published="2019-02-07", title="Trump wrote to Xi",
                findings=[Finding("Donald Trump", "Xi Jinping", "letter", "2019-02-05", None,
                                  "Trump sent Xi Jinping a letter on Feb. 5.")])
    refresh(store)


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    load_corpus(store)
    add_statuses(store)
    with TestClient(create_app(settings(), store)) as c:
        yield c


def pairs(client: TestClient, **params: str) -> list[tuple[str, str, str]]:
    response = client.get("/letters", params=params)
    assert response.status_code == 200, response.text
    return [(i["sender"], i["recipient"], i["status"]) for i in response.json()["items"]]


def test_the_list_shows_reported_and_claimed_letters_unless_asked_for_more(client: TestClient):
    shown = pairs(client)
    assert ("Kim Jong Un", COMMITTEE, "claimed") in shown
    assert ("Donald Trump", "Xi Jinping", "reported") in shown
    assert {status for _, _, status in shown} == {"reported", "claimed"}
    assert not {("Moon Jae-in", "Kim Jong Un"), ("Vladimir Putin", "Joe Biden")} & {
        (s, r) for s, r, _ in shown}
    assert pairs(client, status="reported,claimed") == shown
    everything = pairs(client, status="all")
    assert len(everything) == len(shown) + 2
    assert set(everything) > set(shown)


def test_denied_and_planned_letters_are_kept_and_shown_when_asked_for(client: TestClient):
    assert pairs(client, status="denied") == [("Vladimir Putin", "Joe Biden", "denied")]
    assert pairs(client, status="planned") == [("Moon Jae-in", "Kim Jong Un", "planned")]
    assert pairs(client, status=" Denied , PLANNED ") == [
        ("Vladimir Putin", "Joe Biden", "denied"), ("Moon Jae-in", "Kim Jong Un", "planned")]
    assert pairs(client, status="claimed") == [("Kim Jong Un", COMMITTEE, "claimed")]
    # Status combines with the other filters.
    assert pairs(client, status="all", person="Kim Jong Un", since="2019-03", until="2019-03") \
        == [("Moon Jae-in", "Kim Jong Un", "planned")]


def test_an_unknown_status_is_a_clear_error(client: TestClient):
    response = client.get("/letters", params={"status": "reported,rumoured"})
    assert response.status_code == 422
    assert "rumoured" in response.text and "denied" in response.text
    assert client.get("/letters.csv", params={"status": "sent"}).status_code == 422
    assert client.get("/people", params={"status": "maybe"}).status_code == 422


def test_a_letter_reported_by_one_outlet_and_denied_by_another_is_reported_and_disputed(
        client: TestClient):
    (item,) = client.get("/letters", params={"sender": "Donald Trump",
                                             "recipient": "Xi Jinping"}).json()["items"]
    assert (item["status"], item["disputed"]) == ("reported", True)
    assert item["date"] == "2019-02-05"
    assert sorted((s["site_name"], s["status"]) for s in item["sources"]) == [
        ("AP", "reported"), ("CNN", "denied")]
    detail = client.get(f"/letters/{item['letter_id']}").json()
    assert (detail["status"], detail["disputed"]) == ("reported", True)


def test_a_denied_letter_is_found_by_its_id_whatever_the_list_shows(client: TestClient):
    (denied,) = client.get("/letters", params={"status": "denied"}).json()["items"]
    detail = client.get(f"/letters/{denied['letter_id']}")
    assert detail.status_code == 200
    assert detail.json()["status"] == "denied" and not detail.json()["disputed"]


def test_as_of_filters_statuses_as_the_live_tables_do(client: TestClient):
    for status in (None, "denied", "all", "claimed,planned"):
        params = {"status": status} if status else {}
        live = client.get("/letters", params=params).json()["items"]
        then = client.get("/letters", params={**params, "as_of": 10_000}).json()["items"]
        assert [i["letter_id"] for i in then] == [i["letter_id"] for i in live]


def test_latest_shows_only_letters_said_to_be_sent(client: TestClient):
    latest = client.get("/letters/latest", params={"limit": 200}).json()["items"]
    assert {i["status"] for i in latest} == {"reported", "claimed"}
    assert [i["letter_id"] for i in latest] == [
        i["letter_id"] for i in client.get("/letters", params={"limit": 200}).json()["items"]]


def test_organisations_are_parties_with_their_type(client: TestClient):
    (item,) = client.get("/letters", params={"recipient": COMMITTEE}).json()["items"]
    assert (item["sender_type"], item["recipient_type"]) == ("person", "organisation")
    people = {p["name"]: p for p in client.get("/people").json()["items"]}
    assert people[COMMITTEE]["party_type"] == "organisation"
    assert people[COMMITTEE]["received"] == 1
    assert people["Kim Jong Un"]["party_type"] == "person"
    committee = client.get(f"/people/{COMMITTEE}").json()
    assert committee["party_type"] == "organisation"
    assert [(c["name"], c["party_type"], c["received"]) for c in committee["counterparts"]] == [
        ("Kim Jong Un", "person", 1)]
    kim = client.get("/people/kimjongun").json()
    assert {c["name"]: c["party_type"] for c in kim["counterparts"]}[COMMITTEE] == "organisation"


def test_people_count_the_letters_of_the_statuses_asked_for(client: TestClient):
    names = {p["name"] for p in client.get("/people", params={"limit": 200}).json()["items"]}
    assert "Joe Biden" not in names  # only a denied letter names him
    assert client.get("/people/Joe Biden").status_code == 404
    everyone = {p["name"]: p for p in client.get(
        "/people", params={"status": "all", "limit": 200}).json()["items"]}
    assert everyone["Joe Biden"]["received"] == 1
    biden = client.get("/people/Joe Biden", params={"status": "denied"}).json()
    assert [(l["sender"], l["status"]) for l in biden["letters_list"]] == [
        ("Vladimir Putin", "denied")]
    kim_default = client.get("/people/Kim Jong Un").json()
    kim_all = client.get("/people/Kim Jong Un", params={"status": "all"}).json()
    assert kim_all["received"] == kim_default["received"] + 1  # Moon's planned letter


def test_csv_and_atom_say_each_letters_status(client: TestClient):
    rows = list(csv.DictReader(io.StringIO(client.get(
        "/letters.csv", params={"status": "all"}).text)))
    by_pair = {(r["sender"], r["recipient"]): r for r in rows}
    assert by_pair[("Vladimir Putin", "Joe Biden")]["status"] == "denied"
    assert by_pair[("Donald Trump", "Xi Jinping")]["disputed"] == "yes"
    assert by_pair[("Kim Jong Un", COMMITTEE)]["recipient_type"] == "organisation"
    assert by_pair[("Kim Jong Un", "Donald Trump")]["status"] == "reported"
    assert list(rows[0])[:12] == ["letter_id", "date", "kind", "sender", "recipient", "via",
                                  "in_reply_to", "source_count", "outlets",
                                  "first_reported_at", "urls", "evidence"]  # as before
    default_rows = list(csv.DictReader(io.StringIO(client.get("/letters.csv").text)))
    assert {r["status"] for r in default_rows} == {"reported", "claimed"}

    atom = ElementTree.fromstring(client.get("/letters.atom", params={"status": "all"}).content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = {e.findtext("a:title", namespaces=ns): e for e in atom.findall("a:entry", ns)}
    denied = entries["Vladimir Putin → Joe Biden: letter (2021-06) [denied]"]
    assert {c.get("term") for c in denied.findall("a:category", ns)} == {"letter", "denied"}
    assert "Kim Jong Un → Donald Trump: letter (2018-07-06)" in entries  # reported: as before


# --- the command line --------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "cli.db"
    monkeypatch.setenv("LETTERWATCH_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    with SQLiteStore(path) as store:
        add_statuses(store)
    yield path
    get_settings.cache_clear()


def cli_pairs(*args: str) -> list[tuple[str, str, str]]:
    result = runner.invoke(app, ["letters", "--json", *args])
    assert result.exit_code == 0, result.output
    return [(i["sender"], i["recipient"], i["status"])
            for i in map(json.loads, result.stdout.splitlines())]


def test_cli_letters_shows_sent_letters_and_others_with_status(db):
    assert {s for _, _, s in cli_pairs()} == {"reported", "claimed"}
    assert cli_pairs("--status", "denied") == [("Vladimir Putin", "Joe Biden", "denied")]
    assert len(cli_pairs("--status", "all")) == 4  # the disputed letter is one letter
    table = runner.invoke(app, ["letters", "--status", "all"], env={"COLUMNS": "250"}).output
    assert "denied" in table and "planned" in table and "(disputed)" in table
    assert f"{COMMITTEE} (org)" in table


def test_cli_letters_refuses_an_unknown_status(db):
    result = runner.invoke(app, ["letters", "--status", "sent"])
    assert result.exit_code == 2
    assert "sent" in result.output and "reported, claimed, denied, planned" in result.output


# --- how SQLite answers a status filter ----------------------------------------------------------


def plan(store: Store, f) -> str:
    from service.api.queries import ORDER, _SELECT_LETTERS

    where, params = f.where(store)
    sql = _SELECT_LETTERS + (f" WHERE {where}" if where else "") + ORDER + " LIMIT 51"
    return " | ".join(r["detail"] for r in store.query("EXPLAIN QUERY PLAN " + sql, params))


def test_the_default_list_walks_the_date_order_and_rare_statuses_use_their_index(
        sqlite_store: Store):
    from service.api.queries import LetterFilter, parse_statuses

    load_corpus(sqlite_store)
    add_statuses(sqlite_store)
    # Most letters are reported: the default page must come from the date order, stopping
    # at the page's end, not from sorting every letter the status index returns.
    default = plan(sqlite_store, LetterFilter())
    assert "USE TEMP B-TREE FOR ORDER BY" not in default, default
    assert "status=?" not in default, default
    # Denied or planned letters are few: the status index finds them.
    assert "(status=?" in plan(sqlite_store, LetterFilter(statuses=parse_statuses("denied")))


def test_a_party_is_an_organisation_only_when_every_letter_names_it_as_one(store: Store):
    load_corpus(store)
    add_statuses(store)
    # One report takes Kim Jong Un for an organisation: he stays a person.
    add_article(store, "o1", site="AP", published="2025-01-02", title="Kim writes",
                findings=[Finding("Kim Jong Un", "Donald Trump", "letter", "2025-01", None,
                                  "Kim wrote to Trump.", sender_type="organisation")])
    refresh(store)
    with TestClient(create_app(settings(), store)) as client:
        people = {p["name"]: p["party_type"] for p in client.get("/people").json()["items"]}
        assert people["Kim Jong Un"] == "person" and people[COMMITTEE] == "organisation"
        trump = client.get("/people/Donald Trump").json()
        assert {c["name"]: c["party_type"] for c in trump["counterparts"]}["Kim Jong Un"] == \
            "person"
