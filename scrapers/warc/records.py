"""Records of a web archive, one at a time: WARC files read with FastWARC, ARC files with
warcio, gzipped per record or not, from a file or any stream, in constant memory.

A record's headers are read first and its payload only when asked for. A ``keep`` test on
the headers drops records inside the reading itself (FastWARC's ``func_filter``): a dropped
record's HTTP head is never parsed, its payload never read by this code nor hashed, and no
object for it reaches the caller, so skipping costs little more than the library's own pass
over the bytes. A record the format libraries cannot read (a corrupt gzip member,
a wrong Content-Length, garbage between records) is reported as a :class:`BadRecord` and,
in a file that can seek, reading resumes at the next record boundary: neither library
recovers by itself, both stop at the first error.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO

Keep = Callable[["Record"], bool]  # a test on a record's headers: False drops the record

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
ARC_MAGIC = b"filedesc://"
_SCAN_CHUNK = 1 << 20


class NotAnArchive(Exception):
    """The file is neither a WARC nor an ARC file."""


class _KeepFailed(Exception):
    """A ``keep`` test raised: carried out of the reading so that it is not taken for
    damage in the archive."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class RecordError(Exception):
    """One record cannot be used: the reason says why (truncated, bad digest, no HTTP head)."""


@dataclass(frozen=True, slots=True)
class BadRecord:
    """Bytes that do not read as a record, at ``offset`` in the (compressed) file."""

    offset: int
    reason: str


@dataclass(frozen=True, slots=True)
class Response:
    """The HTTP response a record holds: status, headers (lower-case names), payload."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


@dataclass(slots=True)
class Record:
    """One archive record's headers; :meth:`response` reads its payload, valid only until
    the next record is read."""

    kind: str  # response, revisit, request, metadata, warcinfo, resource, ...
    url: str
    date: datetime | None
    record_id: str | None
    offset: int
    length: int  # the declared length of the record's block
    identified_language: str | None = None  # WARC-Identified-Content-Language, if any
    _native: Any = field(default=None, repr=False)
    _read: Any = field(default=None, repr=False)

    def response(self, verify: bool = True) -> Response:
        """The HTTP response; RecordError when the record is cut short, fails its digest or
        holds no HTTP response."""
        return self._read(self, verify)


def sniff(head: bytes) -> str | None:
    """"warc" or "arc" from a file's first bytes (gzipped or not), None for anything else."""
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return None
    if head.startswith(WARC_MAGIC):
        return "warc"
    if head.startswith(ARC_MAGIC):
        return "arc"
    return None


def read_records(stream: BinaryIO, *, seekable: bool | None = None, keep: Keep | None = None
                 ) -> Iterator[Record | BadRecord]:
    """Every record of the archive in ``stream`` that ``keep`` (given the record's headers
    only; its payload cannot be read then) keeps, and every stretch that is not a record.

    Raises NotAnArchive before the first record when the stream holds neither format; an
    exception from ``keep`` ends the reading and reaches the caller as it was raised.
    """
    if seekable is None:
        seekable = _seekable(stream)
    if seekable:
        base = stream.tell()
        head = stream.read(4096)
        stream.seek(base)
    else:
        stream = io.BufferedReader(stream, 1 << 16) if not hasattr(stream, "peek") else stream
        base, head = 0, stream.peek(4096)[:4096]
        stream = _Forward(stream)  # type: ignore[assignment]
    kind = sniff(head)
    if kind is None:
        raise NotAnArchive("not a WARC or ARC file (neither starts with a WARC or ARC "
                           "header, plain or gzipped)")
    gzipped = head.startswith(GZIP_MAGIC)
    records = _warc_records if kind == "warc" else _arc_records
    # Per-record gzip and plain WARC have a mark where a record may begin; plain ARC has
    # none worth trusting, so its reading ends at the damage.
    magic = GZIP_MAGIC if gzipped else WARC_MAGIC if kind == "warc" else None
    start, damaged = base, None  # damaged: the first error of a stretch not yet reported
    seen: list[int] = []  # offset of the last record read, kept or dropped, since ``start``
    test = _noting(keep, seen) if keep is not None else None
    while True:
        seen.clear()
        try:
            for record in records(stream, start, test):
                if damaged is not None:
                    yield damaged
                    damaged = None
                seen[:] = [record.offset]
                yield record
            if damaged is not None:
                yield damaged
            return
        except _KeepFailed as failed:
            raise failed.error from None
        except Exception as exc:  # the libraries raise OSError, ValueError and their own
            reason = _reason(exc)
        last = seen[0] if seen else None
        if damaged is not None and last is not None:
            yield damaged  # a record (dropped by ``keep``) was read since: that stretch ended
            damaged = None
        at = start if last is None else last + 1
        if damaged is None:
            damaged = BadRecord(at, reason)
        if not seekable or magic is None:
            yield BadRecord(damaged.offset, f"{damaged.reason}; the rest cannot be read")
            return
        following = _next_boundary(stream, at + 1 if last is None else at, magic)
        if following is None:
            yield damaged
            return
        start = following


def _noting(keep: Keep, seen: list[int]) -> Keep:
    """``keep``, noting each record's offset in ``seen``: damage after dropped records
    resumes past them."""
    def test(record: Record) -> bool:
        seen[:] = [record.offset]
        return keep(record)
    return test


