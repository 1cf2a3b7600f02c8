"""Reading archive records: WARC and ARC, gzipped per record or not, and what a damaged
archive gives — the records around the damage, and one BadRecord for it."""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import pytest
from warcs import Capture, record_bytes, write_arc, write_warc

from scrapers.warc.records import BadRecord, NotAnArchive, Record, RecordError, read_records

PAGES = [Capture(f"https://news.example/{i}", f"<html><body><p>page {i}</p></body></html>"
                 .encode()) for i in range(5)]


def read(data: bytes) -> list[tuple]:
    """Each item as (url, body) for a readable response, (url, error) for an unreadable one,
    ("bad", offset) for damage."""
    out: list[tuple] = []
    for item in read_records(io.BytesIO(data)):
        if isinstance(item, BadRecord):
            out.append(("bad", item.offset))
            continue
        try:
            out.append((item.url, item.response().body))
        except RecordError as exc:
            out.append((item.url, f"error: {exc}"))
    return out


def body(i: int) -> bytes:
    return PAGES[i].body


@pytest.mark.parametrize("gzipped", [True, False], ids=["gzip", "plain"])
@pytest.mark.parametrize("writer", [write_warc, write_arc], ids=["warc", "arc"])
def test_every_format_reads_the_same_pages(tmp_path: Path, writer, gzipped: bool):
    path = writer(tmp_path / "pages", PAGES, gzipped=gzipped)
    with path.open("rb") as f:
        got = [(r.url, r.response().body, r.date.isoformat())
               for r in read_records(f) if isinstance(r, Record) and r.kind == "response"]
    assert got == [(p.url, p.body, "2019-06-30T12:00:00+00:00") for p in PAGES]


def test_records_carry_their_id_offset_and_language(tmp_path: Path):
    data = b"".join(record_bytes(c) for c in [PAGES[0], Capture("https://x.example/", b"<html>",
                                                                 language="eng,fra")])
    records = list(read_records(io.BytesIO(data)))
    assert [r.offset for r in records] == [0, data.index(b"\x1f\x8b\x08", 1)]
    assert all(r.record_id and r.record_id.startswith("<urn:uuid:") for r in records)
    assert records[1].identified_language == "eng,fra"


