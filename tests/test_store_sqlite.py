"""SQLite specifics: one file, WAL mode, and clear errors when the file cannot be written."""

from __future__ import annotations

import os
import stat

import pytest

from events import PageSkipped
from store import StoreUnavailable, open_store
from store.sqlite import SQLiteStore


def test_the_file_is_in_wal_mode(sqlite_store):
    (row,) = sqlite_store.query("PRAGMA journal_mode")
    assert row["journal_mode"] == "wal"


def test_open_store_picks_the_backend_from_the_url(tmp_path):
    with open_store(f"sqlite:///{tmp_path}/a.db") as s:
        assert isinstance(s, SQLiteStore) and s.path.endswith("a.db")
    with pytest.raises(ValueError, match="unsupported database URL"):
        open_store("mysql://localhost/x")


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreUnavailable, match="does not exist"):
        SQLiteStore(tmp_path / "nope" / "x.db")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_a_read_only_file_is_a_clear_error(tmp_path):
    path = tmp_path / "ro.db"
    SQLiteStore(path).close()
    path.chmod(stat.S_IRUSR)
    with pytest.raises(StoreUnavailable, match="readonly|read-only"):
        SQLiteStore(path).append("s", [PageSkipped(url="u", reason="r")])


def test_writing_through_a_read_only_handle_is_a_clear_error_and_writes_nothing(tmp_path):
    path = tmp_path / "ro.db"
    with SQLiteStore(path) as s:
        s.append("s", [PageSkipped(url="u", reason="r")])
    with SQLiteStore(path, read_only=True) as ro:
        with pytest.raises(StoreUnavailable, match="readonly"):
            ro.append("s", [PageSkipped(url="u2", reason="r")])
        assert ro.head() == 1


def test_a_full_database_is_a_clear_error_and_writes_nothing(tmp_path):
    path = tmp_path / "full.db"
    with SQLiteStore(path) as s:
        s.append("s", [PageSkipped(url="u", reason="r")])
        conn = s._connection()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # what a full disk looks like
        big = [PageSkipped(url=f"https://x.example/{i}" * 20, reason="r") for i in range(500)]
        with pytest.raises(StoreUnavailable, match="full.db: database or disk is full"):
            s.append("s", big)
        assert s.head() == 1
        assert not conn.in_transaction


def test_a_read_only_url_opens_the_file_read_only(tmp_path):
    path = tmp_path / "ro.db"
    with SQLiteStore(path) as s:
        s.append("s", [PageSkipped(url="u", reason="r")])
    with open_store(f"sqlite:///{path}?mode=ro") as ro:
        assert ro.read_only and ro.path == str(path)
        assert ro.head() == 1
        with pytest.raises(StoreUnavailable, match="opened read-only"):
            ro.append("s", [PageSkipped(url="u2", reason="r")])
    with pytest.raises(ValueError, match="unsupported SQLite mode"):
        open_store(f"sqlite:///{path}?mode=memory")


def _open_and_close(path: str) -> str:
    try:
        SQLiteStore(path).close()
        return "ok"
    except StoreUnavailable as exc:
        return str(exc)


@pytest.mark.slow
def test_processes_opening_a_new_file_together_all_succeed(tmp_path):
    # An API and a worker started at once on a database that does not exist yet.
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(3) as pool:
        for i in range(20):
            path = str(tmp_path / f"new-{i}.db")
            assert pool.map(_open_and_close, [path] * 3) == ["ok"] * 3
    with SQLiteStore(tmp_path / "new-0.db") as s:
        assert s.query("PRAGMA page_size")[0]["page_size"] == 16384


def test_connections_of_threads_that_ended_are_closed(tmp_path):
    import os
    import threading

    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    store = SQLiteStore(tmp_path / "threads.db")
    try:
        store.head()
        before = open_fds()
        for _ in range(30):  # short-lived threads, as asyncio.to_thread and servers make
            t = threading.Thread(target=store.head)
            t.start()
            t.join()
        last = threading.Thread(target=store.head)  # its new connection sweeps the ended ones
        last.start()
        last.join()
        # Each connection holds three descriptors (database, WAL, shared memory): kept, 30
        # ended threads would leave about 90 open.
        assert open_fds() - before < 10
    finally:
        store.close()
