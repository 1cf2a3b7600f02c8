"""Page weight and time to first render of the reader's pages (the first page, a letter, a
person, a thread), in Debian's Chromium over loopback, on the generated store of
``bench_api.py`` plus a thread of replies.

    .venv/bin/python bench/bench_pages.py                    # 20,000 letters, 7 loads a page
    .venv/bin/python bench/bench_pages.py --letters 100000

For each page: the bytes transferred (HTML, and everything the page loads: CSS, JS), the
server's time to the last byte of the HTML, and the first contentful paint as Chromium reports
it; medians over the loads, each with a fresh browser context (cold cache). Writes
``bench/results/pages.json``. Needs ``/usr/bin/chromium``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time

from bench_api import ROOT, generate

CHROMIUM = "/usr/bin/chromium"


def add_thread(url: str) -> None:
    """Three letters answering each other, between two of the generated people."""
    from events import ArticleExtracted, Finding, LettersExtracted
    from events.projections import ALL
    from store import open_store
    from store.projector import catch_up

    store = open_store(url)
    a, b = "Leader 000", "Leader 001"
    findings = (
        Finding(sender=a, recipient=b, kind="letter", date="2024-01-05", via=None,
                evidence=f"{a} wrote to {b} on January 5."),
        Finding(sender=b, recipient=a, kind="letter", date="2024-01-20", via=None,
                evidence=f"{b} replied to {a} on January 20.", reply_to=0),
        Finding(sender=a, recipient=b, kind="message", date="2024-02-01", via=None,
                evidence=f"{a} answered the reply on February 1.", reply_to=1))
    text = "Background. " * 40 + " ".join(f.evidence for f in findings) + " More." * 40
    store.append("bench-thread", [
        ArticleExtracted(article_id="thread", url="https://bench.example/thread", title="Letters",
                         text=text, extractor_version="bench", site_name="Bench",
                         published="2024-02-02"),
        LettersExtracted(article_id="thread", extractor_version="bench", letters=findings)])
    for p in ALL.values():
        catch_up(store, p)
    store.close()


def serve(url: str):  # noqa: ANN201
    import uvicorn

    from service.api import create_app
    from service.settings import Settings

    app = create_app(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"


def measure(browser, url: str, loads: int) -> dict[str, float]:  # noqa: ANN001
    html, total, server_ms, fcp = [], [], [], []
    for _ in range(loads):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        responses: list = []
        page.on("response", lambda r, into=responses: into.append(r))
        page.goto(url, wait_until="load")
        timing = page.evaluate("""() => new Promise(done => {
            const nav = performance.getEntriesByType('navigation')[0];
            const ttlb = nav.responseEnd - nav.requestStart;
            new PerformanceObserver(list => {
                const fcp = list.getEntries().find(e => e.name === 'first-contentful-paint');
                if (fcp) done({ttlb, fcp: fcp.startTime});
            }).observe({type: 'paint', buffered: true});
            setTimeout(() => done({ttlb, fcp: -1}), 5000);
        })""")
        # The live-update stream of the first page never ends: it is not page weight.
        sizes = [len(r.body()) for r in responses if "/events/stream" not in r.url]
        html.append(sizes[0])
        total.append(sum(sizes))
        server_ms.append(timing["ttlb"])
        fcp.append(timing["fcp"])
        context.close()
    return {"html_bytes": statistics.median(html), "total_bytes": statistics.median(total),
            "html_ms": round(statistics.median(server_ms), 1),
            "first_paint_ms": round(statistics.median(fcp), 1)}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument("--loads", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/pages.db"
        generate(url, args.letters)
        add_thread(url)
        server, thread, base = serve(url)
        from service.api.queries import LETTERS_T
        from store import open_store

        store = open_store(url)
        reply = store.query(f"SELECT letter_id FROM {LETTERS_T} WHERE in_reply_to IS NOT "
                            "NULL ORDER BY date LIMIT 1")[0]["letter_id"]
        store.close()
        pages = {"first page": "/", "first page, filtered by person": "/?person=Leader+000",
                 "a letter": f"/letter/{reply}", "a person": "/person/leader000",
                 "a thread": f"/thread/{reply}"}
        results = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM,
                                         args=["--headless", "--no-sandbox", "--disable-gpu"])
            for name, path in pages.items():
                measure(browser, base + path, 1)  # warm the server's caches once
                results[name] = measure(browser, base + path, args.loads)
            browser.close()
        server.should_exit = True
        thread.join(10)
    load = os.getloadavg()
    print(f"{args.letters:,} letters; median of {args.loads} cold loads; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'page':34} {'HTML':>9} {'all':>9} {'HTML ms':>8} {'FCP ms':>8}")
    for name, r in results.items():
        print(f"{name:34} {r['html_bytes'] / 1024:8.1f}K {r['total_bytes'] / 1024:8.1f}K "
              f"{r['html_ms']:8.1f} {r['first_paint_ms']:8.1f}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pages.json").write_text(json.dumps(
        {"letters": args.letters, "loads": args.loads, "loadavg": load, "pages": results},
        indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
