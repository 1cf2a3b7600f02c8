"""The ``letterwatch`` command: one entry point for every job, sharing the service's core."""

from __future__ import annotations

import faulthandler
import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table as RichTable

from events.projections import ALL
from scrapers.policy import VERSION
from store import Store, StoreError
from store.projector import rebuild_all

from .app import api, serve, worker
from .archive_cli import cc_news_urls, export, import_warc
from .demo import demo
from .settings import SettingsInvalid
from .watches_cli import app as watches_app
from .terminal import (
    console,
    err,
    fail,
    fetch_policy,
    open_configured_store,
    print_letters,
    refresh,
)
from .terminal import folding_progress as _progress


class _App(typer.Typer):
    """The command, turning a database that fails mid-command (read-only, full, locked, gone)
    into one line on stderr and exit code 2, like one that fails to open: the store has
    already rolled back, so there is nothing for a traceback to add. A LETTERWATCH_* value
    that does not parse ends the same way, naming the variable and the form it wants."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except (StoreError, SettingsInvalid) as exc:
            fail(f"{exc}")


app = _App(
    help="letterwatch: track diplomatic correspondence in the news.\n\n"
    "Every command reads the database from LETTERWATCH_DATABASE_URL "
    "(default: sqlite:///letterwatch.db in the working directory).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        console.print(f"letterwatch {VERSION}", highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="print the installed version and exit")] = False,
) -> None:
    """letterwatch: track diplomatic correspondence in the news."""


events_app = typer.Typer(help="Read the event log.", no_args_is_help=True)
app.add_typer(events_app, name="events")

# A crash in a C extension then leaves a Python traceback in the log, not just a signal.
faulthandler.enable()


# --- the log ---------------------------------------------------------------------------------


@events_app.command("count")
def events_count() -> None:
    """How many events the log holds, by type."""
    with open_configured_store() as store:
        counts = store.count()
        table = RichTable("type", "events")
        for name, n in counts.items():
            table.add_row(name, str(n))
        table.add_row("[bold]total", f"[bold]{sum(counts.values())}")
        console.print(table)
        console.print(f"head position: {store.head()}")


@events_app.command("tail")
def events_tail(
    n: Annotated[int, typer.Option("-n", help="how many of the latest events")] = 20,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="keep printing new events")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
) -> None:
    """The latest events, oldest first; with --follow, new ones as they are appended."""
    with open_configured_store() as store:
        after = max(0, store.head() - n)
        while True:
            for r in store.read_all(after=after):
                after = r.position
                if json_out:
                    print(json.dumps(r.as_dict(), ensure_ascii=False), flush=True)
                else:
                    console.print(f"{r.position:>8}  {r.recorded_at:%Y-%m-%d %H:%M:%S}  "
                                  f"[bold]{r.type:<18}[/bold] {r.stream}", highlight=False)
            if not follow:
                return
            try:
                store.wait_for_events(after, timeout=1.0)
            except KeyboardInterrupt:
                return


@events_app.command("show")
def events_show(event_id: Annotated[str, typer.Argument(help="an event id or a position")]) -> None:
    """One event in full, as JSON."""
    with open_configured_store() as store:
        recorded = store.get_event(event_id)
        if recorded is None and event_id.isdigit():
            recorded = next(iter(store.read_all(after=int(event_id) - 1, limit=1)), None)
        if recorded is None:
            err.print(f"[red]error:[/red] no event {event_id!r}")
            raise typer.Exit(1)
        print(json.dumps(recorded.as_dict(), ensure_ascii=False, indent=2))


# --- projections -----------------------------------------------------------------------------


@app.command()
def projections() -> None:
    """Each projection's checkpoint, version and lag behind the log."""
    with open_configured_store() as store:
        for p in ALL.values():
            store.ensure_projection(p)
        head = store.head()
        table = RichTable("projection", "target", "version", "checkpoint", "lag", "updated")
        for cp in store.checkpoints():
            table.add_row(cp.name, cp.target, str(cp.version), str(cp.position),
                          str(head - cp.position), cp.updated_at or "-")
        console.print(table)
        console.print(f"log head: {head}")


