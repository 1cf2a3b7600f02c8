"""Import web archives: every HTML response record of WARC and ARC files becomes a page in
the log exactly as a crawl records a fetched page (raw page, PageFetched, the article and
its letters, in one transaction, by the crawl's own extraction workers), with the record's
date as the fetch time and the file, offset and WARC-Record-ID as provenance.

Each record's events have ids made from the record's identity, and a record whose page is
already in the log is passed over before its payload is read: importing a file again writes
nothing new, and an import killed at any point and run again records every record once.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from events import PageFetched, url_key
from events.projections.articles import ARTICLES
from events.projections.sources import SOURCES
from store import Store, StoreError
from store.projector import catch_up

from ..bodies import is_html
from ..crawl import CrawlReport, _Crawl
from ..pages import ExtractionFailed
from ..policy import FetchPolicy
from ..urls import BadURL, canonical_url
from .filters import RecordFilter, html_language
from .records import BadRecord, NotAnArchive, Record, RecordError, read_records
from .remote import DEFAULT_ARCHIVE_LIMIT, RemoteArchiveError, open_remote
from .work import archived_page

log = logging.getLogger(__name__)

_IDS = uuid.UUID("6f1d7c52-41a8-4d0e-9a57-2f0f3c7a9e11")  # namespace of archived pages' ids
MAX_PROBLEMS = 200  # bad records listed one by one in the report; all are counted
PROGRESS_EVERY = 0.1  # seconds between progress reports: skipping runs at many records a ms


@dataclass
class ImportReport:
    """What an import did: records read, pages recorded, and why the others were not."""

    files: int = 0
    records: int = 0  # every record read, of any type
    responses: int = 0
    pages: int = 0  # recorded pages (PageFetched), with or without an article
    articles: int = 0
    duplicates: int = 0
    letters: int = 0
    already: int = 0  # recorded by an earlier import
    bytes: int = 0  # of archive read (compressed, as stored)
    skipped: Counter = field(default_factory=Counter)  # reason -> records
    bad: Counter = field(default_factory=Counter)  # reason -> records or files
    problems: list[tuple[str, int, str]] = field(default_factory=list)  # (file, offset, why)

    def as_dict(self) -> dict[str, Any]:
        return {**{k: getattr(self, k) for k in (
            "files", "records", "responses", "pages", "articles", "duplicates", "letters",
            "already", "bytes")}, "skipped": dict(self.skipped), "bad": dict(self.bad),
            "problems": [list(p) for p in self.problems]}


Progress = Callable[[ImportReport, str, int, int | None], None]  # (report, file, done, size)


def record_key(archive: str, record: Record) -> str:
    """What identifies a record wherever its file lies: its WARC-Record-ID; an ARC record
    has none, so its file's name, offset, URL and date."""
    if record.record_id:
        return record.record_id
    when = record.date.isoformat() if record.date else ""
    return f"arc:{Path(archive).name}:{record.offset}:{record.url}:{when}"


def page_event_id(key: str) -> str:
    return str(uuid.uuid5(_IDS, key))


async def import_archives(store: Store, archives: Iterable[str], policy: FetchPolicy,
                          filters: RecordFilter | None = None, *,
                          progress: Progress | None = None,
                          archive_limit: int = DEFAULT_ARCHIVE_LIMIT) -> ImportReport:
    """Import every archive (a path or an http(s) URL) in turn; bad input is counted and
    reported, never raised."""
    for projection in (SOURCES, ARTICLES):
        store.ensure_projection(projection)
        catch_up(store, projection)
    report = ImportReport()
    async with _Crawl(store, policy, CrawlReport(), None) as run:
        importer = _Importer(store, run, filters or RecordFilter(), report, progress,
                             2 * policy.extract_workers)
        for archive in archives:
            await importer.archive(archive, policy, archive_limit)
        await importer.drain()
        crawled = run.report
    report.articles, report.duplicates = crawled.articles, crawled.duplicates
    report.letters = crawled.letters
    return report


