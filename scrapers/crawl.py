"""The crawl: poll due sources, find new URLs, fetch them politely, extract the articles and
the letters they report, and record every outcome as an event.

Streams: a source's polls and listing failures go to ``source-<id>``, each URL's fetch
outcomes to ``page-<url_key>``, an article's text and letters to ``article-<article_id>``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import sys
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from events import (
    ArticleExtracted,
    Event,
    FeedPolled,
    FetchFailed,
    Finding,
    LettersExtracted,
    PageFetched,
    PageNotModified,
    PageSkipped,
    url_key,
)
from events.projections.articles import ARTICLES
from events.projections.sources import SOURCES
from store import ANY, Store, table_name
from store.base import PackedPage, pack_page
from store.projector import catch_up

from . import metrics
from .bodies import is_html
from .fetch import Fetcher
from .hosts import HostMemory
from .listings import BadListing, Entry, Listing, discover_feeds, parse_listing
from .pages import ExtractionFailed, PageWork, process_page
from .policy import FetchPolicy
from .results import FetchResult
from .simhash import SimIndex, from_hex, to_hex
from .urls import BadURL, canonical_url

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (what, done, total)

LISTING_ACCEPT = ("application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                  "text/xml;q=0.9, text/plain;q=0.5, */*;q=0.1")
SOURCES_T = table_name(SOURCES.name, "sources")
URLS_T = table_name(ARTICLES.name, "urls")
ARTICLES_T = table_name(ARTICLES.name, "articles")
RECENT_SIMHASHES = 20_000  # articles whose simhash new ones are compared with
MAIN_SCRIPT_ENV = "LETTERWATCH_MAIN_SCRIPT"  # read by scrapers.workers in the fork server
EXTRACTION_ERROR = "extraction_error"  # FetchFailed.reason of a page the extractor raised on


class UnknownSource(ValueError):
    """A source id that is not configured (or was removed)."""


@dataclass
class CrawlReport:
    """What one crawl did, overall and per source."""

    sources: int = 0
    new_urls: int = 0
    fetched: int = 0
    not_modified: int = 0
    failed: int = 0
    skipped: int = 0
    articles: int = 0
    duplicates: int = 0
    letters: int = 0
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (source, url, reason)

    COUNTS = ("new_urls", "fetched", "not_modified", "failed", "skipped", "articles",
              "duplicates", "letters")

    def add(self, source_id: str, what: str, n: int = 1) -> None:
        setattr(self, what, getattr(self, what) + n)
        row = self.by_source.setdefault(source_id, dict.fromkeys(self.COUNTS, 0))
        row[what] += n

    def as_dict(self) -> dict[str, Any]:
        return {"sources": self.sources, **{k: getattr(self, k) for k in self.COUNTS},
                "by_source": self.by_source,
                "problems": [list(p) for p in self.problems]}


async def crawl(store: Store, policy: FetchPolicy, *, source_ids: Iterable[str] | None = None,
                progress: Progress | None = None,
                memory: HostMemory | None = None) -> CrawlReport:
    """Poll every enabled source that is due (or exactly ``source_ids``), fetch and extract
    what is new; returns the counts. Network trouble is recorded, never raised. ``memory``
    keeps robots.txt and per-host pacing from earlier crawls (a worker passes the same one to
    every poll)."""
    for projection in (SOURCES, ARTICLES):
        store.ensure_projection(projection)
        catch_up(store, projection)
    sources = _sources_to_poll(store, None if source_ids is None else list(source_ids))
    report = CrawlReport(sources=len(sources))
    async with _Crawl(store, policy, report, progress, memory) as run:
        await asyncio.gather(*(run.poll(source) for source in sources))
    return report


def crawl_sync(store: Store, policy: FetchPolicy, *, source_ids: Iterable[str] | None = None,
               progress: Progress | None = None,
               memory: HostMemory | None = None) -> CrawlReport:
    """:func:`crawl` for callers without an event loop (CLI, scheduler threads)."""
    return asyncio.run(crawl(store, policy, source_ids=source_ids, progress=progress,
                             memory=memory))


async def poll_source(store: Store, policy: FetchPolicy, source_id: str,
                      progress: Progress | None = None,
                      memory: HostMemory | None = None) -> CrawlReport:
    """Poll one source now, due or not ("poll now")."""
    return await crawl(store, policy, source_ids=[source_id], progress=progress, memory=memory)


def poll_source_sync(store: Store, policy: FetchPolicy, source_id: str,
                     memory: HostMemory | None = None) -> CrawlReport:
    return asyncio.run(poll_source(store, policy, source_id, memory=memory))


def _sources_to_poll(store: Store, ids: list[str] | None) -> list[dict[str, Any]]:
    rows = store.query(f"SELECT * FROM {SOURCES_T} WHERE removed = 0")
    by_id = {r["source_id"]: r for r in rows}
    if ids is not None:
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise UnknownSource(f"no such source: {', '.join(missing)}")
        return [by_id[i] for i in dict.fromkeys(ids)]
    now = datetime.now(UTC)
    return [r for r in rows if r["enabled"] and _as_time(r["next_poll_at"]) <= now]


def _as_time(text: str | None) -> datetime:
    if not text:
        return datetime.min.replace(tzinfo=UTC)
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


class _Crawl:
    """One crawl's shared state: the fetcher, the extraction pool, the duplicate index."""

    def __init__(self, store: Store, policy: FetchPolicy, report: CrawlReport,
                 progress: Progress | None, memory: HostMemory | None = None) -> None:
        self.store, self.policy, self.report, self.progress = store, policy, report, progress
        self.fetcher = Fetcher(policy, memory=memory)
        self.pool: Executor | None = None  # extraction: one thread, or worker processes
        self.claimed: set[str] = set()  # URLs taken by some source in this crawl
        self.done = self.total = 0
        self._index: SimIndex | None = None
        # Pages between "fetch started" and "recorded": bounds the bodies held in memory
        # while extraction, the slow part, catches up with the network.
        self._pages = asyncio.Semaphore(2 * max(policy.concurrency, policy.extract_workers))

    async def __aenter__(self) -> _Crawl:
        if self.policy.extract_workers > 1:
            self.pool = _process_pool(self.policy.extract_workers)
        else:
            # One thread, not the event loop: extraction takes tens of milliseconds a page,
            # and a blocked loop would let the timers of fetches in flight run out.
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.fetcher.aclose()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    # --- listings -------------------------------------------------------------------------

    async def poll(self, source: dict[str, Any]) -> None:
        source_id = source["source_id"]
        self.report.by_source.setdefault(source_id, dict.fromkeys(CrawlReport.COUNTS, 0))
        try:
            await self._poll(source)
        except Exception:  # a bug on one source must not end the crawl of the others
            log.exception("crawl: polling source %s failed unexpectedly", source_id)
            self._append(f"source-{source_id}", FetchFailed(
                url=source["url"], reason="internal", detail="unexpected error, see the logs",
                source_id=source_id))
            self._count(source_id, "failed", "internal")

    async def _poll(self, source: dict[str, Any]) -> None:
        source_id = source["source_id"]
        stream = f"source-{source_id}"
        # A site's home page is only the way to its feed: ask for it whole every time, or a
        # 304 on the home page would hide new entries in the feed.
        site = source["kind"] == "site"
        res = await self.fetcher.fetch(source["url"],
                                       etag=None if site else source.get("etag"),
                                       last_modified=None if site else source.get("last_modified"),
                                       accept=LISTING_ACCEPT, limit=self.policy.max_body_bytes)
        if res.outcome == "not_modified":
            self._append(stream, FeedPolled(source_id=source_id, url=source["url"], status=304,
                                            entries_seen=0, not_modified=True))
            self._count(source_id, "not_modified")
            entries: list[Entry] = []
        elif res.outcome != "ok":
            self._listing_failed(source, res)
            return
        else:
            try:
                entries = await self._entries(source, res)
            except BadListing as exc:
                self._listing_failed(source, res, reason="bad_feed", detail=str(exc))
                return
        to_fetch, new = self._choose(source, entries)
        if res.outcome == "ok":
            self._append(stream, FeedPolled(
                source_id=source_id, url=source["url"], status=res.status or 200,
                entries_seen=len(entries), new_urls=tuple(new),
                etag=None if site else res.etag,
                last_modified=None if site else res.last_modified))
        self.report.add(source_id, "new_urls", len(new))
        self.total += len(to_fetch)
        self._tick()
        await asyncio.gather(*(self.page(url, row, source) for url, row in to_fetch))

    async def _entries(self, source: dict[str, Any], res: FetchResult) -> list[Entry]:
        kind = source["kind"]
        body, url = res.body, res.final_url
        if kind == "site":
            feeds = discover_feeds(body, url, res.content_type)
            if not feeds:
                rules = await self.fetcher.robots.rules_for(url)
                feeds = list(rules.sitemaps)
            if not feeds:
                raise BadListing("the home page advertises no feed and robots.txt names no "
                                 "sitemap")
            feed = await self.fetcher.fetch(feeds[0], accept=LISTING_ACCEPT,
                                            limit=self.policy.max_body_bytes)
            if not feed.ok:
                raise BadListing(f"discovered feed {feeds[0]} failed: {feed.reason} "
                                 f"{feed.detail}".strip())
            res = feed
            body, url, kind = feed.body, feed.final_url, "feed"
        listing = parse_listing(body, url, kind, res.content_type)
        entries = listing.entries
        if listing.kind == "sitemapindex":
            entries = entries + await self._children(source, listing)
        return entries

    async def _children(self, source: dict[str, Any], index: Listing) -> list[Entry]:
        # Newest child sitemaps first; ones unchanged since the last successful poll skipped.
        since = source.get("last_success_at")
        children = sorted(index.sitemaps, key=lambda e: e.lastmod or "", reverse=True)
        if since:
            children = [c for c in children if not c.lastmod or c.lastmod >= since[:10]]
        children = children[:self.policy.max_child_sitemaps]
        results = await asyncio.gather(*(
            self.fetcher.fetch(c.url, accept=LISTING_ACCEPT, limit=self.policy.max_body_bytes)
            for c in children))
        entries: list[Entry] = []
        for child, res in zip(children, results, strict=True):
            if not res.ok:
                self._record_failure(f"source-{source['source_id']}", child.url, res,
                                     source["source_id"])
                continue
            try:
                entries += parse_listing(res.body, res.final_url, "sitemap").entries
            except BadListing as exc:
                self._append(f"source-{source['source_id']}", FetchFailed(
                    url=child.url, reason="bad_feed", detail=str(exc)[:500],
                    status=res.status, source_id=source["source_id"]))
        return entries

    def _listing_failed(self, source: dict[str, Any], res: FetchResult, *,
                        reason: str | None = None, detail: str | None = None) -> None:
        source_id = source["source_id"]
        if reason is not None:  # the listing arrived but cannot be read: try next interval
            retry = datetime.now(UTC) + timedelta(seconds=source["interval_seconds"])
            res = FetchResult(url=res.url, final_url=res.final_url, outcome="failed",
                              status=res.status, reason=reason, detail=detail or "",
                              retry_at=retry, attempts=res.attempts)
        self._record_failure(f"source-{source_id}", source["url"], res, source_id)

    def _choose(self, source: dict[str, Any], entries: list[Entry]
                ) -> tuple[list[tuple[str, dict | None]], list[str]]:
        """Which URLs to fetch now, and which of them were never seen before."""
        entries = sorted(entries, key=lambda e: e.published or e.lastmod or "", reverse=True)
        known = self._url_rows([e.url for e in entries])
        may_change = bool(source.get("may_change"))
        now = _now_iso()
        to_fetch: list[tuple[str, dict | None]] = []
        new: list[str] = []
        for entry in entries:
            if entry.url in self.claimed:
                continue
            row = known.get(entry.url)
            if row is None:
                if len(new) >= self.policy.max_urls_per_poll:
                    continue
                new.append(entry.url)
            elif not _worth_fetching(row, may_change, now):
                continue
            self.claimed.add(entry.url)
            to_fetch.append((entry.url, row))
        # Pages of this source that failed for a passing reason and are due again.
        for row in self.store.query(
                f"SELECT * FROM {URLS_T} WHERE source_id = ? AND state = ? "
                "AND permanent = ? AND retry_at <= ?",
                [source["source_id"], "failed", False, now]):
            if row["url"] not in self.claimed:
                self.claimed.add(row["url"])
                to_fetch.append((row["url"], row))
        return to_fetch, new

    def _url_rows(self, urls: list[str]) -> dict[str, dict]:
        rows: dict[str, dict] = {}
        for i in range(0, len(urls), 500):
            chunk = urls[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.store.query(
                    f"SELECT * FROM {URLS_T} WHERE url IN ({marks})", chunk):
                rows[row["url"]] = row
        return rows

    # --- pages ------------------------------------------------------------------------------

    async def page(self, url: str, row: dict | None, source: dict[str, Any]) -> None:
        async with self._pages:
            await self._page(url, row, source)

    async def _page(self, url: str, row: dict | None, source: dict[str, Any]) -> None:
        source_id = source["source_id"]
        stream = f"page-{url_key(url)}"
        conditional = row is not None and row.get("state") in ("fetched", "not_modified")
        try:
            res = await self.fetcher.fetch(
                url, etag=row.get("etag") if conditional else None,
                last_modified=row.get("last_modified") if conditional else None,
                html_only=True)
            if res.outcome == "not_modified":
                self._append(stream, PageNotModified(url=url, source_id=source_id))
                self._count(source_id, "not_modified")
            elif res.outcome == "skipped":
                self._skip(stream, url, res.reason or "skipped", res.detail, source_id)
            elif res.outcome != "ok":
                self._record_failure(stream, url, res, source_id)
            else:
                await self._fetched(stream, url, res, source_id)
        except ExtractionFailed as exc:
            await self._extraction_failed(stream, url, res, source_id, exc)
        except Exception:  # a bug on one page must not end the crawl
            log.exception("crawl: page %s failed unexpectedly", url)
            self._append(stream, FetchFailed(url=url, reason="internal",
                                             detail="unexpected error, see the logs",
                                             source_id=source_id))
            self._count(source_id, "failed", "internal")
        finally:
            self.done += 1
            self._tick()

    async def _fetched(self, stream: str, url: str, res: FetchResult, source_id: str) -> None:
        """Extract the page, then record it (raw page, PageFetched and what came of it) in
        one transaction."""
        def fetched_event(page: PackedPage, charset: str | None) -> PageFetched:
            return PageFetched(
                url=url, final_url=res.final_url, status=res.status or 200,
                body_sha256=page.sha256, size=page.size, content_type=res.content_type,
                charset=charset, etag=res.etag, last_modified=res.last_modified,
                source_id=source_id, elapsed_ms=res.elapsed_ms)

        if not is_html(res.content_type, res.body):
            page = await asyncio.to_thread(pack_page, res.body)  # zlib beside the event loop
            self._append_pages([(stream, [fetched_event(page, None), self._skipped(
                url, "not_html", res.content_type or "unknown type", source_id)])], page)
            self._count(source_id, "fetched")
            self._count(source_id, "skipped", "not_html")
            return
        try:
            article_url = canonical_url(res.final_url)
        except BadURL:
            article_url = url
        # The worker hashes and compresses the page too: this process only writes bytes.
        work = await self._process(res.body, article_url, res.content_type)
        assert work.page is not None
        self.record_page(stream, work, article_url, fetched_event(work.page, work.charset),
                         source_id)

    def record_page(self, stream: str, work: PageWork, article_url: str,
                    fetched: PageFetched, source_id: str | None) -> None:
        """Record an extracted HTML page in one transaction: the raw page, ``fetched`` and
        the article's events, or the skip when it holds no article. A crawl's fetches and
        pages read from a web archive both come this way."""
        metrics.extraction_timings(work.timings)
        if work.article is None:
            skipped = PageSkipped(url=fetched.url, reason="no_article",
                                  detail="no main text found", source_id=source_id,
                                  **_caused(fetched, "PageSkipped"))
            self._append_pages([(stream, [fetched, skipped])], work.page)
            self._count(source_id or "-", "fetched")
            self._count(source_id or "-", "skipped", "no_article")
            return
        self.record_article(work, article_url, fetched, source_id, page_stream=stream)

    async def _extraction_failed(self, stream: str, url: str, res: FetchResult, source_id: str,
                                 exc: ExtractionFailed) -> None:
        """The extractor raised on this page: keep the page (a later extractor may read it),
        record the failure with its reason, log the exception. Never an empty article."""
        reason = str(exc)  # the extractor's exception: "TypeError: ..."
        log.error("crawl: extracting %s failed: %s", url, reason, exc_info=exc,
                  extra={"url": url, "source_id": source_id, "outcome": EXTRACTION_ERROR})
        page = await asyncio.to_thread(pack_page, res.body)
        fetched = PageFetched(
            url=url, final_url=res.final_url, status=res.status or 200,
            body_sha256=page.sha256, size=page.size, content_type=res.content_type,
            etag=res.etag, last_modified=res.last_modified, source_id=source_id,
            elapsed_ms=res.elapsed_ms)
        # Permanent: the same page gives the same error until the extractor changes.
        failed = FetchFailed(url=url, reason=EXTRACTION_ERROR, detail=reason[:500],
                             status=res.status, permanent=True, source_id=source_id)
        self._append_pages([(stream, [fetched, failed])], page)
        self._count(source_id, "failed", EXTRACTION_ERROR)
        self.report.problems.append((source_id, url, f"{EXTRACTION_ERROR}: {reason}"[:200]))

    def record_article(self, work: PageWork, article_url: str, fetched: PageFetched,
                       source_id: str | None, page_stream: str | None = None) -> None:
        """Append ArticleExtracted, then LettersExtracted, to the article's stream; with
        ``page_stream``, also ``fetched`` to it and the packed page, in the same transaction."""
        article_id = url_key(article_url)
        duplicate_of = None
        if work.simhash is not None:
            index = self.index()
            duplicate_of = index.find(work.simhash, exclude=article_id)
            if duplicate_of is None:
                index.add(work.simhash, article_id)
        extracted = article_event(work, article_id, article_url, fetched.body_sha256,
                                  duplicate_of, source_id,
                                  **_caused(fetched, "ArticleExtracted"))
        events: list[Event] = [extracted]
        if work.letters is not None and work.letters_version is not None:
            events.append(letters_event(article_id, work.letters_version, work.letters,
                                        **_caused(fetched, "LettersExtracted", extracted)))
        appends: list[tuple[str, list[Event]]] = [(f"article-{article_id}", events)]
        if page_stream is not None:
            appends.insert(0, (page_stream, [fetched]))
        self._append_pages(appends, work.page if page_stream is not None else None)
        if page_stream is not None:
            self._count(source_id or "-", "fetched")
        if len(events) > 1:
            self.report.add(source_id or "-", "letters", len(work.letters or ()))
        self.report.add(source_id or "-", "duplicates" if duplicate_of else "articles")

    async def _process(self, body: bytes, url: str, content_type: str | None) -> PageWork:
        return await self.in_pool(process_page, body, url, content_type, True, True)

    async def in_pool(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in the extraction pool (a picklable function of scrapers)."""
        assert self.pool is not None
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, fn, *args)
        except BrokenProcessPool:
            # A worker died (a page that crashes the parser, memory): start a fresh pool for
            # the other pages; this one is recorded as failed, not retried inline.
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = _process_pool(self.policy.extract_workers)
            raise

    def index(self) -> SimIndex:
        if self._index is None:
            self._index = load_sim_index(self.store)
        return self._index

    # --- recording --------------------------------------------------------------------------

    def _skipped(self, url: str, reason: str, detail: str, source_id: str) -> PageSkipped:
        return PageSkipped(url=url, reason=reason, detail=detail[:500], source_id=source_id)

    def _skip(self, stream: str, url: str, reason: str, detail: str, source_id: str) -> None:
        self._append(stream, self._skipped(url, reason, detail, source_id))
        self._count(source_id, "skipped", reason)

    def _record_failure(self, stream: str, url: str, res: FetchResult, source_id: str) -> None:
        reason = res.reason or "unknown"
        permanent, retry_at = res.permanent, res.retry_at
        if reason == "robots" and permanent:
            # A site may lift a Disallow: ask again once the cached robots.txt has expired.
            permanent = False
            retry_at = datetime.now(UTC) + timedelta(seconds=self.policy.robots_ttl)
        self._append(stream, FetchFailed(
            url=url, reason=reason, detail=res.detail, status=res.status,
            attempt=res.attempts, permanent=permanent,
            retry_at=retry_at.isoformat() if retry_at else None, source_id=source_id))
        self._count(source_id, "failed", reason)
        self.report.problems.append((source_id, url, f"{res.reason}: {res.detail}"[:200]))

    def _count(self, source_id: str, outcome: str, reason: str | None = None) -> None:
        """One fetch outcome, in the crawl's report and in the metrics."""
        self.report.add(source_id, outcome)
        metrics.fetch_outcome(outcome, reason)

    def _append(self, stream: str, *events: Event) -> None:
        self.store.append(stream, list(events))
        metrics.appended(events)

    def _append_pages(self, appends: list[tuple[str, list[Event]]],
                      page: PackedPage | None) -> None:
        """Several streams' events and the raw page, in one transaction."""
        self.store.append_streams([(stream, events, ANY) for stream, events in appends],
                                  page=page)
        for _, events in appends:
            metrics.appended(events)

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress("pages", self.done, self.total)


def derived_id(parent_id: str, what: str) -> str:
    """A stable event id for the ``what`` event that event ``parent_id`` leads to."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"letterwatch:{parent_id}/{what}"))


def _caused(fetched: PageFetched, what: str, cause: Event | None = None) -> dict[str, Any]:
    """Metadata for an event a recorded page leads to (caused by ``cause``, by default the
    page). A page read from a web archive has an id made from its record's, and so have the
    events it leads to: recording the same record again writes nothing new."""
    meta: dict[str, Any] = (cause or fetched).caused()
    if fetched.archive_record_id is not None:
        meta["id"] = derived_id(fetched.id, what)
    return meta


def article_event(work: PageWork, article_id: str, url: str, body_sha256: str | None,
                  duplicate_of: str | None, source_id: str | None,
                  **meta: Any) -> ArticleExtracted:
    from .extract import EXTRACTOR_VERSION

    a = work.article
    assert a is not None
    return ArticleExtracted(
        article_id=article_id, url=url, text=a.text, extractor_version=EXTRACTOR_VERSION,
        title=a.title, author=a.author, published=a.published, site_name=a.site_name,
        language=a.language, canonical_url=a.canonical_url, body_sha256=body_sha256,
        simhash=to_hex(work.simhash) if work.simhash is not None else None,
        duplicate_of=duplicate_of, source_id=source_id, **meta)


def letters_event(article_id: str, version: str, letters: Iterable[dict[str, Any]],
                  **meta: Any) -> LettersExtracted:
    names = Finding.__slots__
    findings = tuple(Finding(**{k: v for k, v in d.items() if k in names}) for d in letters)
    return LettersExtracted(article_id=article_id, extractor_version=version,
                            letters=findings, **meta)


def load_sim_index(store: Store, limit: int = RECENT_SIMHASHES) -> SimIndex:
    """The simhashes of the most recent original (non-duplicate) articles."""
    store.ensure_projection(ARTICLES)
    catch_up(store, ARTICLES)
    index = SimIndex()
    rows = store.query(
        f"SELECT article_id, simhash FROM {ARTICLES_T} WHERE simhash IS NOT NULL "
        "AND duplicate_of IS NULL ORDER BY position DESC LIMIT ?", [limit])
    index.add_all((from_hex(r["simhash"]), r["article_id"]) for r in reversed(rows))
    return index


def _worth_fetching(row: dict, may_change: bool, now: str) -> bool:
    state = row.get("state")
    if state in ("fetched", "not_modified"):
        return may_change  # extracted already; only a page that may change is asked again
    if state == "failed":
        return not row.get("permanent") and (row.get("retry_at") or "") <= now
    return False  # skipped: not HTML, or no article in it


def _process_pool(workers: int) -> ProcessPoolExecutor:
    """Extraction workers forked from a server process that has everything loaded and
    warmed (``scrapers.workers``): quick to start, and no fork of this threaded process."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["scrapers.workers"])
    # Each new worker would otherwise run this program's main script again (the CLI and all
    # it imports: most of a second of CPU per worker, every crawl) for callables it is never
    # given; told the script's path, the fork server marks it as loaded. (Preloading
    # "__main__" would do it, but Python 3.11's fork server never gets the path it needs.)
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    if main and getattr(sys.modules["__main__"].__spec__, "name", None) is None:
        os.environ[MAIN_SCRIPT_ENV] = os.path.normpath(main)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    for _ in range(workers):  # start the workers now, while the first fetches run
        pool.submit(int)
    return pool
