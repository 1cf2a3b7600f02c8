"""The API stays correct under many connections while a worker ingests: the load bench's
setup (real uvicorn and worker processes, a local site of the benchmark's pages), shortened.
Speed is the bench's business (bench/bench_load.py); here every answer must be a 2xx, neither
process may die, and the worker must go on to fetch every page once the load is over.

Nothing here depends on how fast the machine is: how many pages the worker fetches during
the loaded seconds varies with the machine and its other work, so the test does not count
them; it waits, with a bound far above any normal run, for the ingestion to complete."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from bench_load import Services, load  # noqa: E402

pytestmark = pytest.mark.slow

PAGES = 600
PATIENCE = 600  # seconds; a normal run needs well under a minute


def test_200_connections_of_mixed_reads_get_no_errors_while_a_worker_ingests():
    with Services("sqlite", pages_total=PAGES, letters=1000) as s:
        s.wait_for_ingestion(timeout=PATIENCE)
        # wrk where installed, else an httpx generator in a process of its own.
        result = load(s.api_base, s.mix(2), 10, 200, s.scratch)
        assert result["requests"] > 0
        assert result["errors"] == 0
        assert (s.api.poll(), s.worker.poll()) == (None, None)  # neither died under load

        deadline = time.monotonic() + PATIENCE
        while s.fetched() < PAGES and s.worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        log = (s.scratch / "worker.log").read_text(errors="replace")[-3000:]
        assert s.worker.poll() is None, log
        assert s.fetched() == PAGES, log
        assert s.ingested_counts().get("FetchFailed", 0) == 0
