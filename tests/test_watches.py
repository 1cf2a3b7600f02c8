"""Watch-lists: each new letter about a person or pair is POSTed once, signed, retried on
failure with backoff, and every attempt is an event in the log."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.watches import Deliverer, load_watch, verify
from store import Store
from test_api_support import AUTH, add_article, corpus, letter, refresh, settings  # noqa: F401


class Receiver:
    """A stand-in webhook receiver: records each request and answers as scripted."""

    def __init__(self, answers: list[int] | None = None) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.answers = list(answers or [])

    def __call__(self, url: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        self.requests.append((url, headers, body))
        status = self.answers.pop(0) if self.answers else 200
        return status, f"HTTP {status}"

    def letters(self) -> list[tuple[str, str]]:
        return [(json.loads(b)["letter"]["sender"], json.loads(b)["letter"]["recipient"])
                for _, _, b in self.requests]


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def watch(store: Store, **body: str) -> dict:
    with TestClient(create_app(settings(), store)) as api:
        r = api.post("/watches", json={"url": "https://hooks.example/letters", **body},
                     headers=AUTH)
        assert r.status_code == 201, r.text
        return r.json()


def new_letters(store: Store) -> None:
    """The same letter reported by two outlets, and one more between other people."""
    for article_id, site in (("n1", "KCNA"), ("n2", "Yonhap")):
        add_article(store, article_id, site=site, published="2024-06-20", title="Putin letter",
                    findings=[letter("Vladimir Putin", "Kim Jong Un", "letter", "2024-06-19",
                                     f"{site}: Putin wrote to Kim Jong Un before his visit.")])
    add_article(store, "n3", site="AP", published="2024-06-21", title="Xi greets Biden",
                findings=[letter("Xi Jinping", "Joe Biden", "message", "2024-06-21",
                                 "Xi sent Biden a message.")])
    refresh(store)


def test_a_new_letter_is_delivered_once_however_many_outlets_report_it(corpus: Store):
    w = watch(corpus, person="Kim Jong-un")
    receiver = Receiver()
    deliverer = Deliverer(corpus, settings(), send=receiver)
    assert deliverer.run_once() == 0  # letters known before the watch are not news
    new_letters(corpus)
    assert deliverer.run_once() == 1
    assert deliverer.run_once() == 0
    assert receiver.letters() == [("Vladimir Putin", "Kim Jong Un")]
    url, headers, body = receiver.requests[0]
    assert url == "https://hooks.example/letters"
    sent = json.loads(body)["letter"]
    assert sent["source_count"] == 2 and sent["outlets"] == ["KCNA", "Yonhap"]
    # The receiver checks the signature with the secret it was given once.
    assert verify(w["secret"], headers["X-Letterwatch-Timestamp"], body,
                  headers["X-Letterwatch-Signature"])
    assert not verify("another secret", headers["X-Letterwatch-Timestamp"], body,
                      headers["X-Letterwatch-Signature"])
    assert headers["X-Letterwatch-Delivery"] == f"{w['watch_id']}:{sent['letter_id']}"
    # The delivery is an event, so a restarted worker knows it was sent.
    delivered = [e for e in corpus.read_stream(f"watch-{w['watch_id']}")
                 if e.type == "WebhookDelivered"]
    assert [(e.event.letter_id, e.event.ok, e.event.status) for e in delivered] == [
        (sent["letter_id"], True, 200)]
    assert Deliverer(corpus, settings(), send=receiver).run_once() == 0


def test_a_pair_watch_sees_only_that_direction(corpus: Store):
    watch(corpus, sender="Xi Jinping", recipient="Joe Biden")
    watch(corpus, sender="Kim Jong Un", recipient="Vladimir Putin")
    receiver = Receiver()
    new_letters(corpus)
    Deliverer(corpus, settings(), send=receiver).run_once()
    assert receiver.letters() == [("Xi Jinping", "Joe Biden")]


def test_failures_are_retried_with_backoff_then_given_up(corpus: Store):
    w = watch(corpus, person="Vladimir Putin")
    new_letters(corpus)
    receiver = Receiver(answers=[500, 503, 500])
    clock = Clock()
    deliverer = Deliverer(corpus, settings(webhook_backoff_seconds=60, webhook_max_attempts=3),
                          send=receiver, clock=clock)
    assert deliverer.run_once() == 1  # attempt 1 fails
    assert deliverer.run_once() == 0  # too soon to try again
    # Waits count from the attempt's time in the log (the fake clock only moves "now").
    clock.offset = timedelta(seconds=61)
    assert deliverer.run_once() == 1  # attempt 2, after 60 s, fails
    clock.offset = timedelta(seconds=100)
    assert deliverer.run_once() == 0  # the next wait is doubled: 120 s
    clock.offset = timedelta(seconds=121)
    assert deliverer.run_once() == 1  # attempt 3 fails: that was the last
    clock.offset = timedelta(days=1)
    assert deliverer.run_once() == 0
    state = load_watch(corpus, w["watch_id"])
    (tries,) = state.attempts.values()
    assert [(t.attempt, t.ok, t.status) for t in tries] == [(1, False, 500), (2, False, 503),
                                                            (3, False, 500)]
    with TestClient(create_app(settings(webhook_max_attempts=3), corpus)) as api:
        shown = api.get(f"/watches/{w['watch_id']}", headers=AUTH).json()
        assert (shown["delivered"], shown["failed"], shown["pending"]) == (0, 1, 0)
        assert [d["status"] for d in shown["deliveries"]] == [500, 503, 500]


def test_a_retry_that_succeeds_is_the_last(corpus: Store):
    watch(corpus, person="Vladimir Putin")
    new_letters(corpus)
    receiver = Receiver(answers=[502])
    clock = Clock()
    deliverer = Deliverer(corpus, settings(webhook_backoff_seconds=10), send=receiver,
                          clock=clock)
    deliverer.run_once()
    clock.offset = timedelta(seconds=11)
    deliverer.run_once()
    clock.offset = timedelta(hours=1)
    deliverer.run_once()
    assert len(receiver.requests) == 2
    # Both attempts carry the same delivery id, for receivers that dedupe.
    assert receiver.requests[0][1]["X-Letterwatch-Delivery"] == \
        receiver.requests[1][1]["X-Letterwatch-Delivery"]


def test_watches_are_managed_with_the_admin_token(corpus: Store):
    with TestClient(create_app(settings(), corpus)) as api:
        assert api.post("/watches", json={"url": "https://h.example/", "person": "X"}
                        ).status_code == 401
        both = api.post("/watches", headers=AUTH, json={
            "url": "https://h.example/", "person": "X", "sender": "Y"})
        assert both.status_code == 422 and "not both" in both.text
        neither = api.post("/watches", headers=AUTH, json={"url": "https://h.example/"})
        assert neither.status_code == 422 and "to watch" in neither.text
        made = api.post("/watches", headers=AUTH, json={"url": "https://h.example/",
                                                         "person": "Kim Jong Un"}).json()
        listed = api.get("/watches", headers=AUTH).json()["items"]
        assert [i["watch_id"] for i in listed] == [made["watch_id"]]
        assert "secret" not in listed[0]  # shown once, at creation
        assert api.delete(f"/watches/{made['watch_id']}", headers=AUTH).status_code == 204
        assert api.get(f"/watches/{made['watch_id']}", headers=AUTH).status_code == 404
        assert api.get("/watches", headers=AUTH).json()["items"] == []


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hook_server():
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_delivery_over_http_to_an_allowed_address(corpus: Store, hook_server: str):
    # Webhooks to private addresses are refused unless allow-listed, like fetches.
    with TestClient(create_app(settings(), corpus)) as api:
        hooked = api.post("/watches", headers=AUTH, json={"url": hook_server,
                                                           "person": "Joe Biden"}).json()
    new_letters_for_hook(corpus)
    refused = Deliverer(corpus, settings(), send=None)
    refused.run_once()
    tries = load_watch(corpus, hooked["watch_id"]).attempts
    (attempt,) = [t for ts in tries.values() for t in ts]
    assert not attempt.ok and "non-public address" in attempt.detail
    assert _Hook.received == []

    allowed = Deliverer(corpus, settings(allow_private=["127.0.0.1"],
                                         webhook_backoff_seconds=0))
    allowed.run_once()
    allowed.close()
    (headers, body), = _Hook.received
    assert json.loads(body)["letter"]["recipient"] == "Joe Biden"
    assert verify(hooked["secret"], headers["X-Letterwatch-Timestamp"], body,
                  headers["X-Letterwatch-Signature"])


def new_letters_for_hook(store: Store) -> None:
    add_article(store, "h1", site="AP", published="2024-07-01", title="Macron to Biden",
                findings=[letter("Emmanuel Macron", "Joe Biden", "letter", "2024-07-01",
                                 "Macron wrote to Biden.")])
    refresh(store)


def test_a_watch_with_nothing_new_costs_no_query(corpus: Store):
    watch(corpus, person="Vladimir Putin")
    deliverer = Deliverer(corpus, settings(), send=Receiver())
    looked: list[str] = []
    real = deliverer._candidates
    deliverer._candidates = lambda w: looked.append(w.watch_id) or real(w)  # type: ignore
    deliverer.run_once()
    deliverer.run_once()
    deliverer.run_once()
    assert len(looked) == 1  # the letters did not change: nothing to look at
    new_letters(corpus)
    assert deliverer.run_once() == 1
    assert len(looked) == 2


def test_a_letter_found_again_by_a_newer_extractor_is_not_sent_again(corpus: Store):
    watch(corpus, person="Xi Jinping")
    receiver = Receiver()
    deliverer = Deliverer(corpus, settings(), send=receiver)
    deliverer.run_once()
    add_article(corpus, "x1", site="AP", published="2024-07-01", title="Xi writes",
                findings=[letter("Xi Jinping", "Lula", "letter", None, "Xi wrote to Lula.")])
    refresh(corpus)
    assert deliverer.run_once() == 1
    (first,) = corpus.query("SELECT letter_id FROM p_letters_letters WHERE sender = 'Xi Jinping'"
                            " AND recipient = 'Lula'")
    # A better extractor finds the date too: the article's findings are replaced, and the
    # letter, though re-created, is the same letter to the reader and to the watch.
    add_article(corpus, "x1", site="AP", published="2024-07-01", title="Xi writes", version="2.0",
                findings=[letter("Xi Jinping", "Lula", "letter", "2024-06-30",
                                 "Xi wrote to Lula on June 30.")])
    refresh(corpus)
    rows = corpus.query("SELECT letter_id, date FROM p_letters_letters "
                        "WHERE sender = 'Xi Jinping' AND recipient = 'Lula'")
    assert rows == [{"letter_id": first["letter_id"], "date": "2024-06-30"}]
    assert deliverer.run_once() == 0
    assert receiver.letters() == [("Xi Jinping", "Lula")]


# --- one slow receiver, an address checked once, no proxy -------------------------------------


class Dripper:
    """A receiver that reads the request, then answers one byte every ``every`` seconds."""

    def __init__(self, every: float = 0.3) -> None:
        import socket

        self.every = every
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn) -> None:
        conn.recv(65536)
        with conn:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" * 100:
                if self.stop.wait(self.every):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def test_a_dripping_receiver_delays_only_its_own_watch(corpus: Store, hook_server: str):
    dripper = Dripper()
    try:
        with TestClient(create_app(settings(), corpus)) as api:
            for url in (f"http://127.0.0.1:{dripper.port}/slow", hook_server):
                assert api.post("/watches", headers=AUTH, json={
                    "url": url, "person": "Joe Biden"}).status_code == 201
        new_letters_for_hook(corpus)
        # Each read gets 5 s and the dripper sends a byte every 0.3 s: only the total
        # deadline per delivery ends it.
        deliverer = Deliverer(corpus, settings(allow_private=["127.0.0.1"], webhook_timeout=5,
                                               webhook_total_timeout=2))
        started = datetime.now(UTC)
        deliverer.run_once(wait=0)
        while not _Hook.received and datetime.now(UTC) - started < timedelta(seconds=1.5):
            threading.Event().wait(0.02)
        assert len(_Hook.received) == 1  # served while the dripper still holds its delivery
        assert deliverer.run_once(wait=10) == 0  # the dripper's pass, still running, is left
        for _ in range(100):
            slow = [w for w in load_watches_of(corpus) if "/slow" in w.url][0]
            if slow.attempts:
                break
            threading.Event().wait(0.05)
        assert datetime.now(UTC) - started < timedelta(seconds=4.5)
        (attempt,), = slow.attempts.values()
        assert not attempt.ok and "within 2 s" in attempt.detail
        deliverer.close()
    finally:
        dripper.close()


def load_watches_of(store: Store):
    from service.sealing import Sealer
    from service.watches import load_watches

    return list(load_watches(store, Sealer.from_settings(settings())).values())


def test_the_checked_address_is_the_one_connected_to(corpus: Store, hook_server: str,
                                                      monkeypatch):
    """DNS rebinding: a name that resolves to an allowed address for the check and to
    another for the connection. The name is resolved once and the request goes where
    the check said."""
    import socket

    port = hook_server.rsplit(":", 1)[1].split("/")[0]
    real = socket.getaddrinfo
    asked: list[str] = []

    def rebinding(host, *args, **kwargs):
        if host == "rebind.example":
            asked.append(host)
            # First the allowed loopback, then the cloud metadata address.
            address = "127.0.0.1" if len(asked) == 1 else "169.254.169.254"
            return real(address, *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    # The stand-in DNS works through socket.getaddrinfo, which uvloop's own resolver bypasses,
    # and older uvicorn releases install uvloop's policy process-wide once a test serves.
    _default_event_loops(monkeypatch)
    with TestClient(create_app(settings(), corpus)) as api:
        api.post("/watches", headers=AUTH, json={"url": f"http://rebind.example:{port}/hook",
                                                  "person": "Joe Biden"})
    new_letters_for_hook(corpus)
    deliverer = Deliverer(corpus, settings(allow_private=["127.0.0.1"],
                                           webhook_total_timeout=3))
    deliverer.run_once()
    deliverer.close()
    assert asked == ["rebind.example"]
    (headers, _), = _Hook.received
    assert headers["Host"] == f"rebind.example:{port}"


def test_proxy_variables_are_ignored_as_by_the_crawler(corpus: Store, hook_server: str,
                                                        monkeypatch):
    # A proxy would connect on letterwatch's behalf, past the address check.
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    with TestClient(create_app(settings(), corpus)) as api:
        api.post("/watches", headers=AUTH, json={"url": hook_server, "person": "Joe Biden"})
    new_letters_for_hook(corpus)
    deliverer = Deliverer(corpus, settings(allow_private=["127.0.0.1"]))
    assert deliverer.run_once() == 1
    deliverer.close()
    assert len(_Hook.received) == 1


def test_a_watch_is_sent_letters_said_to_be_sent_not_denials_or_plans(corpus: Store):
    from events import Finding

    watch(corpus, person="Moon Jae-in")
    receiver = Receiver()
    deliverer = Deliverer(corpus, settings(), send=receiver)
    add_article(corpus, "p1", site="Yonhap", published="2024-03-01", title="Moon to write",
                findings=[Finding("Moon Jae-in", "Kim Jong Un", "letter", "2024-03", None,
                                  "Moon will send Kim a letter.", status="planned")])
    add_article(corpus, "d1", site="AP", published="2024-03-02", title="No letter",
                findings=[Finding("Moon Jae-in", "Xi Jinping", "letter", "2024-01", None,
                                  "Seoul denied Moon wrote to Xi.", status="denied")])
    refresh(corpus)
    assert deliverer.run_once() == 0
    # Another outlet reports the planned letter as sent: now it is news, and delivered once.
    add_article(corpus, "p2", site="KCNA", published="2024-03-09", title="Moon's letter",
                findings=[letter("Moon Jae-in", "Kim Jong Un", "letter", "2024-03-08",
                                 "Moon sent Kim a letter on March 8.")])
    refresh(corpus)
    assert deliverer.run_once() == 1
    assert deliverer.run_once() == 0
    sent = json.loads(receiver.requests[0][2])["letter"]
    assert (sent["recipient"], sent["status"], sent["source_count"]) == (
        "Kim Jong Un", "reported", 2)


def _default_event_loops(monkeypatch) -> None:
    """Asyncio's own event loops for the rest of the test, whatever an earlier test set."""
    monkeypatch.setattr(asyncio.events, "_event_loop_policy", None)
