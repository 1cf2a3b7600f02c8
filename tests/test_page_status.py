"""The page's status filter, each letter's status badge and organisations shown as such."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from store import Store
from store.sqlite import SQLiteStore
from test_api_letters_status import COMMITTEE, add_statuses
from served import served
from test_api_support import load_corpus, settings
from test_page import page  # noqa: F401 - fixture


@pytest.fixture
def client(sqlite_store: Store) -> Iterator[TestClient]:
    load_corpus(sqlite_store)
    add_statuses(sqlite_store)
    with TestClient(create_app(settings(), sqlite_store)) as c:
        yield c


def statuses_shown(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('data-status="')[1:]]


def test_the_page_shows_sent_letters_by_default_each_with_its_status(client: TestClient):
    html = client.get("/").text
    assert set(statuses_shown(html)) == {"reported", "claimed"}
    assert 'class="status status-claimed"' in html
    assert "Joe Biden" not in html  # named only by a denied letter
    assert '<option value="" selected>sent (reported or claimed)</option>' in html


def test_the_status_filter_shows_denied_and_planned_letters(client: TestClient):
    denied = client.get("/", params={"status": "denied"}).text
    assert statuses_shown(denied) == ["denied"]
    assert "Joe Biden" in denied
    assert '<option value="denied" selected>' in denied
    assert "/letters.csv?status=denied" in denied  # the exports keep the filter
    assert len(statuses_shown(client.get("/", params={"status": "all"}).text)) == 11


def test_a_disputed_letter_shows_each_reports_status(client: TestClient):
    html = client.get("/", params={"person": "Xi Jinping", "kind": "letter"}).text
    assert statuses_shown(html) == ["reported"]
    assert ">disputed</span>" in html
    assert '<span class="status status-denied">denied</span>' in html  # CNN's report


def test_an_unknown_status_is_a_note_not_an_error(client: TestClient):
    response = client.get("/", params={"status": "rumoured"})
    assert response.status_code == 200
    assert "unknown status" in response.text and "rumoured" in response.text
    assert set(statuses_shown(response.text)) == {"reported", "claimed"}


def test_organisations_are_marked_as_such(client: TestClient):
    html = client.get("/", params={"person": COMMITTEE}).text
    committee = html.split('data-status="claimed"', 1)[1]
    assert 'class="person org"' in committee and 'title="organisation"' in committee
    assert 'class="party-type"' in committee  # a mark beside the name


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the test corpus and the status articles, served on a loopback port."""
    store = SQLiteStore(tmp_path_factory.mktemp("status-page") / "letterwatch.db")
    load_corpus(store)
    add_statuses(store)
    with served(store) as url:
        yield url
    store.close()


@pytest.mark.browser
def test_a_reader_picks_a_status_and_sees_its_badge(page, site: str, tmp_path: Path):  # noqa: F811
    page.goto(site + "/")
    assert page.locator("li.letter[data-status=denied]").count() == 0
    claimed = page.locator("li.letter", has_text=COMMITTEE)
    assert claimed.locator(".who .status").inner_text().lower() == "claimed"
    assert claimed.locator(".party-type").count() == 1

    page.select_option("select[name=status]", "denied")
    page.click("button[type=submit]")
    page.wait_for_url("**/?status=denied")  # the default choice is left out of the address
    letters = page.locator("li.letter")
    assert letters.count() == 1
    assert letters.first.locator(".who").inner_text().startswith("Vladimir Putin → Joe Biden")
    assert letters.first.locator(".who .status").inner_text().lower() == "denied"
    assert page.locator("select[name=status]").input_value() == "denied"

    page.select_option("select[name=status]", "all")
    page.click("button[type=submit]")
    assert page.locator("li.letter[data-status=planned]").count() == 1
    assert page.locator("li.letter .status.disputed").count() == 1
    page.screenshot(path=str(tmp_path / "statuses.png"), full_page=True)
