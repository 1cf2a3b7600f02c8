"""Logs: one JSON object per line with the fields a collector indexes, extras and tracebacks
included, for letterwatch's own loggers and uvicorn's alike; text stays text."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from service.logs import configure
from store.sqlite import SQLiteStore


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure() replaces the root handlers; give the next test back what it had."""
    names = ["", "uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi"]
    saved = {n: (logging.getLogger(n).handlers[:], logging.getLogger(n).level,
                 logging.getLogger(n).propagate) for n in names}
    yield
    for n, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(n)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def lines_of(buf: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_json_lines_have_time_level_logger_message_and_extras(restore_logging):
    buf = io.StringIO()
    configure("json", "info", stream=buf)
    logging.getLogger("scrapers.crawl").info(
        "fetched %s", "https://a.example/1\nsecond line",
        extra={"source_id": "yonhap", "url": "https://a.example/1", "outcome": "fetched"})
    logging.getLogger("scrapers.crawl").debug("below the level")
    (line,) = lines_of(buf)  # a newline in the message stays inside its one line
    assert line["level"] == "INFO" and line["logger"] == "scrapers.crawl"
    assert line["message"] == "fetched https://a.example/1\nsecond line"
    assert (line["source_id"], line["url"], line["outcome"]) == (
        "yonhap", "https://a.example/1", "fetched")
    assert datetime.fromisoformat(line["time"]).utcoffset() is not None


def test_a_json_line_carries_the_exception_text(restore_logging):
    buf = io.StringIO()
    configure("json", "info", stream=buf)
    try:
        raise ConnectionError("connection refused by db:5432")
    except ConnectionError:
        logging.getLogger("letterwatch").exception("projection follower failed")
    (line,) = lines_of(buf)
    assert line["level"] == "ERROR" and line["message"] == "projection follower failed"
    assert "Traceback" in line["exception"]
    assert "ConnectionError: connection refused by db:5432" in line["exception"]


def test_text_stays_text(restore_logging):
    buf = io.StringIO()
    configure("text", "warning", stream=buf)
    logging.getLogger("letterwatch").warning("database gone")
    (text,) = buf.getvalue().splitlines()
    assert text.endswith("WARNING letterwatch database gone")
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


@pytest.mark.slow
def test_the_api_logs_json_lines_uvicorn_access_lines_included(tmp_path: Path):
    SQLiteStore(tmp_path / "lw.db").close()
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERWATCH_")}
    env.update(LETTERWATCH_DATABASE_URL=f"sqlite:///{tmp_path / 'lw.db'}",
               LETTERWATCH_LOG_FORMAT="json")
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "api", "--port", str(port)],
                            env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    first: list[str] = []
    try:
        for line in proc.stderr:  # type: ignore[union-attr]
            first.append(line)
            if "Uvicorn running" in line:
                break
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    lines = [json.loads(line) for line in [*first, *err.splitlines()] if line.strip()]
    assert any("Uvicorn running" in line["message"] for line in lines)
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    (access,) = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert (access["method"], access["path"], access["status"]) == ("GET", "/healthz", 200)
    assert any(line["logger"] == "uvicorn.error" and "Shutting down" in line["message"]
               for line in lines)


@pytest.mark.parametrize("text, hidden", [
    ("postgresql://lw:s3cret@db:5432/lw", "s3cret"),
    ("postgresql://lw@db/lw?password=s3cret&sslmode=require", "s3cret"),
    ("host=db user=lw password=s3cret dbname=lw", "s3cret"),
    ("host=db password='s3 cret' dbname=lw", "s3 cret"),
    ("https://hooks.example/in?token=s3cret", "s3cret"),
    ("https://x.example/feed?a=1&api_key=s3cret#top", "s3cret"),
    ("https://x.example/cb#access_token=s3cret", "s3cret"),
    ("https://s3cret@x.example/feed.xml", "s3cret"),
    ("https://bucket.example/o?X-Amz-Signature=s3cret&X-Amz-Credential=s3cret", "s3cret"),
    ("GET /login?next=/&token=s3cret HTTP/1.1", "s3cret"),
    ("failed: https://user:s3cret@x.example/a and https://y.example/?pwd=s3cret", "s3cret"),
])
def test_credentials_in_urls_are_masked(text: str, hidden: str):
    from service.logs import redact

    masked = redact(text)
    assert hidden not in masked and "***" in masked


def test_urls_without_credentials_are_left_alone():
    from service.logs import redact

    for text in ("https://x.example/letters?person=Kim&kind=letter", "postgresql://lw@db/lw",
                 "user@example.org wrote", "monkey=1"):
        assert redact(text) == text


def test_every_log_line_is_masked_whatever_logger_wrote_it(restore_logging):
    buf = io.StringIO()
    configure("json", "info", stream=buf)
    logging.getLogger("letterwatch.test").warning(
        "fetch of %s failed", "https://x.example/f?token=s3cret",
        extra={"url": "https://u:s3cret@x.example/"})
    access = logging.getLogger("uvicorn.access")
    access.setLevel(logging.INFO)  # an in-process uvicorn elsewhere may have raised it
    access.disabled = False
    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1", "GET", "/letters?api_key=s3cret",
                "1.1", 200)
    out = buf.getvalue()
    assert "s3cret" not in out and out.count("***") >= 3
