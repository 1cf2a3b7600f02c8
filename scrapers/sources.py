"""Sources as configured (a TOML file) and as recorded (events): load, validate, sync."""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from events import Event, SourceAdded, SourceChanged, SourceRemoved
from events.projections.sources import SOURCES
from store import Store, table_name
from store.projector import catch_up

from .urls import BadURL, canonical_url

KINDS = ("feed", "sitemap", "urls", "site")
MIN_INTERVAL = 10  # seconds; anything shorter is a typo, not a polling plan
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_DURATION = re.compile(r"^\s*(\d+)\s*(s|m|h|d)?\s*$", re.I)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_FIELDS = ("id", "url", "kind", "interval", "enabled", "name", "may_change")


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One source as configured: what to poll, how often, and whether pages get updated."""

    source_id: str
    url: str
    kind: str = "feed"
    interval_seconds: int = 3600
    enabled: bool = True
    name: str | None = None
    may_change: bool = False


class SourcesFileError(ValueError):
    """A sources file that cannot be used; the message names the file, line and field."""


def load_sources_file(path: str | Path) -> list[SourceSpec]:
    """Read ``[[source]]`` tables from a TOML file::

        [[source]]
        id = "dna-world"
        url = "https://www.dnaindia.com/feeds/world.xml"
        kind = "feed"          # feed | sitemap | urls | site
        interval = "30m"       # seconds as a number, or "90s", "30m", "2h", "1d"
        enabled = true
        may_change = false     # true: refetch known pages, they get updated
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesFileError(f"{path}: not valid TOML: {exc}") from None
    unknown = [k for k in data if k != "source"]
    if unknown:
        raise SourcesFileError(f"{path}: unknown top-level key {unknown[0]!r}; "
                               "sources are [[source]] tables")
    tables = data.get("source", [])
    if not isinstance(tables, list):
        raise SourcesFileError(f"{path}: 'source' must be [[source]] tables")
    lines = _TableLines(text)
    specs: list[SourceSpec] = []
    first_line: dict[str, int] = {}
    for index, table in enumerate(tables):
        spec = _spec(table, index, path, lines)
        where = lines.field(index, "id")
        if spec.source_id in first_line:
            raise SourcesFileError(
                f"{path}:{where}: source id {spec.source_id!r} is already used on line "
                f"{first_line[spec.source_id]}")
        first_line[spec.source_id] = where
        specs.append(spec)
    return specs


def _spec(table: dict[str, Any], index: int, path: Path, lines: _TableLines) -> SourceSpec:
    def fail(name: str, message: str) -> SourcesFileError:
        return SourcesFileError(f"{path}:{lines.field(index, name)}: source #{index + 1}, "
                                f"field {name!r}: {message}")

    for key in table:
        if key not in _FIELDS:
            hint = get_close_matches(key, _FIELDS, 1)
            raise fail(key, "unknown field" + (f" (did you mean {hint[0]!r}?)" if hint else "")
                       + f"; known: {', '.join(_FIELDS)}")
    for name in ("id", "url"):
        if name not in table:
            raise SourcesFileError(f"{path}:{lines.table(index)}: source #{index + 1} has no "
                                   f"{name!r}")
    source_id = table["id"]
    if not isinstance(source_id, str) or not _ID.match(source_id):
        raise fail("id", "letters, digits, '.', '_' or '-' (up to 64), e.g. \"dna-world\"")
    url = table["url"]
    if not isinstance(url, str):
        raise fail("url", "must be a string")
    try:
        url = canonical_url(url)
    except BadURL as exc:
        raise fail("url", str(exc)) from None
    kind = table.get("kind", "feed")
    if kind not in KINDS:
        raise fail("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    interval = _interval(table.get("interval", 3600))
    if interval is None:
        raise fail("interval", f"{table['interval']!r} is not a duration such as 900, "
                   "\"15m\", \"2h\" or \"1d\"")
    if interval < MIN_INTERVAL:
        raise fail("interval", f"at least {MIN_INTERVAL} seconds")
    for name in ("enabled", "may_change"):
        if name in table and not isinstance(table[name], bool):
            raise fail(name, "must be true or false")
    name = table.get("name")
    if name is not None and not isinstance(name, str):
        raise fail("name", "must be a string")
    return SourceSpec(source_id, url, kind, interval, table.get("enabled", True), name,
                      table.get("may_change", False))


def _interval(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return int(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    return None


class _TableLines:
    """Line numbers of each ``[[source]]`` table and its fields, for error messages
    (tomllib reports positions only for syntax errors)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.starts = [i for i, line in enumerate(self.lines)
                       if line.strip().startswith("[[source]]")]

    def table(self, index: int) -> int:
        return self.starts[index] + 1 if index < len(self.starts) else 1

    def field(self, index: int, name: str) -> int:
        if index >= len(self.starts):
            return 1
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.lines)
        pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
        for i in range(self.starts[index], end):
            if pattern.match(self.lines[i]):
                return i + 1
        return self.starts[index] + 1


# --- recorded sources ------------------------------------------------------------------------

_COMPARED = ("url", "kind", "interval_seconds", "enabled", "name", "may_change")


def current_sources(store: Store) -> dict[str, dict[str, Any]]:
    """Sources as the log has them (removed ones left out), by id."""
    store.ensure_projection(SOURCES)
    catch_up(store, SOURCES)
    rows = store.query(f"SELECT * FROM {table_name(SOURCES.name, 'sources')} WHERE removed = ?",
                       [False])
    return {r["source_id"]: r for r in rows}


def sync_sources(store: Store, specs: list[SourceSpec]) -> list[Event]:
    """Append SourceAdded / SourceChanged / SourceRemoved so the log matches ``specs``;
    returns what was appended (nothing when they already match)."""
    current = current_sources(store)
    appended: list[Event] = []
    wanted = {s.source_id for s in specs}
    for spec in specs:
        stream = f"source-{spec.source_id}"
        row = current.get(spec.source_id)
        if row is None:
            fields = asdict(spec)
            event: Event = SourceAdded(**fields)
        else:
            changes = {k: getattr(spec, k) for k in _COMPARED
                       if _normal(row.get(k)) != _normal(getattr(spec, k))}
            if not changes:
                continue
            event = SourceChanged(source_id=spec.source_id, changes=changes)
        store.append(stream, [event])
        appended.append(event)
    for source_id in sorted(set(current) - wanted):
        event = SourceRemoved(source_id=source_id)
        store.append(f"source-{source_id}", [event])
        appended.append(event)
    return appended


def _normal(value: Any) -> Any:
    # Backends return booleans as 0/1; compare like with like.
    return int(value) if isinstance(value, bool) else value
