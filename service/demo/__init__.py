"""``letterwatch demo``: the whole product on a local sample site, with no network at all."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from events import SourceAdded, SourceChanged
from events.projections import ARTICLES, LETTERS
from store import table_name

DEMO_SOURCE = "demo-gazette"


def demo(
    once: Annotated[bool, typer.Option("--once", help="exit after printing the letters")] = False,
    port: Annotated[int | None, typer.Option(help="port for the page and API "
                                             "[default: settings.port]")] = None,
    database: Annotated[Path | None, typer.Option(
        help="SQLite file to keep the demo in [default: a fresh temporary one]")] = None,
) -> None:
    """Crawl a local sample news site (no network needed), print the letters, serve them.

    The site runs on 127.0.0.1 from pages shipped with letterwatch.

    It is fetched through the real crawler: robots.txt, feed, pages, text and letters.

    Without --once, the page and the API then run until Ctrl-C.
    """
    from ..settings import get_settings
    from ..terminal import console, err, print_letters, refresh
    from .server import DemoSite

    with tempfile.TemporaryDirectory(prefix="letterwatch-demo-") as tmp:
        db = database or Path(tmp) / "demo.db"
        base = get_settings()
        settings = base.model_copy(update={
            "database_url": f"sqlite:///{db}",
            # The demo site is on loopback, which the crawler refuses unless allow-listed.
            "allow_private": [*base.allow_private, "127.0.0.1"],
            "per_host_delay": min(base.per_host_delay, 0.05),
        })
        site = DemoSite().start()
        try:
            console.print(f"demo news site on {site.base}/ (feed {site.feed_url})")
            store = _open(settings.database_url)
            try:
                _add_source(store, site.feed_url)
                found = _crawl(store, settings, err)
                refresh(store)
                rows = store.query(
                    "SELECT letter_id, sender, recipient, sender_type, recipient_type, kind, status, "
                    "disputed, date, via, source_count, sources "
                    f"FROM {table_name(LETTERS.name, 'letters')} "
                    "ORDER BY sort_date DESC, first_position DESC, "
                    "letter_id DESC")
                articles = store.query(
                    f"SELECT COUNT(*) AS n FROM {table_name(ARTICLES.name, 'articles')}")[0]["n"]
            finally:
                store.close()
            print_letters(rows)
            console.print(f"{articles} articles crawled ({found} listed in the feed), "
                          f"{len(rows)} letters found")
            if not rows:
                err.print("[red]error:[/red] the demo found no letters")
                raise typer.Exit(1)
            if once:
                return
            _serve(settings, port or base.port, err)
        finally:
            site.stop()


def _open(url: str) -> Any:
    from store import open_store

    from events.projections import ALL

    store = open_store(url)
    for p in ALL.values():
        store.ensure_projection(p)
    return store


def _add_source(store: Any, feed_url: str) -> None:
    """The demo feed as a source; on a kept database, moved to this run's port."""
    stream = f"source-{DEMO_SOURCE}"
    events = store.read_stream(stream)
    if not events:
        store.append(stream, [SourceAdded(source_id=DEMO_SOURCE, url=feed_url, kind="feed",
                                          interval_seconds=600, name="The Demo Gazette")])
        return
    store.append(stream, [SourceChanged(source_id=DEMO_SOURCE,
                                        changes={"url": feed_url, "enabled": True})])


def _crawl(store: Any, settings: Any, err: Any) -> int:
    """Fetch the feed and every article through the real crawler, with a progress line."""
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from scrapers.crawl import crawl_sync
    from scrapers.policy import FetchPolicy

    from ..terminal import refresh

    refresh(store)
    policy = FetchPolicy.from_settings(settings)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err,
                  transient=True) as progress:
        task = progress.add_task("crawling the demo site")

        def report(stage: str, done: int, total: int) -> None:
            progress.update(task, description=f"crawling the demo site: {stage} {done}/{total}")

        result = crawl_sync(store, policy, source_ids=[DEMO_SOURCE], progress=report)
    return int(result.new_urls)


def _serve(settings: Any, port: int, err: Any) -> None:
    import uvicorn

    from ..api import create_app
    from ..app import GRACE_SECONDS, Worker

    worker = Worker(settings)
    app = create_app(settings, background=worker)
    err.print(f"open http://{settings.host}:{port}/ for the page, /docs for the API; "
              "Ctrl-C to stop")
    uvicorn.run(app, host=settings.host, port=port, log_level="warning",
                timeout_graceful_shutdown=GRACE_SECONDS)
