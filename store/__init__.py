"""Event log and projection storage, one backend per database, chosen by a URL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .base import ANY, NO_STREAM, AppendResult, Checkpoint, Store, table_name
from .errors import (CheckpointMoved, ConcurrencyError, QueryTimeout, StoreError,
                     StoreUnavailable)

__all__ = [
    "ANY", "NO_STREAM", "AppendResult", "Checkpoint", "CheckpointMoved", "ConcurrencyError",
    "QueryTimeout", "Store", "StoreError", "StoreUnavailable", "open_store", "table_name",
]


def open_store(url: str) -> Store:
    """``sqlite:///path/to/file.db[?mode=ro]`` (or a bare path) or
    ``postgresql://...[?schema=name]``."""
    scheme = urlsplit(url).scheme
    if scheme in ("postgresql", "postgres"):
        from .postgres import PostgresStore

        parts = urlsplit(url)
        query = parse_qs(parts.query)
        schema = query.pop("schema", ["public"])[0]
        rest = "&".join(f"{k}={v}" for k, vs in query.items() for v in vs)
        base = parts._replace(query=rest).geturl()
        return PostgresStore(base, schema=schema)
    if scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else url[len("sqlite:"):]
        path, _, options = path.partition("?")
        from .sqlite import SQLiteStore

        # ?mode=ro opens the file read-only (a copy on read-only media, a reader that must
        # never write): reads work, writes fail with a clear error.
        mode = parse_qs(options).get("mode", ["rwc"])[0]
        if mode not in ("ro", "rwc"):
            raise ValueError(f"unsupported SQLite mode {mode!r} in {url!r}: use ?mode=ro")
        return SQLiteStore(path or "letterwatch.db", read_only=mode == "ro")
    if scheme == "":
        from .sqlite import SQLiteStore

        return SQLiteStore(url)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///FILE or postgresql://...")
