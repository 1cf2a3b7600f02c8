"""A writer or a projection runner killed with SIGKILL loses nothing and half-writes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter

import pytest

from events.projections import ALL
from store import Store
from store.projector import catch_up, rebuild

from folding import projection_rows

BATCH = 25

WRITER = textwrap.dedent(f"""
    import sys
    from events import ArticleExtracted, Finding, LettersExtracted, PageSkipped
    from store import open_store
    store = open_store(sys.argv[1])
    people = ["Kim Jong Un", "Donald Trump", "Xi Jinping", "Vladimir Putin"]
    i = 0
    while True:
        aid = f"a{{i}}"
        batch = [PageSkipped(url=f"https://x.example/{{i}}/{{j}}", reason="r") for j in range({BATCH} - 2)]
        batch.append(ArticleExtracted(article_id=aid, url=f"https://x.example/{{i}}", text=".",
                                      extractor_version="1", published="2019-08-10"))
        batch.append(LettersExtracted(article_id=aid, extractor_version="1", letters=(
            Finding(people[i % 4], people[(i + 1) % 4], "letter", f"2019-0{{i % 9 + 1}}", None, "e"),)))
        store.append(f"article-{{aid}}", batch)
        i += 1
        if i == 20:
            print("ready", flush=True)
""")

RUNNER = textwrap.dedent("""
    import sys
    from events.projections import ALL
    from store import open_store
    from store.projector import catch_up
    store = open_store(sys.argv[1])
    print("ready", flush=True)
    while True:
        for p in ALL.values():
            catch_up(store, p, batch=50)
""")


def store_url(store: Store) -> str:
    schema = getattr(store, "schema", None)
    return f"{store.url}?schema={schema}" if schema else store.url


def start(script: str, url: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", script, url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ})
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        pytest.fail(f"helper process did not start: {proc.stderr.read()}")
    return proc


@pytest.mark.slow
def test_sigkill_mid_append_leaves_only_whole_batches_and_runners_recover(store):
    for p in ALL.values():
        store.ensure_projection(p)
    url = store_url(store)
    writer = start(WRITER, url)
    runner = start(RUNNER, url)
    # Killed once it has written a good number of batches, however long starting took.
    deadline = time.monotonic() + 300
    while len({r.stream for r in store.read_all()}) < 20 and time.monotonic() < deadline:
        assert writer.poll() is None, "the writer ended before it was killed"
        time.sleep(0.1)
    os.kill(runner.pid, signal.SIGKILL)
    time.sleep(0.3)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    runner.wait()

    per_stream = Counter(r.stream for r in store.read_all())
    assert len(per_stream) >= 20
    assert set(per_stream.values()) == {BATCH}  # no partial batch ever reached the log
    positions = [r.position for r in store.read_all()]
    assert positions == list(range(1, len(positions) + 1))

    # The killed runner left checkpoints mid-way; a restarted one must equal a full rebuild.
    assert any(store.checkpoint(p.name).position < store.head() for p in ALL.values())
    for p in ALL.values():
        catch_up(store, p)
    incremental = projection_rows(store)
    for p in ALL.values():
        rebuild(store, p)
    assert projection_rows(store) == incremental
    (n,) = store.query("SELECT COUNT(*) AS n FROM p_articles_articles")
    assert n["n"] == len(per_stream)
