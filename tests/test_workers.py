"""Extraction workers start warm: libraries loaded, and kept out of the workers' collections."""

import gc
import sys

from scrapers.crawl import _process_pool


def _state() -> tuple[int, bool]:
    return gc.get_freeze_count(), "trafilatura" in sys.modules


def test_a_worker_starts_with_the_libraries_loaded_and_frozen():
    pool = _process_pool(1)
    try:
        frozen, loaded = pool.submit(_state).result(timeout=120)
    finally:
        pool.shutdown()
    assert loaded
    assert frozen > 10_000