def test_a_truncated_last_record_is_an_error_and_the_others_read():
    data = b"".join(record_bytes(p) for p in PAGES)
    last = record_bytes(PAGES[4])
    got = read(data[:len(data) - len(last) // 2])
    assert got[:4] == [(PAGES[i].url, body(i)) for i in range(4)]
    assert len(got) == 5 and "error" in str(got[4][1])


@pytest.mark.parametrize("gzipped", [True, False], ids=["gzip", "plain"])
def test_a_wrong_content_length_costs_that_record_only(gzipped: bool):
    parts = [record_bytes(p, gzipped=False) for p in PAGES]
    # The WARC header says 30 bytes fewer than the record holds.
    parts[2] = re.sub(rb"Content-Length: (\d+)",
                      lambda m: b"Content-Length: %d" % (int(m.group(1)) - 30), parts[2], count=1)
    data = b"".join(gzip.compress(p) if gzipped else p for p in parts)
    got = read(data)
    assert got[:2] == [(PAGES[0].url, body(0)), (PAGES[1].url, body(1))]
    assert got[2][0] == PAGES[2].url and "digest mismatch" in got[2][1]
    assert got[3][0] == "bad"  # the rest of the record, where the next header should be
    assert got[4:] == [(PAGES[3].url, body(3)), (PAGES[4].url, body(4))]


def test_a_corrupt_gzip_member_is_one_bad_stretch_and_reading_resumes():
    parts = [record_bytes(p) for p in PAGES]
    broken = parts[2][:20] + b"\x00 not deflate data " * 8 + parts[2][160:]
    data = b"".join(parts[:2] + [broken] + parts[3:])
    got = read(data)
    assert got == [(PAGES[0].url, body(0)), (PAGES[1].url, body(1)),
                   ("bad", len(parts[0]) + 1), (PAGES[3].url, body(3)), (PAGES[4].url, body(4))]


def test_garbage_between_records_is_skipped_to_the_next_record():
    data = (record_bytes(PAGES[0], gzipped=False) + b"some garbage\r\n" * 10
            + record_bytes(PAGES[1], gzipped=False))
    got = read(data)
    assert got[0] == (PAGES[0].url, body(0)) and got[1][0] == "bad"
    assert got[2] == (PAGES[1].url, body(1))


@pytest.mark.parametrize("data", [b"", b"hello, not an archive\n" * 20,
                                  gzip.compress(b"<html>a gzipped page</html>"),
                                  b"\x1f\x8b\x08 broken gzip"],
                         ids=["empty", "text", "gzipped-html", "broken-gzip"])
def test_a_file_that_is_no_archive_says_so(data: bytes):
    with pytest.raises(NotAnArchive):
        list(read_records(io.BytesIO(data)))


def test_an_unseekable_stream_stops_at_damage_with_a_reason():
    parts = [record_bytes(p) for p in PAGES]
    data = b"".join(parts[:2]) + b"\x1f\x8b\x08\x00garbage" + b"".join(parts[3:])

    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.inner = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self.inner.read(len(buffer))
            buffer[:len(chunk)] = chunk
            return len(chunk)

    items = list(read_records(io.BufferedReader(Pipe())))
    assert [i.url for i in items[:2]] == [PAGES[0].url, PAGES[1].url]
    assert isinstance(items[2], BadRecord) and "cannot be read" in items[2].reason
    assert len(items) == 3


@pytest.mark.parametrize("gzipped", [True, False], ids=["gzip", "plain"])
@pytest.mark.parametrize("writer", [write_warc, write_arc], ids=["warc", "arc"])
def test_keep_sees_every_record_and_only_kept_ones_come_out(tmp_path: Path, writer,
                                                          gzipped: bool):
    path = writer(tmp_path / "pages", PAGES, gzipped=gzipped)
    seen: list[str] = []

    def keep(record: Record) -> bool:
        seen.append(record.url)
        return record.url.endswith(("/1", "/3"))

    with path.open("rb") as f:
        got = [(r.url, r.response().body) for r in read_records(f, keep=keep)
               if isinstance(r, Record)]
    assert got == [(PAGES[1].url, body(1)), (PAGES[3].url, body(3))]
    assert [u for u in seen if u.startswith("https://")] == [p.url for p in PAGES]


def test_a_dropped_record_is_never_parsed_past_its_headers(monkeypatch):
    # A dropped record's payload is never read nor its digest checked: its HTTP head and
    # payload reader are not touched, so a record with a broken body costs nothing.
    import fastwarc.warc

    touched: list[str] = []

    def spy(name: str):
        real = getattr(fastwarc.warc.WarcRecord, name)

        def wrapper(self, *a, **kw):
            touched.append(name)
            return real(self, *a, **kw)
        return wrapper

    data = b"".join(record_bytes(p) for p in PAGES)
    for name in ("parse_http", "verify_block_digest"):
        try:
            monkeypatch.setattr(fastwarc.warc.WarcRecord, name, spy(name))
        except TypeError:  # a compiled class that cannot be patched: the reading is checked
            pytest.skip("FastWARC's record class cannot be patched here")
    got = list(read_records(io.BytesIO(data), keep=lambda record: False))
    assert got == [] and touched == []
    # The spies do see a kept record's response being read.
    for record in read_records(io.BytesIO(data), keep=lambda record: True):
        record.response()
    assert touched.count("parse_http") == len(PAGES)


def test_damage_after_dropped_records_is_one_stretch_and_reading_resumes_past_it():
    parts = [record_bytes(p) for p in PAGES]
    broken = parts[2][:20] + b"\x00 not deflate data " * 8 + parts[2][160:]
    data = b"".join(parts[:2] + [broken] + parts[3:])
    seen: list[str] = []

    def keep(record: Record) -> bool:
        seen.append(record.url)
        return record.url == PAGES[4].url

    got = list(read_records(io.BytesIO(data), keep=keep))
    assert [type(g).__name__ for g in got] == ["BadRecord", "Record"]
    assert got[0].offset == len(parts[0]) + 1 and got[1].url == PAGES[4].url
    assert seen == [PAGES[i].url for i in (0, 1, 3, 4)]  # each record once


def test_an_error_in_keep_reaches_the_caller_unchanged():
    class Refused(Exception):
        pass

    def keep(record: Record) -> bool:
        raise Refused(record.url)

    data = b"".join(record_bytes(p) for p in PAGES)
    with pytest.raises(Refused, match="news.example/0"):
        list(read_records(io.BytesIO(data), keep=keep))
