"""Importing web archives: each HTML page becomes a page in the log as a crawl records it,
dated when the archive captured it, with the file and record as provenance; a second import
adds nothing; bad input is counted with its reason and the import goes on."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from pathlib import Path

import pytest
from folding import projection_rows
from sites import aeb_pages, seed_page, seeds
from warcs import Capture, record_bytes, write_arc, write_warc

from events.projections import ALL
from scrapers.extract import EXTRACTOR_VERSION
from scrapers.policy import FetchPolicy
from scrapers.warc.filters import RecordFilter
from scrapers.warc.importer import import_archives_sync
from store import Store
from store.projector import catch_up, rebuild

POLICY = FetchPolicy()


def seed_captures() -> list[Capture]:
    return [Capture(f"https://news.example/{s['id']}", seed_page(s).encode("utf-8"),
                    date=f"2019-0{i + 1}-15T08:30:00Z") for i, s in enumerate(seeds())]


def aeb_captures(n: int) -> list[Capture]:
    return [Capture(url, html, date="2020-03-01T00:00:00Z")
            for url, html in list(aeb_pages().values())[:n]]


def events_of(store: Store, kind: str) -> list:
    return [r.event for r in store.read_all(types=[kind])]


def test_pages_are_recorded_as_a_crawl_records_them(store: Store, tmp_path: Path):
    captures = seed_captures()
    path = write_warc(tmp_path / "seeds.warc.gz", captures)
    report = import_archives_sync(store, [str(path)], POLICY)
    assert (report.records, report.pages, report.articles) == (5, 5, 5)
    fetched = {e.url: e for e in events_of(store, "PageFetched")}
    assert set(fetched) == {c.url for c in captures}
    for c in captures:
        e = fetched[c.url]
        assert e.fetched_at == c.date.replace("Z", "+00:00")
        assert e.archive == str(path) and e.archive_record_id.startswith("<urn:uuid:")
        assert e.archive_offset is not None and e.size == len(c.body)
        assert store.get_page(e.body_sha256) == c.body, "the raw page is stored by hash"
    articles = events_of(store, "ArticleExtracted")
    assert {a.extractor_version for a in articles} == {EXTRACTOR_VERSION}
    assert all(a.causation_id == fetched[a.url].id for a in articles)
    letters = events_of(store, "LettersExtracted")
    assert len(letters) == 5 and sum(len(e.letters) for e in letters) == report.letters > 0
    # The articles projection dates each page by its capture, not by the import.
    catch_up(store, ALL["articles"])
    rows = store.query("SELECT url, fetched_at FROM p_articles_urls")
    assert {r["url"]: r["fetched_at"] for r in rows} == {
        c.url: c.date.replace("Z", "+00:00") for c in captures}


def test_a_second_import_writes_nothing(store: Store, tmp_path: Path):
    path = write_warc(tmp_path / "seeds.warc.gz", seed_captures())
    import_archives_sync(store, [str(path)], POLICY)
    head = store.head()
    again = import_archives_sync(store, [str(path)], POLICY)
    assert (again.already, again.pages, store.head()) == (5, 0, head)
    # The same records in another file (a copy, a re-packed crawl) are the same records.
    copy = tmp_path / "copy.warc.gz"
    copy.write_bytes(path.read_bytes())
    assert import_archives_sync(store, [str(copy)], POLICY).already == 5
    assert store.head() == head


def test_arc_files_import_and_reimport_as_once(sqlite_store: Store, tmp_path: Path):
    path = write_arc(tmp_path / "seeds.arc.gz", seed_captures())
    first = import_archives_sync(sqlite_store, [str(path)], POLICY)
    assert (first.pages, first.articles) == (5, 5)
    assert first.skipped == {"not a response": 1}  # the ARC file's own header record
    head = sqlite_store.head()
    assert import_archives_sync(sqlite_store, [str(path)], POLICY).already == 5
    assert sqlite_store.head() == head
    provenance = {e.archive_record_id for e in events_of(sqlite_store, "PageFetched")}
    assert all(p.startswith("arc:seeds.arc.gz:") for p in provenance) and len(provenance) == 5


def test_bad_input_is_counted_with_its_reason_and_the_import_goes_on(sqlite_store: Store,
                                                                       tmp_path: Path):
    good = seed_captures()
    parts = [record_bytes(good[0]), record_bytes(good[1])]
    # A record whose WARC header says 40 bytes less than it holds.
    plain = record_bytes(good[2], gzipped=False)
    plain = re.sub(rb"Content-Length: (\d+)",
                   lambda m: b"Content-Length: %d" % (int(m.group(1)) - 40), plain, count=1)
    parts.append(gzip.compress(plain))
    parts.append(record_bytes(Capture("https://news.example/old", b"", kind="revisit")))
    # A corrupt gzip member.
    broken = record_bytes(good[3])
    parts.append(broken[:24] + b"\xff" * 200 + broken[224:])
    parts += [record_bytes(Capture("https://news.example/gone", b"<html>gone</html>",
                                   status=404)),
              record_bytes(Capture("https://news.example/logo.png", b"\x89PNG....",
                                   content_type="image/png")),
              record_bytes(Capture("https://news.example/req", b"GET / HTTP/1.1\r\n\r\n",
                                   kind="request"))]
    last = record_bytes(good[4])
    parts.append(last[:len(last) // 2])  # the file ends in the middle of a record
    archive = tmp_path / "damaged.warc.gz"
    archive.write_bytes(b"".join(parts))
    not_an_archive = tmp_path / "notes.txt"
    not_an_archive.write_text("these are not the pages you are looking for\n" * 20)

    report = import_archives_sync(sqlite_store, [str(not_an_archive), str(tmp_path / "gone"),
                                                 str(archive)], POLICY)
    assert report.pages == 2  # the first two seeds, whole
    assert {e.url for e in events_of(sqlite_store, "PageFetched")} == {good[0].url, good[1].url}
    assert report.skipped == {"revisit": 1, "HTTP 404": 1, "not HTML": 1, "not a response": 1}
    assert report.bad["file is not an archive"] == 1
    assert report.bad["file cannot be opened"] == 1
    # The short record, and the last one, cut short.
    assert report.bad["block digest mismatch"] == 2
    assert report.bad["unreadable bytes"] == 2  # after the short record; the gzip damage
    assert len(report.problems) == sum(report.bad.values())
    assert all(reason for _, _, reason in report.problems)


def test_filters_drop_records_before_extraction(sqlite_store: Store, tmp_path: Path):
    captures = seed_captures() + [
        Capture("https://elsewhere.example/a", seed_page(seeds()[0]).encode(),
                date="2019-03-01T00:00:00Z"),
        Capture("https://news.example/ko", b"<html lang='ko'><body><p>" + "한국어 기사 "
                .encode() * 40 + b"</p></body></html>", date="2019-03-01T00:00:00Z"),
        Capture("https://news.example/fr", b"<html><body><p>" + b"Un article. " * 40 +
                b"</p></body></html>", date="2019-03-01T00:00:00Z", language="fra"),
    ]
    path = write_warc(tmp_path / "mixed.warc.gz", captures)
    f = RecordFilter.build(["news.example"], since="2019-02", until="2019-04", language="en")
    report = import_archives_sync(sqlite_store, [str(path)], POLICY, f)
    # Seeds are dated January to May: February to April keeps three.
    assert report.skipped == {"host": 1, "date": 2, "language": 2}
    assert report.pages == 3
    urls = {e.url for e in events_of(sqlite_store, "PageFetched")}
    assert urls == {captures[i].url for i in (1, 2, 3)}


def test_records_dropped_on_their_headers_never_have_their_response_read(
        sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from scrapers.warc import records

    captures = seed_captures() + [Capture("https://elsewhere.example/a", b"<html>x</html>")]
    path = write_warc(tmp_path / "mixed.warc.gz", captures)
    read: list[str] = []
    real = records.Record.response

    def response(self, verify: bool = True):
        read.append(self.url)
        return real(self, verify)

    monkeypatch.setattr(records.Record, "response", response)
    f = RecordFilter.build(["news.example"], since="2019-02", until="2019-04")
    first = import_archives_sync(sqlite_store, [str(path)], POLICY, f)
    assert first.skipped == {"host": 1, "date": 2} and first.pages == 3
    assert read == [captures[i].url for i in (1, 2, 3)]  # the kept ones only
    read.clear()
    again = import_archives_sync(sqlite_store, [str(path)], POLICY, f)
    assert again.already == 3 and again.pages == 0 and read == []


def test_the_letters_precheck_skips_pages_without_letter_words(sqlite_store: Store,
                                                                tmp_path: Path):
    path = write_warc(tmp_path / "mixed.warc.gz", seed_captures() + aeb_captures(40))
    report = import_archives_sync(sqlite_store, [str(path)], POLICY,
                                  RecordFilter(letters_only=True))
    kept = report.pages
    assert report.skipped["no letter words"] + kept == 45
    assert report.skipped["no letter words"] > 20, "most news does not mention a letter"
    urls = {e.url for e in events_of(sqlite_store, "PageFetched")}
    assert {c.url for c in seed_captures()} <= urls, "every seed reports a letter"
    every = import_archives_sync(sqlite_store, [str(path)], POLICY)
    assert every.already == kept and every.pages == 45 - kept


@pytest.mark.slow
def test_two_extraction_workers_record_the_same_as_one(tmp_path: Path):
    from store.sqlite import SQLiteStore

    path = write_warc(tmp_path / "pages.warc.gz", seed_captures() + aeb_captures(15))
    found = []
    for workers in (1, 2):
        store = SQLiteStore(tmp_path / f"w{workers}.db")
        report = import_archives_sync(store, [str(path)], POLICY.replace(
            extract_workers=workers))
        articles = sorted((e.url, e.text, e.body_sha256)
                          for e in events_of(store, "ArticleExtracted"))
        found.append((report.pages, report.letters, articles))
        store.close()
    assert found[0] == found[1]


def test_projections_after_an_import_equal_a_rebuild(sqlite_store: Store, tmp_path: Path):
    path = write_warc(tmp_path / "seeds.warc.gz", seed_captures() + aeb_captures(10))
    import_archives_sync(sqlite_store, [str(path)], POLICY)
    for p in ALL.values():
        sqlite_store.ensure_projection(p)
        catch_up(sqlite_store, p)
    live = projection_rows(sqlite_store)
    for p in ALL.values():
        rebuild(sqlite_store, p)
    assert live == projection_rows(sqlite_store)
    counts = Counter(r.type for r in sqlite_store.read_all())
    assert counts["PageFetched"] == 15


def test_a_page_fetched_logged_before_the_archive_fields_reads_as_a_crawl(store: Store):
    """Older PageFetched payloads have no archive fields: they decode with None, and the
    articles projection dates them by their recording, as before."""
    from events.registry import decode

    old = {"url": "https://a.example/", "final_url": "https://a.example/", "status": 200,
           "body_sha256": "0" * 64, "size": 10, "content_type": "text/html", "charset": None,
           "etag": None, "last_modified": None, "source_id": "s", "elapsed_ms": 5}
    event = decode("PageFetched", 1, dict(old), id="x", causation_id=None,
                   correlation_id=None)
    assert (event.fetched_at, event.archive, event.archive_offset,
            event.archive_record_id) == (None, None, None, None)
    store.append("page-a", [event])
    store.ensure_projection(ALL["articles"])
    catch_up(store, ALL["articles"])
    row = store.query("SELECT fetched_at FROM p_articles_urls")[0]
    recorded = next(iter(store.read_all())).at
    assert row["fetched_at"] == recorded


def test_a_database_that_fails_mid_import_ends_it(sqlite_store: Store, tmp_path: Path,
                                                  monkeypatch):
    """Pages that cannot be written are not counted as bad records one by one: the import
    stops with the store's error, and what was written stays."""
    from store import StoreUnavailable

    path = write_warc(tmp_path / "seeds.warc.gz", seed_captures())
    real = sqlite_store.append_streams
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) > 2:
            raise StoreUnavailable("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(sqlite_store, "append_streams", failing)
    with pytest.raises(StoreUnavailable):
        import_archives_sync(sqlite_store, [str(path)], POLICY)
    assert len(events_of(sqlite_store, "PageFetched")) == 2


def test_a_page_the_extractor_raises_on_is_a_bad_record_and_the_rest_import(
        sqlite_store: Store, tmp_path: Path, monkeypatch):
    import scrapers.pages

    real = scrapers.pages.extract_article
    captures = seed_captures()

    def flaky(text, **kw):
        if kw.get("url") == captures[1].url:
            raise TypeError("the extractor tripped")
        return real(text, **kw)

    monkeypatch.setattr(scrapers.pages, "extract_article", flaky)
    path = write_warc(tmp_path / "seeds.warc.gz", captures)
    report = import_archives_sync(sqlite_store, [str(path)], POLICY)
    assert report.pages == 4 and report.bad == {"extraction error": 1}
    assert "TypeError: the extractor tripped" in report.problems[0][2]
    assert captures[1].url not in {e.url for e in events_of(sqlite_store, "PageFetched")}
