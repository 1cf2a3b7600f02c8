"""Metrics: /metrics also exports the default registry (the crawl's metrics) with no name
twice, the log's figures include events by type from any process, and a worker serves the
same figures on a port of its own."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.parser import text_string_to_metric_families

from events import PageSkipped, SourceAdded
from service.api import create_app
from service.metrics import serve_worker_metrics
from store import Store
from store.sqlite import SQLiteStore
from test_api_support import refresh, settings


def families(text: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for family in text_string_to_metric_families(text):
        assert family.name not in found, f"{family.name} exported twice"
        found[family.name] = family.samples
    return found


def value(samples: list, **labels: str) -> float:
    (match,) = [s.value for s in samples if s.labels == labels]
    return match


@pytest.fixture
def crawl_counter() -> Iterator[Counter]:
    """A counter in the default registry, as scrapers/metrics.py registers its own."""
    counter = Counter("letterwatch_test_fetches", "fetches by outcome", ["outcome"])
    yield counter
    REGISTRY.unregister(counter)


class Impostor:
    """A default-registry collector using a name the API exports itself."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily("letterwatch_log_head", "not the real one", value=-1)


@pytest.fixture
def impostor() -> Iterator[Impostor]:
    collector = Impostor()
    REGISTRY.register(collector)
    yield collector
    REGISTRY.unregister(collector)


def test_the_api_exports_the_default_registry_without_duplicates(sqlite_store: Store,
                                                                 crawl_counter, impostor):
    crawl_counter.labels("fetched").inc(3)
    sqlite_store.append("s", [PageSkipped(url="https://a.example/", reason="duplicate")])
    with TestClient(create_app(settings(), store=sqlite_store)) as client:
        found = families(client.get("/metrics").text)
    assert value(found["letterwatch_test_fetches"], outcome="fetched") == 3
    assert value(found["letterwatch_log_head"]) == 1  # ours, not the impostor's
    assert "process_cpu_seconds" in found or "python_info" in found
    assert "letterwatch_http_requests" in found


def test_log_events_count_every_process_appends_by_type(tmp_path: Path):
    path = tmp_path / "lw.db"
    with SQLiteStore(path) as api_store, SQLiteStore(path) as other_process:
        other_process.append("s", [PageSkipped(url=f"https://a.example/{i}", reason="duplicate")
                                   for i in range(3)])
        with TestClient(create_app(settings(), store=api_store)) as client:
            found = families(client.get("/metrics").text)
            assert value(found["letterwatch_log_events"], type="PageSkipped") == 3
            other_process.append("source-x", [SourceAdded(
                source_id="x", url="https://x.example/feed", kind="feed", interval_seconds=60)])
            other_process.append("s", [PageSkipped(url="https://a.example/9", reason="duplicate")])
            found = families(client.get("/metrics").text)
    assert value(found["letterwatch_log_events"], type="PageSkipped") == 4
    assert value(found["letterwatch_log_events"], type="SourceAdded") == 1
    assert value(found["letterwatch_log_head"]) == 5


def test_the_worker_serves_the_logs_figures_and_the_default_registry(sqlite_store: Store,
                                                                     crawl_counter):
    crawl_counter.labels("not_modified").inc()
    sqlite_store.append("s", [PageSkipped(url="https://a.example/", reason="duplicate")] )
    refresh(sqlite_store)
    sqlite_store.append("s", [PageSkipped(url="https://a.example/2", reason="duplicate")])
    server = serve_worker_metrics(sqlite_store, "127.0.0.1", 0)
    try:
        text = httpx.get(f"http://127.0.0.1:{server.server_port}/metrics", timeout=10).text
    finally:
        server.shutdown()
        server.server_close()
    found = families(text)
    assert value(found["letterwatch_log_head"]) == 2
    assert value(found["letterwatch_projection_lag"], projection="sources") == 1
    assert value(found["letterwatch_store_up"]) == 1
    assert value(found["letterwatch_test_fetches"], outcome="not_modified") == 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_letterwatch_worker_exposes_metrics_on_its_port_and_logs_json(tmp_path: Path):
    with SQLiteStore(tmp_path / "lw.db") as store:
        store.append("s", [PageSkipped(url="https://a.example/", reason="duplicate")])
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERWATCH_")}
    env.update(LETTERWATCH_DATABASE_URL=f"sqlite:///{tmp_path / 'lw.db'}",
               LETTERWATCH_WORKER_METRICS_PORT=str(port), LETTERWATCH_LOG_FORMAT="json")
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], env=env,
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        text = ""
        deadline = time.monotonic() + 60
        while "letterwatch_projection_lag" not in text and time.monotonic() < deadline:
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            except httpx.TransportError:
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    found = families(text)
    assert value(found["letterwatch_log_head"]) == 1
    assert value(found["letterwatch_log_events"], type="PageSkipped") == 1
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert any(f":{port}/metrics" in line["message"] for line in lines)


@pytest.mark.slow
def test_every_scrape_of_several_api_processes_counts_all_their_requests(tmp_path: Path):
    with SQLiteStore(tmp_path / "lw.db") as store:
        store.append("s", [PageSkipped(url="https://a.example/", reason="duplicate")])
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LETTERWATCH_") and k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(LETTERWATCH_DATABASE_URL=f"sqlite:///{tmp_path / 'lw.db'}")
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "api", "--workers", "2",
                             "--port", str(port)], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
                time.sleep(0.2)
        # Fresh connections, so both processes take requests.
        for _ in range(40):
            assert httpx.get(f"{base}/sources", timeout=10).status_code == 200
        scraped = []
        for _ in range(6):
            found = families(httpx.get(f"{base}/metrics", timeout=10).text)
            scraped.append(value(found["letterwatch_http_requests"], method="GET",
                                 route="/sources", status="200"))
            assert value(found["letterwatch_log_head"]) == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    assert scraped == [40.0] * 6, out