class _Forward:
    """A stream read only forwards, that still tells its position: FastWARC asks a stream
    where it is (and panics on a stream that cannot say)."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream, self._position = stream, 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._position += len(data)
        return data

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = 0) -> int:
        target = offset if whence == io.SEEK_SET else self._position + offset \
            if whence == io.SEEK_CUR else -1
        if target != self._position:
            raise io.UnsupportedOperation("the stream is read forwards only")
        return self._position

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return True


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return (f"{type(exc).__name__}: {text}" if text else type(exc).__name__)[:300]


def _seekable(stream: BinaryIO) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, OSError, ValueError):
        return False


def _next_boundary(stream: BinaryIO, offset: int, magic: bytes) -> int | None:
    """Where the next record may start at or after ``offset``: the next gzip member, or the
    next WARC version line."""
    stream.seek(offset)
    position, tail = offset, b""
    while True:
        chunk = stream.read(_SCAN_CHUNK)
        if not chunk:
            return None
        data = tail + chunk
        found = data.find(magic)
        if found >= 0:
            return position - len(tail) + found
        tail = data[-(len(magic) - 1):]
        position += len(chunk)


# --- WARC: FastWARC -------------------------------------------------------------------------


def _warc_records(stream: BinaryIO, start: int, keep: Keep | None) -> Iterator[Record]:
    from fastwarc.warc import ArchiveIterator

    stream.seek(start) if _seekable(stream) else None
    kept: list[Record] = []  # the record the filter has just kept, handed on as it was built

    def wanted(rec: Any) -> bool:
        record = _warc_record(rec)
        try:
            ok = keep(record)  # type: ignore[misc]
        except BaseException as exc:
            raise _KeepFailed(exc) from exc
        if ok:
            kept.append(record)
        return bool(ok)

    # HTTP heads are parsed only for kept records, when their response is asked for.
    records = ArchiveIterator(stream, parse_http=False, fsspec_args=False,
                              func_filter=wanted if keep is not None else None)
    for rec in records:
        record = kept.pop() if kept else _warc_record(rec)
        kept.clear()
        yield record


_TYPES: dict[int, str] = {}  # FastWARC's record type (as a number) -> its name


def _warc_record(rec: Any) -> Record:
    headers = rec.headers
    kind_type = rec.record_type
    kind = _TYPES.get(int(kind_type))
    if kind is None:
        kind = _TYPES.setdefault(int(kind_type), str(kind_type))
    return Record(
        kind=kind, url=(headers.get("WARC-Target-URI") or "").strip("<> "),
        date=_aware(rec.record_date) if headers.get("WARC-Date") else None,
        record_id=rec.record_id, offset=rec.stream_pos,  # from the stream's tell()
        length=rec.content_length,
        identified_language=headers.get("WARC-Identified-Content-Language"),
        _native=rec, _read=_warc_response)


def _warc_response(record: Record, verify: bool) -> Response:
    rec = record._native
    if record.length <= 0:
        raise RecordError("empty record: it may be cut short")
    if verify and rec.headers.get("WARC-Block-Digest") and not rec.verify_block_digest(
            consume=False):
        raise RecordError("block digest mismatch: the record is cut short or corrupt, or "
                          "its Content-Length is wrong")
    try:
        rec.parse_http(auto_decode="all")
    except Exception as exc:
        raise RecordError(f"unreadable HTTP head: {_reason(exc)}") from None
    http = rec.http_headers
    if http is None or http.status_code is None:
        raise RecordError("no HTTP response head: the record may be cut short")
    headers = {k.lower(): v for k, v in http.items()}
    body = rec.reader.read()
    return Response(http.status_code, headers, body)


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# --- ARC: warcio ----------------------------------------------------------------------------


def _arc_records(stream: BinaryIO, start: int, keep: Keep | None) -> Iterator[Record]:
    from warcio.archiveiterator import ArchiveIterator

    stream.seek(start) if _seekable(stream) else None
    it = ArchiveIterator(stream, arc2warc=True)
    for rec in it:
        headers = rec.rec_headers
        date = headers.get_header("WARC-Date")
        record = Record(
            kind=rec.rec_type, url=headers.get_header("WARC-Target-URI") or "",
            # warcio gives a converted ARC record a new random id each time: none is kept.
            date=_parse_date(date), record_id=None,
            offset=it.offset,  # get_record_offset() would read the record away
            length=int(headers.get_header("Content-Length") or rec.length or 0),
            _native=rec, _read=_arc_response)
        if keep is not None:
            try:
                ok = keep(record)
            except BaseException as exc:
                raise _KeepFailed(exc) from exc
            if not ok:
                continue  # warcio passes over the payload when the next record is asked for
        yield record


def _arc_response(record: Record, verify: bool) -> Response:
    rec = record._native
    http = rec.http_headers
    if http is None or not http.get_statuscode():
        raise RecordError("no HTTP response head")
    try:
        status = int(http.get_statuscode())
    except ValueError:
        raise RecordError(f"bad HTTP status {http.get_statuscode()!r}") from None
    headers = {k.lower(): v for k, v in http.headers}
    return Response(status, headers, rec.content_stream().read())


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return _aware(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None
