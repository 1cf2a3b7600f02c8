"""Web archives for the tests, written with warcio from the shared pages: WARC files gzipped
per record or not, ARC files, and the ways real archives go wrong."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass(frozen=True)
class Capture:
    """One page as an archive holds it."""

    url: str
    body: bytes
    date: str = "2019-06-30T12:00:00Z"
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    kind: str = "response"  # or "revisit", "request", "metadata"
    language: str | None = None  # WARC-Identified-Content-Language


def record_bytes(capture: Capture, *, gzipped: bool = True) -> bytes:
    """One WARC record, as its own gzip member when ``gzipped``."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    headers = {"WARC-Date": capture.date}
    if capture.language:
        headers["WARC-Identified-Content-Language"] = capture.language
    if capture.kind == "revisit":
        http = StatusAndHeaders(f"{capture.status} OK",
                                [("Content-Type", capture.content_type)], protocol="HTTP/1.1")
        record = writer.create_revisit_record(capture.url, "sha1:AAAA", capture.url,
                                              capture.date, http_headers=http)
        for k, v in headers.items():
            record.rec_headers.replace_header(k, v)
    elif capture.kind in ("request", "metadata"):
        record = writer.create_warc_record(capture.url, capture.kind,
                                           payload=io.BytesIO(capture.body),
                                           warc_headers_dict=headers)
    else:
        http = StatusAndHeaders(f"{capture.status} {'OK' if capture.status == 200 else 'X'}",
                                [("Content-Type", capture.content_type),
                                 ("Content-Length", str(len(capture.body)))],
                                protocol="HTTP/1.1")
        record = writer.create_warc_record(capture.url, "response",
                                           payload=io.BytesIO(capture.body),
                                           http_headers=http, warc_headers_dict=headers)
    writer.write_record(record)
    return out.getvalue()


def write_warc(path: Path, captures: Iterable[Capture], *, gzipped: bool = True) -> Path:
    with path.open("wb") as out:
        for capture in captures:
            out.write(record_bytes(capture, gzipped=gzipped))
    return path


def arc_record(capture: Capture) -> bytes:
    """One ARC (version 1) record: a header line, then the HTTP response as captured."""
    when = datetime.fromisoformat(capture.date.replace("Z", "+00:00")).strftime("%Y%m%d%H%M%S")
    http = (f"HTTP/1.0 {capture.status} OK\r\nContent-Type: {capture.content_type}\r\n"
            f"Content-Length: {len(capture.body)}\r\n\r\n").encode("latin-1") + capture.body
    head = f"{capture.url} 192.0.2.1 {when} text/html {len(http)}\n".encode("latin-1")
    return head + http + b"\n"


def arc_file_header(name: str = "test.arc") -> bytes:
    body = (b"1 0 letterwatch-tests\nURL IP-address Archive-date Content-type "
            b"Archive-length\n")
    return (f"filedesc://{name} 0.0.0.0 20190630120000 text/plain {len(body)}\n"
            .encode("latin-1") + body + b"\n")


def write_arc(path: Path, captures: Iterable[Capture], *, gzipped: bool = True) -> Path:
    parts = [arc_file_header(path.name)] + [arc_record(c) for c in captures]
    with path.open("wb") as out:
        for part in parts:
            out.write(gzip.compress(part) if gzipped else part)
    return path
