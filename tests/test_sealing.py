"""Webhook URLs and secrets never reach a reader: sealed in the log, hidden from every view of
it, readable by deliveries with the key, and rotated for logs written before sealing."""

from __future__ import annotations

import json
import re

import orjson
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from events import decode
from service.api import create_app
from service.cli import app as cli
from service.sealing import CannotOpen, Sealer
from service.watches import Deliverer, load_watch, reseal, verify
from store import Store
from store.sqlite import SQLiteStore
from test_api_support import AUTH, SEALING_KEY, corpus, settings  # noqa: F401
from test_watches import Receiver, new_letters

SECRET = "receivers-own-secret-5f1d9a"
URL = "https://hooks.example/in?token=receiver-token-77c2"


def add_watch(api: TestClient) -> dict:
    r = api.post("/watches", headers=AUTH, json={"url": URL, "person": "Kim Jong Un",
                                                  "secret": SECRET})
    assert r.status_code == 201, r.text
    return r.json()


def raw_log(store: Store) -> str:
    return json.dumps(store.query("SELECT data FROM events"))


def test_the_log_holds_neither_url_nor_secret_in_clear(corpus: Store):
    with TestClient(create_app(settings(), corpus)) as api:
        add_watch(api)
    stored = raw_log(corpus)
    assert SECRET not in stored and "receiver-token-77c2" not in stored
    assert "hooks.example" not in stored


def test_no_api_route_the_events_page_or_the_stream_returns_a_secret(corpus: Store):
    app = create_app(settings(), corpus)
    with TestClient(app) as api:
        made = add_watch(api)
        rotated = api.post(f"/watches/{made['watch_id']}/secret", headers=AUTH).json()["secret"]
        secrets = (SECRET, rotated, SEALING_KEY)
        bodies: dict[str, str] = {}
        # Every GET route the API documents, and the pages it does not.
        paths = [p for p, ops in app.openapi()["paths"].items() if "get" in ops]
        for route in [*paths, "/", "/login", "/docs", "/openapi.json", "/metrics"]:
            if route == "/events/stream":
                continue  # endless: read below with a limit
            path = re.sub(r"\{[^}]+\}", "x", route.replace("{watch_id}", made["watch_id"]))
            bodies[path] = api.get(path, headers=AUTH).text
        with api.stream("GET", "/events/stream", params={"after": 0, "limit": corpus.head()},
                        headers=AUTH) as stream:
            bodies["/events/stream"] = "".join(stream.iter_text())
        bodies["/events"] = api.get("/events", params={"limit": 1000}, headers=AUTH).text
    assert len(bodies) > 15 and "WatchAdded" in bodies["/events"]
    assert "WatchResealed" in bodies["/events/stream"]
    for path, body in bodies.items():
        for secret in secrets:
            assert secret not in body, path
        # The URL may carry the receiver's token: only the admin's /watches shows it.
        if not path.startswith("/watches"):
            assert "receiver-token-77c2" not in body, path
    assert URL in bodies[f"/watches/{made['watch_id']}"]


def test_deliveries_open_the_seal_and_sign_with_the_rotated_secret(corpus: Store):
    app = create_app(settings(), corpus)
    with TestClient(app) as api:
        made = add_watch(api)
        rotated = api.post(f"/watches/{made['watch_id']}/secret", headers=AUTH)
        assert rotated.status_code == 200
    new_letters(corpus)
    receiver = Receiver()
    Deliverer(corpus, settings(), send=receiver).run_once()
    (url, headers, body), = receiver.requests
    assert url == URL
    stamp, signature = headers["X-Letterwatch-Timestamp"], headers["X-Letterwatch-Signature"]
    assert verify(rotated.json()["secret"], stamp, body, signature)
    assert not verify(SECRET, stamp, body, signature)


def test_watches_need_a_sealing_key(corpus: Store):
    with TestClient(create_app(settings(secret_key=None), corpus)) as api:
        r = api.post("/watches", headers=AUTH, json={"url": URL, "person": "X"})
    assert r.status_code == 503 and "LETTERWATCH_SECRET_KEY" in r.json()["detail"]
    with pytest.raises(ValueError, match="at least 32 characters"):
        settings(secret_key="short")