def import_archives_sync(store: Store, archives: Iterable[str], policy: FetchPolicy,
                         filters: RecordFilter | None = None, **kw: Any) -> ImportReport:
    return asyncio.run(import_archives(store, archives, policy, filters, **kw))


class _Importer:
    def __init__(self, store: Store, run: _Crawl, filters: RecordFilter, report: ImportReport,
                 progress: Progress | None, in_flight: int) -> None:
        self.store, self.run, self.filters, self.report = store, run, filters, report
        self.progress = progress
        self.slots = asyncio.Semaphore(max(2, in_flight))  # pages read but not yet recorded
        self.tasks: set[asyncio.Task] = set()
        self.pending: set[str] = set()  # page ids in flight, not yet in the log
        self._next_tick = 0.0
        self._kept: tuple[int, str, str] = (-1, "", "")  # (offset, key, page id) just kept

    async def archive(self, name: str, policy: FetchPolicy, limit: int) -> None:
        self.report.files += 1
        try:
            stream, size = await self._open(name, policy, limit)
        except (OSError, RemoteArchiveError) as exc:
            self._bad(name, 0, "file cannot be opened", str(exc))
            return
        counted = _Counting(stream)

        def wanted(record: Record) -> bool:
            # Runs inside the reading on each record's headers: a dropped record is
            # counted here and never reaches the loop below.
            if self.progress is not None and time.monotonic() >= self._next_tick:
                self._next_tick = time.monotonic() + PROGRESS_EVERY
                self.report.bytes += counted.take()
                self.progress(self.report, name, counted.position, size)
            return self._wanted(name, record)

        try:
            for item in read_records(counted, seekable=size is not None, keep=wanted):
                self.report.bytes += counted.take()
                if isinstance(item, BadRecord):
                    self._bad(name, item.offset, "unreadable bytes", item.reason)
                else:
                    await self._record(name, item)
                if self.progress is not None and time.monotonic() >= self._next_tick:
                    self._next_tick = time.monotonic() + PROGRESS_EVERY
                    self.progress(self.report, name, counted.position, size)
        except NotAnArchive as exc:
            self._bad(name, 0, "file is not an archive", str(exc))
        except (OSError, RemoteArchiveError) as exc:  # before the first record
            self._bad(name, counted.position, "unreadable bytes", str(exc))
        finally:
            self.report.bytes += counted.take()
            stream.close()
            if self.progress is not None:
                self.progress(self.report, name, counted.position, size)

    async def _open(self, name: str, policy: FetchPolicy,
                    limit: int) -> tuple[BinaryIO, int | None]:
        if name.startswith(("http://", "https://")):
            return io.BufferedReader(await open_remote(name, policy, limit), 1 << 16), None
        path = Path(name)
        return path.open("rb"), path.stat().st_size

    def _wanted(self, name: str, record: Record) -> bool:
        """Whether a record is worth its payload, from its headers alone; the others are
        counted under their reason."""
        report, filters = self.report, self.filters
        report.records += 1
        if record.kind != "response":
            # warcinfo, request and metadata records describe the crawl, not pages; a
            # revisit says a page was unchanged and holds no copy of it.
            report.skipped["revisit" if record.kind == "revisit" else "not a response"] += 1
            return False
        report.responses += 1
        if not filters.host_ok(record.url):
            report.skipped["host"] += 1
            return False
        if not filters.date_ok(record.date):
            report.skipped["date"] += 1
            return False
        key = record_key(name, record)
        page_id = page_event_id(key)
        if page_id in self.pending or self.store.get_event(page_id) is not None:
            report.already += 1
            return False
        self._kept = (record.offset, key, page_id)  # for _record, next
        return True

    async def _record(self, name: str, record: Record) -> None:
        """Read a kept record's response and hand its page to the extraction pool."""
        report, filters = self.report, self.filters
        offset, key, page_id = self._kept
        if offset != record.offset:
            key = record_key(name, record)
            page_id = page_event_id(key)
        try:
            response = record.response()
        except RecordError as exc:
            reason, _, detail = str(exc).partition(": ")
            self._bad(name, record.offset, reason, detail or reason)
            return
        if response.status != 200:
            report.skipped[f"HTTP {response.status}"] += 1
            return
        body, ctype = response.body, response.content_type
        if not is_html(ctype, body):
            report.skipped["not HTML"] += 1
            return
        if not filters.language_ok(record.identified_language,
                                   response.headers.get("content-language"),
                                   html_language(body)):
            report.skipped["language"] += 1
            return
        page = _Page(page_id, key, name, record.url, record.offset, record.date, body, ctype,
                     response.headers.get("etag"), response.headers.get("last-modified"))
        await self.slots.acquire()
        self.pending.add(page_id)
        task = asyncio.create_task(self._page(page))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        await asyncio.sleep(0)  # let it hand the page to the extraction pool now

    async def _page(self, page: _Page) -> None:
        try:
            try:
                article_url = canonical_url(page.url)
            except BadURL:
                article_url = page.url
            work = await self.run.in_pool(archived_page, page.body, article_url,
                                          page.content_type, self.filters.letters_only)
            if work is None:
                self.report.skipped["no letter words"] += 1
                return
            if (work.article is not None
                    and not self.filters.language_ok(work.article.language)):
                self.report.skipped["language"] += 1
                return
            assert work.page is not None
            fetched = PageFetched(
                id=page.id, url=page.url, final_url=page.url, status=200,
                body_sha256=work.page.sha256, size=work.page.size,
                content_type=page.content_type, charset=work.charset, etag=page.etag,
                last_modified=page.last_modified,
                fetched_at=page.date.isoformat() if page.date else None,
                archive=page.archive, archive_offset=page.offset,
                archive_record_id=page.key)
            self.run.record_page(f"page-{url_key(page.url)}", work, article_url, fetched,
                                 None)
            self.report.pages += 1
        except StoreError:
            raise  # no page can be recorded: the import ends, as the command reports
        except ExtractionFailed as exc:  # the extractor raised: a later version may not
            self._bad(page.archive, page.offset, "extraction error", str(exc))
        except Exception as exc:  # a bug on one page must not end the import
            log.exception("import: record at %s in %s failed", page.offset, page.archive)
            self._bad(page.archive, page.offset, "internal error",
                      f"{type(exc).__name__}: {exc}")
        finally:
            self.pending.discard(page.id)
            self.slots.release()

    async def drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks))

    def _bad(self, name: str, offset: int, reason: str, detail: str) -> None:
        """Count bad input under ``reason`` and log it with the detail."""
        self.report.bad[reason] += 1
        if len(self.report.problems) < MAX_PROBLEMS:
            self.report.problems.append((name, offset, f"{reason}: {detail}"))
        log.warning("import: %s at offset %d: %s: %s", name, offset, reason, detail,
                    extra={"archive": name, "offset": offset, "reason": reason})


@dataclass(frozen=True, slots=True)
class _Page:
    id: str
    key: str
    archive: str
    url: str
    offset: int
    date: datetime | None
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None


class _Counting:
    """A stream that counts the bytes read from it, for the progress bar and the report."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.position = 0
        self._taken = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.position += len(data)
        return data

    def readinto(self, buffer) -> int:
        n = self._stream.readinto(buffer)
        self.position += n or 0
        return n

    def peek(self, size: int = 0) -> bytes:
        return self._stream.peek(size)  # type: ignore[attr-defined]

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = self._stream.seek(offset, whence)
        self._taken = min(self._taken, self.position)
        return self.position

    def tell(self) -> int:
        return self.position

    def seekable(self) -> bool:
        return self._stream.seekable()

    def readable(self) -> bool:
        return True

    def take(self) -> int:
        """Bytes read past the furthest point counted so far."""
        n = max(0, self.position - self._taken)
        self._taken = max(self._taken, self.position)
        return n
