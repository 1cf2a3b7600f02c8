"""Managing sources over HTTP: every write is an event on the source's stream."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from events import FeedPolled
from service.api import create_app
from store import Store
from test_api_support import AUTH, settings

FEED = {"url": "https://www.example.org/world/rss.xml", "kind": "feed", "name": "Example World",
        "interval_seconds": 1800}


class FakePoll:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, store: Store, source_id: str) -> None:
        self.calls.append(source_id)
        store.append(f"source-{source_id}", [FeedPolled(
            source_id=source_id, url=FEED["url"], status=200, entries_seen=7,
            new_urls=("https://www.example.org/world/1",))])


@pytest.fixture
def poll() -> FakePoll:
    return FakePoll()


@pytest.fixture
def api(store: Store, poll: FakePoll) -> Iterator[TestClient]:
    with TestClient(create_app(settings(), store, poll=poll)) as c:
        yield c


def test_add_a_source_and_read_its_health(api: TestClient, store: Store):
    r = api.post("/sources", json=FEED, headers=AUTH)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/sources/example-world"
    created = r.json()
    assert created["source_id"] == "example-world"  # from the name
    assert created["version"] == 1 and created["healthy"] is True
    assert created["next_poll_at"] is not None and created["last_success_at"] is None
    assert [e.type for e in store.read_stream("source-example-world")] == ["SourceAdded"]
    assert api.get("/sources").json()["items"] == [created]


def test_polling_now_updates_its_health(api: TestClient, poll: FakePoll):
    api.post("/sources", json={**FEED, "source_id": "world"}, headers=AUTH)
    r = api.post("/sources/world/fetch", headers=AUTH)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["polled"] is True and poll.calls == ["world"]
    assert out["source"]["polls"] == 1 and out["source"]["entries_seen"] == 7
    assert out["source"]["last_success_at"] is not None
    assert out["source"]["next_poll_at"] > out["source"]["last_success_at"]


def test_changes_are_checked_against_the_version_you_read(api: TestClient, store: Store):
    api.post("/sources", json={**FEED, "source_id": "world"}, headers=AUTH)
    read = api.get("/sources/world").json()
    r = api.patch("/sources/world", headers=AUTH,
                  json={"enabled": False, "expected_version": read["version"]})
    assert r.status_code == 200 and r.json()["enabled"] is False
    assert r.json()["version"] == read["version"] + 1
    # A second client still holding the old version is refused, and nothing is written.
    stale = api.patch("/sources/world", headers=AUTH,
                      json={"interval_seconds": 60, "expected_version": read["version"]})
    assert stale.status_code == 409
    assert "version 2, not 1" in stale.json()["detail"]
    assert api.get("/sources/world").json()["interval_seconds"] == 1800
    assert store.stream_version("source-world") == 2


def test_removing_a_source_stops_it_and_frees_its_id(api: TestClient, store: Store):
    api.post("/sources", json={**FEED, "source_id": "world"}, headers=AUTH)
    assert api.delete("/sources/world", headers=AUTH).status_code == 204
    assert api.get("/sources/world").status_code == 404
    assert api.get("/sources").json()["items"] == []
    assert api.get("/sources", params={"removed": True}).json()["items"][0]["removed"] is True
    again = api.post("/sources", json={**FEED, "source_id": "world"}, headers=AUTH)
    assert again.status_code == 201 and again.json()["enabled"] is True
    assert [e.type for e in store.read_stream("source-world")] == [
        "SourceAdded", "SourceRemoved", "SourceAdded"]


def test_source_errors_say_what_is_wrong(api: TestClient):
    assert api.post("/sources", json=FEED, headers=AUTH).status_code == 201
    taken = api.post("/sources", json=FEED, headers=AUTH)
    assert taken.status_code == 409 and "exists" in taken.json()["detail"]
    bad = api.post("/sources", json={**FEED, "url": "ftp://example.org/x"}, headers=AUTH)
    assert bad.status_code == 422 and "http" in bad.json()["detail"][0]["msg"]
    bad = api.post("/sources", json={**FEED, "kind": "podcast"}, headers=AUTH)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "kind"]
    bad = api.post("/sources", json={**FEED, "colour": "red"}, headers=AUTH)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "colour"]
    empty = api.patch("/sources/example-world", json={}, headers=AUTH)
    assert empty.status_code == 422
    assert "nothing to change" in empty.json()["detail"][0]["msg"]
    assert api.patch("/sources/none", json={"enabled": False}, headers=AUTH).status_code == 404
    assert api.post("/sources/none/fetch", headers=AUTH).status_code == 404


def test_writes_need_the_admin_token(api: TestClient, store: Store):
    assert api.post("/sources", json=FEED).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert api.post("/sources", json=FEED, headers=wrong).status_code == 401
    assert store.head() == 0
    with TestClient(create_app(settings(admin_token=None), store)) as no_admin:
        r = no_admin.post("/sources", json=FEED, headers=AUTH)
        assert r.status_code == 403 and "LETTERWATCH_ADMIN_TOKEN" in r.json()["detail"]


def test_large_bodies_are_refused_before_they_are_read(store: Store):
    with TestClient(create_app(settings(max_request_bytes=1000), store)) as api:
        r = api.post("/sources", content=b"{" + b" " * 5000 + b"}", headers={
            **AUTH, "Content-Type": "application/json"})
        assert r.status_code == 413
        assert api.post("/sources", json=FEED, headers=AUTH).status_code == 201