def test_without_its_key_a_watch_waits_instead_of_failing(corpus: Store):
    with TestClient(create_app(settings(), corpus)) as api:
        made = add_watch(api)
    new_letters(corpus)
    other = settings(secret_key="another-key-that-did-not-seal-it-0000")
    receiver = Receiver()
    assert Deliverer(corpus, other, send=receiver).run_once() == 0
    assert receiver.requests == []
    assert "not configured" in load_watch(corpus, made["watch_id"], Sealer.from_settings(
        other)).problem
    # The old key, kept as a previous one, opens it; reseal moves it to the new key.
    both = settings(secret_key="another-key-that-did-not-seal-it-0000",
                    previous_secret_keys=[SEALING_KEY])
    assert reseal(corpus, Sealer.from_settings(both)) == {made["watch_id"]: ""}
    assert Deliverer(corpus, other, send=receiver).run_once() == 1
    with pytest.raises(CannotOpen):
        reseal(corpus, Sealer.from_settings(settings()))  # the old key alone no longer opens it


def version_1_watch(store: Store) -> None:
    """A watch as written before sealing: URL and secret in clear."""
    data = orjson.dumps({"watch_id": "old1", "url": URL, "person": "Kim Jong Un",
                         "sender": None, "recipient": None, "secret": SECRET}).decode()
    store._execute_raw(  # type: ignore[attr-defined]
        "INSERT INTO events (position, id, stream, stream_version, type, version, recorded_at, "
        "data) VALUES (1, 'e-old1', 'watch-old1', 1, 'WatchAdded', 1, ?, ?)",
        ("2024-01-01T00:00:00+00:00", data))


def test_a_version_1_watch_is_upcast_hidden_and_still_delivered(tmp_path):
    e = decode("WatchAdded", 1, {"watch_id": "w", "url": URL, "secret": SECRET}, id="x")
    assert (e.legacy_url, e.legacy_secret, e.sealed) == (URL, SECRET, "")
    store = SQLiteStore(tmp_path / "old.db")
    try:
        version_1_watch(store)
        from test_api_support import refresh
        refresh(store)
        with TestClient(create_app(settings(), store)) as api:
            events = api.get("/events", headers=AUTH).text
            assert SECRET not in events and "receiver-token-77c2" not in events
            assert api.get("/watches/old1", headers=AUTH).json()["url"] == URL
        new_letters(store)
        receiver = Receiver()
        Deliverer(store, settings(), send=receiver).run_once()
        (_, headers, body), = receiver.requests
        assert verify(SECRET, headers["X-Letterwatch-Timestamp"], body,
                      headers["X-Letterwatch-Signature"])
    finally:
        store.close()


def test_rotation_of_a_version_1_log_from_the_command_line(tmp_path, monkeypatch):
    db = tmp_path / "old.db"
    store = SQLiteStore(db)
    version_1_watch(store)
    store.close()
    monkeypatch.setenv("LETTERWATCH_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("LETTERWATCH_SECRET_KEY", SEALING_KEY)
    from service.settings import get_settings
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["watches", "reseal", "--rotate"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    new_secret = re.search(r"old1\s+(\S+)", result.output).group(1)
    store = SQLiteStore(db)
    try:
        state = load_watch(store, "old1", Sealer([SEALING_KEY]))
        assert (state.url, state.secret) == (URL, new_secret) and new_secret != SECRET
    finally:
        store.close()


def test_new_key_prints_a_usable_key():
    result = CliRunner().invoke(cli, ["watches", "new-key"])
    key = result.output.strip()
    assert result.exit_code == 0 and len(key) >= 32
    assert Sealer([key]).open(Sealer([key]).seal({"url": "u", "secret": "s"}))["url"] == "u"


def test_previous_keys_are_read_comma_separated_from_the_environment(monkeypatch):
    from service.settings import Settings

    monkeypatch.setenv("LETTERWATCH_PREVIOUS_SECRET_KEYS", "a" * 32 + ", " + "b" * 32)
    s = Settings(_env_file=None, _secrets_dir=None)
    assert [k.get_secret_value() for k in s.previous_secret_keys] == ["a" * 32, "b" * 32]
    assert "a" * 32 not in repr(s)  # secrets stay out of reprs and logs


def test_a_failed_delivery_records_no_url_credentials(corpus: Store):
    with TestClient(create_app(settings(), corpus)) as api:
        made = add_watch(api)
    new_letters(corpus)

    def failing(url: str, headers: dict, body: bytes) -> tuple[None, str]:
        raise OSError(f"cannot reach {url}")  # as some libraries word it

    Deliverer(corpus, settings(), send=failing).run_once()
    assert "receiver-token-77c2" not in raw_log(corpus)
    (attempt,), = load_watch(corpus, made["watch_id"], Sealer([SEALING_KEY])).attempts.values()
    assert "token=***" in attempt.detail
