"""What every command shares on the terminal: the consoles, one-line errors, progress bars,
the letters table, and opening the configured store. A leaf: it imports no other command
module, so the CLI, the service commands and the demo all build on it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import NoReturn
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table as RichTable

from events.projections import ALL
from store import Store, StoreError, open_store
from store.projector import catch_up, ensure_current

from .settings import get_settings

console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on stderr, whatever the terminal's width, and exit; the message is printed
    as it is (a value in it that looks like markup, ``[bold]``, is shown, not applied)."""
    err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True, highlight=False)
    sys.exit(code)


def fetch_policy():
    """The crawler's fetch policy from the settings, shared by every command that fetches."""
    from scrapers.policy import FetchPolicy

    return FetchPolicy.from_settings(get_settings())


def open_configured_store() -> Store:
    """The store named by the settings, or a clear error and exit code 2."""
    url = get_settings().database_url
    try:
        return open_store(url)
    except (StoreError, ValueError) as exc:
        err.print(f"[red]error:[/red] cannot open the database: {exc}", soft_wrap=True,
                  highlight=False)
        raise typer.Exit(2) from exc


def folding_progress() -> tuple[Progress, Callable[[str, int, int], None]]:
    """A progress bar per projection being folded, on stderr, and the callback that moves it."""
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        console=err, transient=True)
    tasks: dict[str, int] = {}

    def update(name: str, position: int, head: int) -> None:
        if name not in tasks:
            tasks[name] = progress.add_task(f"folding {name}", total=head)
        progress.update(tasks[name], completed=position, total=head)

    return progress, update


def refresh(store: Store) -> None:
    """Bring every projection up to the head of the log before answering from it."""
    progress, update = folding_progress()
    with progress:
        ensure_current(store, ALL.values(), progress=update)
        for p in ALL.values():
            catch_up(store, p, progress=update)


def print_letters(rows: list[dict]) -> None:
    """The letters table as people read it."""
    table = RichTable("date", "from", "to", "kind", "status", "via", "reported by",
                      title="Letters")
    for row in rows:
        sources = json.loads(row["sources"]) if isinstance(row["sources"], str) else row["sources"]
        outlets = sorted({s.get("site_name") or _host(s.get("url")) or s["article_id"]
                          for s in sources})
        status = row.get("status") or "reported"
        if row.get("disputed"):
            status += " (disputed)"
        table.add_row(row["date"] or "?", _party(row, "sender"), _party(row, "recipient"),
                      row["kind"], status, row["via"] or "", ", ".join(outlets))
    console.print(table)


def _party(row: dict, side: str) -> str:
    """A party's name, marked when it is an organisation rather than a person."""
    name = row[side]
    return f"{name} (org)" if row.get(f"{side}_type") == "organisation" else name


def _host(url: str | None) -> str | None:
    return urlsplit(url).hostname if url else None
