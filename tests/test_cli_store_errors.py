"""A database the CLI cannot write (read-only, full) is one clear line and a failed exit, not
a traceback, and the log it could not write to is exactly as it was."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from events import PageSkipped, SourceAdded
from store.sqlite import SQLiteStore
from test_api_support import refresh

pytestmark = pytest.mark.slow

SOURCES = '[[source]]\nid = "new"\nurl = "https://new.example/feed"\nkind = "feed"\n'
# Commands that write: sources synced into the log, projections folded or rebuilt.
WRITING = [["crawl", "--sources-file", "sources.toml"], ["letters"], ["rebuild"]]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with a few events, its projections behind the log so reads fold first."""
    path = tmp_path / "data" / "letterwatch.db"
    path.parent.mkdir()
    with SQLiteStore(path) as store:
        store.append("source-old", [SourceAdded(source_id="old", url="https://old.example/feed",
                                                kind="feed", interval_seconds=3600)])
        refresh(store)
        store.append("page-x", [PageSkipped(url=f"https://old.example/{i}", reason="duplicate")
                                for i in range(3)])
    (tmp_path / "sources.toml").write_text(SOURCES)
    return path


def log_of(path: Path) -> list[tuple]:
    with SQLiteStore(path) as store:
        return [(r.position, r.event.id, r.stream, r.type) for r in store.read_all()]


def letterwatch(args: list[str], url: str, cwd: Path, **kw: object) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERWATCH_")}
    env["LETTERWATCH_DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "service.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120, **kw)  # type: ignore[call-overload]


def assert_clear_failure(result: subprocess.CompletedProcess, path: Path, problem: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and problem in lines[0], lines[0]


@pytest.mark.parametrize("args", WRITING, ids=lambda a: a[0])
def test_a_read_only_database_is_a_clear_error_and_loses_nothing(db: Path, args: list[str]):
    before = log_of(db)
    result = letterwatch(args, f"sqlite:///{db}?mode=ro", db.parent.parent)
    assert_clear_failure(result, db, "readonly")
    assert log_of(db) == before


def test_a_read_only_database_still_answers_reads(db: Path):
    result = letterwatch(["events", "count"], f"sqlite:///{db}?mode=ro", db.parent.parent)
    assert result.returncode == 0, result.stderr
    assert "PageSkipped" in result.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
@pytest.mark.parametrize("args", WRITING, ids=lambda a: a[0])
def test_a_write_protected_file_and_folder_are_a_clear_error(db: Path, args: list[str]):
    before = log_of(db)
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    db.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = letterwatch(args, f"sqlite:///{db}", db.parent.parent)
    finally:
        db.parent.chmod(stat.S_IRWXU)
        db.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert_clear_failure(result, db, "readonly")
    assert log_of(db) == before


@pytest.mark.parametrize("args", WRITING, ids=lambda a: a[0])
def test_a_full_disk_is_a_clear_error_and_loses_nothing(db: Path, args: list[str]):
    before = log_of(db)

    def no_room() -> None:
        # Files may not grow past 32 KiB: room for the WAL index, not for a WAL frame and
        # the pages of a write, as on a full disk (Python ignores SIGXFSZ, so writes fail).
        resource.setrlimit(resource.RLIMIT_FSIZE, (32768, 32768))

    result = letterwatch(args, f"sqlite:///{db}", db.parent.parent, preexec_fn=no_room)
    assert_clear_failure(result, db, "a write failed")
    assert log_of(db) == before
