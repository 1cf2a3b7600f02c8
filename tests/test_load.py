"""The API stays correct under many connections while a worker ingests: the load bench's
setup (real uvicorn and worker processes, a local site of the benchmark's pages), shortened.
Speed is the bench's business (bench/bench_load.py); here every answer must be a 2xx and
ingestion must go on while the API is busy."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from bench_load import run_load  # noqa: E402

pytestmark = pytest.mark.slow


def test_200_connections_of_mixed_reads_get_no_errors_while_a_worker_ingests():
    # wrk where installed, else an httpx generator in a process of its own.
    r = run_load("sqlite", duration=10, connections=200, letters=1000, pages_total=2000)
    assert r["requests"] > 0
    assert r["errors"] == 0
    assert r["pages_fetched_in_window"] > 0
    assert r["exit_codes_before_stop"] == {"api": None, "worker": None}  # neither died
    assert r["events_by_type_at_end"].get("FetchFailed", 0) == 0
