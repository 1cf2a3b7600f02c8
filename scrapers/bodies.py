"""Response bodies: content-encodings undone under a size cap, and text decoded in the
charset the page really uses (declared header, then meta tag, then sniffed)."""

from __future__ import annotations

import codecs
import re
import zlib

from charset_normalizer import from_bytes

ACCEPT_ENCODING = "gzip, deflate"  # only what we can decode incrementally with a cap
_CHUNK = 64 * 1024

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


class TooLarge(Exception):
    """The body passed the size limit; the download was stopped."""


class DecodeError(Exception):
    """The body's content-encoding is unknown or its compressed data is corrupt."""


class BodyDecoder:
    """Undoes a Content-Encoding chunk by chunk, never producing more than ``limit`` bytes.

    Each compressed chunk is inflated in bounded steps, so a small chunk of a gzip bomb
    cannot blow up in memory before the size check sees it.
    """

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self.limit = limit
        self.size = 0
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")
                   if c.strip() and c.strip().lower() != "identity"]
        if len(codings) > 1:
            raise DecodeError(f"stacked content-encodings are not supported: {content_encoding}")
        self.coding = codings[0] if codings else None
        if self.coding in ("gzip", "x-gzip"):
            self._z: zlib._Decompress | None = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.coding == "deflate":
            self._z = None  # zlib-wrapped or raw: decided on the first bytes
        elif self.coding is None:
            self._z = None
        else:
            raise DecodeError(f"unsupported content-encoding {self.coding!r}")

    def feed(self, data: bytes) -> bytes:
        if self.coding is None:
            return self._count(data)
        if self._z is None:  # deflate: RFC says zlib-wrapped, many servers send raw
            raw = not (len(data) >= 2 and (data[0] & 0x0F) == 8 and
                       ((data[0] << 8) | data[1]) % 31 == 0)
            self._z = zlib.decompressobj(-zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
        out: list[bytes] = []
        pending = data
        try:
            while pending:
                piece = self._z.decompress(pending, _CHUNK)
                out.append(self._count(piece))
                pending = self._z.unconsumed_tail
                if self._z.eof:
                    break
        except zlib.error as exc:
            raise DecodeError(f"corrupt {self.coding} body: {exc}") from None
        return b"".join(out)

    def finish(self) -> bytes:
        if self._z is None:
            return b""
        try:
            return self._count(self._z.flush())
        except zlib.error as exc:
            raise DecodeError(f"corrupt {self.coding} body: {exc}") from None

    @property
    def complete(self) -> bool:
        """False while a compressed stream lacks its end: a body delimited by the
        connection's close has no other sign that the close came too early."""
        return self.coding is None or (self._z is not None and self._z.eof)

    def _count(self, piece: bytes) -> bytes:
        self.size += len(piece)
        if self.size > self.limit:
            raise TooLarge(f"decoded body exceeds {self.limit} bytes")
        return piece


def inflate_capped(data: bytes, limit: int) -> bytes:
    """Decompress a gzip file (e.g. ``sitemap.xml.gz``) to at most ``limit`` bytes."""
    decoder = BodyDecoder("gzip", limit)
    return decoder.feed(data) + decoder.finish()


# --- content types and charsets ------------------------------------------------------------

_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_SINGLE_BYTE_WESTERN = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15"})


def media_type(content_type: str | None) -> str:
    """"text/html; charset=utf-8" -> "text/html" ("" when absent)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_html(content_type: str | None, body: bytes = b"") -> bool:
    """An HTML or XHTML page; a missing or generic type is decided by the first bytes."""
    kind = media_type(content_type)
    if kind in HTML_TYPES:
        return True
    if kind in ("", "application/octet-stream", "text/plain"):
        head = body[:1024].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
    return False


def declared_charset(content_type: str | None) -> str | None:
    match = _CHARSET_PARAM.search(content_type or "")
    return _codec(match.group(1)) if match else None


def meta_charset(body: bytes) -> str | None:
    """The charset a <meta> tag or an XML declaration names in the first 4 KB."""
    head = body[:4096]
    match = _META_CHARSET.search(head) or _XML_DECL.search(head)
    return _codec(match.group(1).decode("ascii", "ignore")) if match else None


def _codec(name: str) -> str | None:
    """Python's name for a declared charset, or None if Python does not know it."""
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _decoded(body: bytes, charset: str) -> str | None:
    """``body`` read in ``charset``, or None if it does not fit: the test decodes anyway, so
    its text is kept rather than decoded a second time."""
    try:
        text = body.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None
    if charset in _SINGLE_BYTE_WESTERN and not body.isascii():
        # Latin-1 accepts any bytes: a "Latin-1" page that is valid UTF-8 was mislabelled.
        try:
            body.decode("utf-8")
            return None
        except UnicodeDecodeError:
            return text
    return text


def _fits(body: bytes, charset: str) -> bool:
    return _decoded(body, charset) is not None


def detect_charset(body: bytes, content_type: str | None = None) -> str:
    """The charset to read ``body`` with: BOM, declared header, meta, then sniffed."""
    return decode_text(body, content_type)[1]


# Encodings real web pages use; a sniffer's exotic first guess (a DOS or Baltic code page)
# gives way to one of these when it reads the text nearly as well.
_WEB_CHARSETS = ("cp1252", "cp1251", "cp1250", "iso8859-2", "iso8859-15", "koi8-r", "cp1253",
                 "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874", "gb18030", "gbk",
                 "gb2312", "big5", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949",
                 "iso2022_jp", "mac-roman")
_TAG = re.compile(rb"<(?:script|style)\b.*?</(?:script|style)>|<[^>]*>", re.S | re.I)


def sniff_charset(body: bytes) -> str:
    """The most likely charset of an undeclared or mis-declared page, judged on its text
    (markup stripped, so the ASCII tags do not drown the few telling bytes)."""
    text = _TAG.sub(b" ", body[:400_000])[:200_000]
    results = list(from_bytes(text or body[:200_000]))
    if not results:
        return "utf-8"
    best = results[0]
    close = {_codec(r.encoding) for r in results if r.chaos <= best.chaos + 0.1}
    for name in _WEB_ORDER:
        if name in close:
            return name
    return _codec(best.encoding) or "utf-8"


_WEB_ORDER = tuple(dict.fromkeys(filter(None, (_codec(n) for n in _WEB_CHARSETS))))


def decode_text(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, charset used): BOM, declared header, meta, then sniffed; undecodable bytes
    become U+FFFD rather than failing. The body is decoded once on the usual paths."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            charset = "utf-8-sig" if name == "utf-8" else name
            return body.decode(charset, errors="replace"), charset
    for candidate in (declared_charset(content_type), meta_charset(body)):
        if candidate and (text := _decoded(body, candidate)) is not None:
            return text, candidate
    if body.isascii():
        return body.decode("ascii"), "utf-8"
    if (text := _decoded(body, "utf-8")) is not None:
        return text, "utf-8"
    charset = sniff_charset(body)
    return body.decode(charset, errors="replace"), charset
