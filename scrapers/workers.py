"""Extraction worker processes start warm: the fork server imports this module once, and
every worker forked from it has trafilatura, its date finder and word lists, and the
correspondence extractor's data already loaded, instead of spending the first second of
each crawl loading them."""

from __future__ import annotations

import gc
import os
import sys

from .pages import process_page

_STORY = ("<p>Russian President Vladimir Putin has received a letter from North Korean "
          "leader Kim Jong Un, the Kremlin said on Tuesday, adding that the message was "
          "delivered by the foreign minister during a visit to Moscow last week.</p>") * 4
_SAMPLES = (
    # A full article: the fast path, metadata, clean-up, letters, simhash.
    f"<html lang='en'><head><title>Kim writes to Putin</title></head><body><article>"
    f"<h1>Kim writes to Putin</h1>{_STORY}</article></body></html>",
    # A near-empty page: the fallback comparison with readability and jusText.
    "<html><body><div><p>Short note.</p></div></body></html>",
)


def warm_up() -> None:
    for html in _SAMPLES:
        process_page(html.encode("utf-8"), "https://example.com/warm-up")


# The crawling program's main script, as scrapers.crawl names it: multiprocessing does not run
# a script again in a worker whose __main__ already has that file, and workers only ever run
# scrapers' own functions.
_main_script = os.environ.get("LETTERWATCH_MAIN_SCRIPT")
if _main_script and not hasattr(sys.modules["__main__"], "__file__"):
    sys.modules["__main__"].__file__ = _main_script

warm_up()
# Everything loaded so far lives as long as the workers do. Frozen, the workers' collections
# never walk it: no full collection of the libraries' data in each new worker (some 0.1 s of
# CPU a crawl), and no copy of every page of it that a collection would touch after the fork.
gc.freeze()