@app.command("rebuild")
def rebuild_cmd(
    names: Annotated[list[str] | None, typer.Argument(
        help=f"projections to rebuild ({', '.join(ALL)}); all when none given")] = None,
    no_reextract: Annotated[bool, typer.Option(
        "--no-reextract", help="for letters: fold the findings already in the log")] = False,
) -> None:
    """Replay the log into fresh tables and swap them in; the old ones serve until then.

    The projections named (all when none) are folded together in one read of the log.

    Rebuilding ``letters`` first re-extracts letters for every stored article with the
    current extractor (appended as new events), then folds.
    """
    chosen = names or list(ALL)
    unknown = [n for n in chosen if n not in ALL]
    if unknown:
        err.print(f"[red]error:[/red] unknown projection(s) {unknown}; known: {list(ALL)}")
        raise typer.Exit(2)
    with open_configured_store() as store:
        if "letters" in chosen and not no_reextract:
            _reextract_letters(store)
        progress, update = _progress()
        with progress:
            folded = rebuild_all(store, [ALL[name] for name in dict.fromkeys(chosen)],
                                 progress=update)
        for name, n in folded.items():
            err.print(f"rebuilt {name}: {n} events folded")


def _reextract_letters(store: Store) -> None:
    from scrapers.reextract import reextract_letters

    refresh(store)
    n = reextract_letters(store)
    err.print(f"re-extracted letters for {n} articles")


# --- letters ---------------------------------------------------------------------------------


