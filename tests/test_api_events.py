"""The log over HTTP (paged and live), and the operations endpoints."""

from __future__ import annotations

import threading
import time

import httpx
import orjson
import uvicorn
from fastapi.testclient import TestClient

from events import SourceAdded
from service.api import create_app
from store import Store
from test_api_support import AUTH, client, corpus, settings  # noqa: F401 - fixtures


def test_events_page_on_from_a_position(client: TestClient, corpus: Store):
    first = client.get("/events", params={"limit": 5}).json()
    assert [e["position"] for e in first["items"]] == [1, 2, 3, 4, 5]
    assert first["items"][0]["type"] == "ArticleExtracted"
    assert first["head"] == corpus.head() == 12
    rest = client.get("/events", params={"after": first["next_after"]}).json()
    assert [e["position"] for e in rest["items"]] == list(range(6, 13))
    only = client.get("/events", params={"type": "LettersExtracted"}).json()["items"]
    assert {e["type"] for e in only} == {"LettersExtracted"} and len(only) == 6
    bad = client.get("/events", params={"type": "Nonsense"})
    assert bad.status_code == 422 and "unknown event types" in bad.json()["detail"][0]["msg"]


def test_the_live_tail_resumes_after_last_event_id(corpus: Store):
    server = uvicorn.Server(uvicorn.Config(create_app(settings(), corpus), host="127.0.0.1",
                                           port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        received: list[tuple[str, str, dict]] = []
        # A client that saw position 10 reconnects: it gets 11 and 12, then what comes next.
        with httpx.stream("GET", f"{base}/events/stream", params={"limit": 3},
                          headers={"Last-Event-ID": "10"}, timeout=20) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            appended = False
            message: dict[str, str] = {}
            for line in response.iter_lines():
                if line.startswith(("id:", "event:", "data:")):
                    key, _, value = line.partition(": ")
                    message[key] = value
                elif line == "" and "id" in message:
                    received.append((message["id"], message["event"],
                                     orjson.loads(message["data"])))
                    message = {}
                    if len(received) == 2 and not appended:
                        corpus.append("source-live", [SourceAdded(
                            source_id="live", url="https://live.example/rss", kind="feed")])
                        appended = True
        assert [(i, t) for i, t, _ in received] == [
            ("11", "ArticleExtracted"), ("12", "LettersExtracted"), ("13", "SourceAdded")]
        assert received[2][2]["data"]["source_id"] == "live"
        bad = httpx.get(f"{base}/events/stream", headers={"Last-Event-ID": "x"})
        assert bad.status_code == 422
    finally:
        server.should_exit = True
        thread.join(10)


def test_rebuild_replays_the_log_into_the_same_answers(client: TestClient):
    before = client.get("/letters").json()
    r = client.post("/admin/rebuild", json={"projections": ["letters"]}, headers=AUTH)
    assert r.status_code == 200 and r.json() == {"rebuilt": {"letters": 12}}
    assert client.get("/letters").json() == before
    assert client.post("/admin/rebuild", headers=AUTH).json()["rebuilt"].keys() == {
        "articles", "letters", "sources"}
    bad = client.post("/admin/rebuild", json={"projections": ["nope"]}, headers=AUTH)
    assert bad.status_code == 422
    assert client.post("/admin/rebuild").status_code == 401


def test_readiness_reports_projection_lag(corpus: Store):
    with TestClient(create_app(settings(ready_max_lag=1), corpus)) as c:
        ready = c.get("/readyz", headers=AUTH)
        assert ready.status_code == 200 and ready.json()["ready"] is True
        assert {p["name"]: p["lag"] for p in ready.json()["projections"]} == {
            "articles": 0, "letters": 0, "sources": 0}
        for i in range(3):  # appended, not yet folded: no worker is running here
            corpus.append(f"source-s{i}", [SourceAdded(source_id=f"s{i}",
                                                       url="https://s.example/", kind="feed")])
        behind = c.get("/readyz", headers=AUTH)
        assert behind.status_code == 503
        assert "sources" in behind.json()["detail"]
        # A caller without a token learns only that the server is not ready.
        anonymous = c.get("/readyz")
        assert anonymous.status_code == 503
        assert anonymous.json()["detail"] == "unavailable"
        assert anonymous.json()["projections"] == []
        assert c.get("/healthz").json() == {"status": "ok"}


def test_metrics_count_requests_and_show_the_log(client: TestClient):
    client.get("/letters")
    client.get("/letters/latest")
    client.get("/letters/nope")
    text = client.get("/metrics").text
    assert 'letterwatch_http_requests_total{method="GET",route="/letters",status="200"} 1.0' in text
    assert ('letterwatch_http_requests_total{method="GET",route="/letters/{letter_id}",'
            'status="404"} 1.0') in text
    assert ('letterwatch_http_requests_total{method="GET",route="/letters/latest",'
            'status="200"} 1.0') in text
    assert "letterwatch_log_head 12.0" in text
    assert 'letterwatch_projection_lag{projection="letters"} 0.0' in text
    assert "letterwatch_http_request_seconds_bucket" in text
