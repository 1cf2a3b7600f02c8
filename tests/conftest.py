"""Shared fixtures: a fresh store on each backend, so every contract test runs on both.

PostgreSQL tests use the server named by LETTERWATCH_TEST_POSTGRES_URL (default: the local
``test`` database). When it cannot be reached they are skipped, except under CI (``CI`` set),
where an unreachable server fails the run instead of silently testing less.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from store import Store, StoreUnavailable
from store.sqlite import SQLiteStore

POSTGRES_URL = os.environ.get("LETTERWATCH_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


def postgres_store(schema: str | None = None) -> Store:
    """A PostgresStore in a schema of its own, or skip (fail under CI) if there is no server."""
    from store.postgres import PostgresStore

    try:
        return PostgresStore(POSTGRES_URL, schema=schema or f"t_{uuid.uuid4().hex[:12]}",
                             connect_timeout=5)
    except StoreUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI: {exc}")
        pytest.skip(f"no PostgreSQL: {exc}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path) -> Iterator[Store]:
    """An empty store on each backend."""
    if request.param == "sqlite":
        s: Store = SQLiteStore(tmp_path / "letterwatch.db")
        yield s
        s.close()
    else:
        s = postgres_store()
        yield s
        s.drop_schema()  # type: ignore[attr-defined]
        s.close()


@pytest.fixture
def sqlite_store(tmp_path) -> Iterator[Store]:
    s = SQLiteStore(tmp_path / "letterwatch.db")
    yield s
    s.close()


@pytest.fixture
def pg_store() -> Iterator[Store]:
    s = postgres_store()
    yield s
    s.drop_schema()  # type: ignore[attr-defined]
    s.close()