@app.command()
def letters(
    json_out: Annotated[bool, typer.Option("--json", help="one JSON object per line")] = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="CSV, as GET /letters.csv")] = False,
    person: Annotated[str | None, typer.Option(help="sent or received by")] = None,
    sender: Annotated[str | None, typer.Option(help="sent by")] = None,
    recipient: Annotated[str | None, typer.Option(help="received by")] = None,
    kind: Annotated[str | None, typer.Option(help="letter, message, telegram, ...")] = None,
    since: Annotated[str | None, typer.Option(help="YYYY[-MM[-DD]]")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY[-MM[-DD]], inclusive")] = None,
    status: Annotated[str | None, typer.Option(
        help="reported, claimed, denied, planned (comma-separated) or all; "
        "reported and claimed when not given")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
) -> None:
    """The correspondence found so far, newest first, with the filters of GET /letters."""
    from .api.exports import csv_lines
    from .api.letters import DATE
    from .api.queries import BadInput, LetterFilter, page_letters, parse_statuses

    for name, value in (("since", since), ("until", until)):
        if value and not re.match(DATE, value):
            err.print(f"[red]error:[/red] --{name} {value!r} is not a date like 2019, 2019-06 "
                      "or 2019-06-30")
            raise typer.Exit(2)
    try:
        statuses = parse_statuses(status)
    except BadInput as exc:
        err.print(f"[red]error:[/red] --status: {exc}", highlight=False)
        raise typer.Exit(2) from exc
    f = LetterFilter(sender=sender, recipient=recipient, person=person, kind=kind,
                     since=since, until=until, statuses=statuses)
    with open_configured_store() as store:
        refresh(store)
        if csv_out:
            for chunk in csv_lines(store, f, limit):
                sys.stdout.write(chunk)
            return
        items, _ = page_letters(store, f, limit)
    if json_out:
        for item in items:
            print(json.dumps(item, ensure_ascii=False))
        return
    print_letters(items)


@app.command("extract-letters")
def extract_letters_cmd(
    input_path: Annotated[Path, typer.Argument(help="JSONL: {id, text, title?, published?}")],
    all_statuses: Annotated[bool, typer.Option(
        "--all", help="also letters the article says were denied or only planned")] = False,
) -> None:
    """Find the letters in each article of a JSONL file; one JSON line per article.

    Each letter carries its status: reported and claimed letters are printed, and with --all
    denied and planned ones too."""
    from scrapers.letters.cli import extract_letters_jsonl

    if not input_path.is_file():
        err.print(f"[red]error:[/red] no such file: {input_path}")
        raise typer.Exit(2)
    with input_path.open(encoding="utf-8") as inp:
        extract_letters_jsonl(inp, sys.stdout, all_statuses=all_statuses)


# --- running the service: serve, api, worker (service.app) and demo (service.demo) ----------

app.command()(serve)
app.command()(api)
app.command()(worker)
app.command()(demo)
app.add_typer(watches_app, name="watches")


# --- web archives and the dataset (service.archive_cli) --------------------------------------

app.command("import-warc")(import_warc)
app.command("cc-news-urls")(cc_news_urls)
app.command("export")(export)


# --- crawling and text extraction (scrapers) -------------------------------------------------


def _task_progress(progress: Progress, label: str):
    tasks: dict[str, int] = {}

    def update(what: str, done: int, total: int) -> None:
        if what not in tasks:
            tasks[what] = progress.add_task(f"{label} {what}", total=total or None)
        progress.update(tasks[what], completed=done, total=total or None)

    return update


@app.command()
def crawl(
    source: Annotated[list[str] | None, typer.Option(
        "--source", help="poll this source now, due or not (repeatable)")] = None,
    sources_file: Annotated[Path | None, typer.Option(
        "--sources-file", help="TOML sources file to sync into the log first")] = None,
) -> None:
    """Poll due sources once (or the given ones): fetch, extract, print a summary.

    New pages are fetched politely, their articles and letters extracted and recorded.
    """
    from scrapers.crawl import UnknownSource, crawl_sync
    from scrapers.sources import SourcesFileError, load_sources_file, sync_sources

    with open_configured_store() as store:
        path = sources_file
        if path is not None:
            try:
                changes = sync_sources(store, load_sources_file(path))
            except SourcesFileError as exc:
                err.print(f"[red]error:[/red] {exc}")
                raise typer.Exit(2) from exc
            err.print(f"sources file {path}: {len(changes)} change(s) recorded")
        progress = Progress(TextColumn("{task.description}"), BarColumn(),
                            MofNCompleteColumn(), console=err, transient=True)
        try:
            with progress:
                report = crawl_sync(store, fetch_policy(), source_ids=source or None,
                                    progress=_task_progress(progress, "crawling"))
        except UnknownSource as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
    _print_crawl_report(report)


def _print_crawl_report(report) -> None:
    columns = ("new_urls", "fetched", "not_modified", "failed", "skipped", "articles",
               "duplicates", "letters")
    table = RichTable("source", *(c.replace("_", " ") for c in columns), title="Crawl")
    for source_id, counts in sorted(report.by_source.items()):
        table.add_row(source_id, *(str(counts.get(c, 0)) for c in columns))
    table.add_row("[bold]total", *(f"[bold]{getattr(report, c)}" for c in columns))
    console.print(table)
    if not report.by_source:
        console.print("no source was due")
    for source_id, url, reason in report.problems[:20]:
        console.print(f"[yellow]{source_id}[/yellow] {url}: {reason}", highlight=False)
    if len(report.problems) > 20:
        console.print(f"... and {len(report.problems) - 20} more failures")


@app.command()
def reextract(
    text: Annotated[bool, typer.Option(
        "--text/--no-text", help="re-extract the text of pages read by an older text "
        "extractor")] = True,
    letters: Annotated[bool, typer.Option(
        "--letters/--no-letters", help="re-read the letters of articles read by an older "
        "letters extractor")] = True,
) -> None:
    """Bring every stored page up to the current extractors; nothing is fetched.

    Pages whose text an older text extractor read are extracted again from the stored raw
    page (and their letters read from the new text); then the letters of every article an
    older letters extractor read are read again. The new findings stand in the log next to
    the old ones, the projections are brought up to date, and letters keep their ids.
    """
    from scrapers.extract import EXTRACTOR_VERSION
    from scrapers.pages import letters_extractor
    from scrapers.reextract import reextract_articles, reextract_letters

    with open_configured_store() as store:
        progress = Progress(TextColumn("{task.description}"), BarColumn(),
                            MofNCompleteColumn(), console=err, transient=True)
        with progress:
            if text:
                n = reextract_articles(store, progress=_task_progress(progress, "re-extracting"))
                console.print(f"{n} article(s) re-extracted with text extractor "
                              f"{EXTRACTOR_VERSION}")
            if letters:
                found = letters_extractor()
                if found is None:
                    err.print("[yellow]the letters extractor is not installed: letters "
                              "left as they are[/yellow]")
                else:
                    n = reextract_letters(store, progress=_task_progress(progress, "re-extracting"))
                    console.print(f"{n} article(s) had their letters read again by letters "
                                  f"extractor {found[1]}")
        refresh(store)


@app.command("extract-articles")
def extract_articles_cmd(
    input_path: Annotated[Path, typer.Argument(help="JSONL: {id, html, url?}")],
) -> None:
    """Extract the article of each page in a JSONL file; one JSON line per page.

    Input lines: {id, html, url?}; output lines: {id, title, text, published, language}.
    """
    from scrapers.jsonl import extract_articles_jsonl

    if not input_path.is_file():
        err.print(f"[red]error:[/red] no such file: {input_path}")
        raise typer.Exit(2)
    with input_path.open(encoding="utf-8") as inp:
        extract_articles_jsonl(inp, sys.stdout)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
