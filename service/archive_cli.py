"""Commands for web archives and datasets: ``import-warc``, ``cc-news-urls`` and ``export``."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn,
                           TimeElapsedColumn, TransferSpeedColumn)
from rich.table import Table as RichTable


def import_warc(
    archives: Annotated[list[str], typer.Argument(
        help="WARC or ARC files (gzipped or not), or http(s) URLs of them")],
    host: Annotated[list[str] | None, typer.Option(
        "--host", help="keep pages of this host and its subdomains (repeatable)")] = None,
    hosts_file: Annotated[Path | None, typer.Option(
        "--hosts-file", help="a file of hosts to keep, one a line (# comments)")] = None,
    since: Annotated[str | None, typer.Option(
        help="keep records captured on or after YYYY[-MM[-DD]]")] = None,
    until: Annotated[str | None, typer.Option(
        help="keep records captured up to YYYY[-MM[-DD]], inclusive")] = None,
    language: Annotated[str | None, typer.Option(
        help="keep pages in this language (en, fr...); pages that do not say are kept")] = None,
    letters_only: Annotated[bool, typer.Option(
        "--letters-only", help="extract only pages with words that may report a letter")
    ] = False,
    workers: Annotated[int | None, typer.Option(
        min=1, help="extraction processes (default: the extract_workers setting)")] = None,
    max_bytes: Annotated[int | None, typer.Option(
        "--max-bytes", min=1, help="largest archive downloaded from a URL, in bytes")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="the summary as JSON")] = False,
) -> None:
    """Import web archives: each HTML page they hold is recorded as a crawl records a fetched
    page, dated when the archive captured it. Importing a file again adds nothing.

    Exit code 1 when an archive could not be read at all; bad records are counted and
    skipped.
    """
    from scrapers.warc.filters import RecordFilter
    from scrapers.warc.importer import import_archives
    from scrapers.warc.remote import DEFAULT_ARCHIVE_LIMIT

    from .terminal import console, err, fetch_policy, open_configured_store

    try:
        filters = RecordFilter.build(host or (), hosts_file, since, until, language,
                                     letters_only)
    except (OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] {exc}", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from exc
    policy = fetch_policy()
    if workers is not None:
        policy = policy.replace(extract_workers=workers)
    progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                        TransferSpeedColumn(), TextColumn("{task.fields[counts]}"),
                        TimeElapsedColumn(), console=err, transient=True)
    tasks: dict[str, int] = {}

    def update(report, name: str, done: int, size: int | None) -> None:
        if name not in tasks:
            tasks[name] = progress.add_task(Path(name).name[-40:], total=size, counts="")
        progress.update(tasks[name], completed=done, counts=(
            f"{report.records} records, {report.pages} pages, {report.letters} letters"))

    with open_configured_store() as store, progress:
        report = asyncio.run(import_archives(
            store, archives, policy, filters, progress=update,
            archive_limit=max_bytes or DEFAULT_ARCHIVE_LIMIT))
    if json_out:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        _print_import_report(console, report)
    if any(reason.startswith("file ") for reason in report.bad):
        raise typer.Exit(1)


def _print_import_report(console, report) -> None:
    table = RichTable("", "records", title="Import")
    for label, n in (("archives", report.files), ("records read", report.records),
                     ("responses", report.responses),
                     ("pages recorded", report.pages), ("  articles", report.articles),
                     ("  duplicates of earlier articles", report.duplicates),
                     ("  letters found", report.letters),
                     ("already imported", report.already)):
        table.add_row(label, str(n))
    for reason, n in sorted(report.skipped.items()):
        table.add_row(f"skipped: {reason}", str(n))
    for reason, n in sorted(report.bad.items()):
        table.add_row(f"[yellow]bad: {reason}", f"[yellow]{n}")
    table.add_row("bytes read", f"{report.bytes:,}")
    console.print(table)
    for name, offset, why in report.problems[:20]:
        console.print(f"[yellow]{name}[/yellow] @{offset}: {why}", highlight=False,
                      soft_wrap=True)
    if len(report.problems) > 20:
        console.print(f"... and {len(report.problems) - 20} more, in the log")


def cc_news_urls(
    first: Annotated[str, typer.Argument(help="first month, YYYY-MM")],
    last: Annotated[str | None, typer.Argument(help="last month, YYYY-MM (default: first)")
                    ] = None,
    base: Annotated[str, typer.Option(
        help="where Common Crawl's data is served")] = "https://data.commoncrawl.org/",
) -> None:
    """The URLs of CC-NEWS's WARC files for a range of months, one a line, from the path
    listings Common Crawl publishes; give them to ``import-warc``."""
    from scrapers.warc.ccnews import ListingError
    from scrapers.warc.ccnews import cc_news_urls as listing

    from .terminal import err, fetch_policy

    try:
        urls = asyncio.run(listing(first, last or first, fetch_policy(), base))
    except (ListingError, ValueError) as exc:
        err.print(f"[red]error:[/red] {exc}", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from exc
    for url in urls:
        print(url)


def export(
    directory: Annotated[Path, typer.Argument(help="where to write the data package")],
    parquet: Annotated[bool | None, typer.Option(
        "--parquet/--no-parquet",
        help="Parquet copies of the tables (default: when pyarrow is installed)")] = None,
) -> None:
    """Write the letters, their sources and the people as CSV files with a Frictionless
    ``datapackage.json`` describing every field, the extractor versions and the log
    position they reflect."""
    from .terminal import console, err, open_configured_store
    from .export import export_dataset

    with open_configured_store() as store:
        try:
            report = export_dataset(store, directory, parquet=parquet)
        except (OSError, RuntimeError) as exc:
            err.print(f"[red]error:[/red] {exc}", soft_wrap=True, highlight=False)
            raise typer.Exit(2) from exc
    console.print(f"{report.letters} letters, {report.sources} sources, {report.people} "
                  f"people at log position {report.log_position} written to "
                  f"{report.directory}/datapackage.json"
                  + (" (with Parquet copies)" if report.parquet else ""), highlight=False)
