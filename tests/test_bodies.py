"""Bodies: content-encodings undone under a cap, charsets found the way browsers would."""

import gzip
import zlib

import pytest

from scrapers.bodies import (
    BodyDecoder,
    DecodeError,
    TooLarge,
    decode_text,
    detect_charset,
    inflate_capped,
    is_html,
)

FRENCH = "<html><body><p>Café crème brûlée, déjà vu à la française, naïve façade.</p></body></html>"
RUSSIAN = ("<html><head><meta charset='utf-8'></head><body><p>Президент получил письмо от "
           "лидера страны с предложением о новой встрече.</p></body></html>")


def test_gzip_and_both_deflate_flavours_decode():
    data = b"<p>hello</p>" * 100
    for coding, packed in (("gzip", gzip.compress(data)), ("deflate", zlib.compress(data)),
                           ("deflate", zlib.compress(data)[2:-4])):
        d = BodyDecoder(coding, 10_000)
        assert d.feed(packed[:7]) + d.feed(packed[7:]) + d.finish() == data


def test_a_bomb_stops_at_the_cap_without_inflating_it_all():
    bomb = gzip.compress(b"\0" * 50_000_000)
    d = BodyDecoder("gzip", 1_000_000)
    with pytest.raises(TooLarge):
        d.feed(bomb)
    assert d.size <= 1_000_000 + 64 * 1024
    with pytest.raises(TooLarge):
        inflate_capped(bomb, 1000)


def test_unknown_or_corrupt_encodings_are_decode_errors():
    with pytest.raises(DecodeError):
        BodyDecoder("br", 100)
    with pytest.raises(DecodeError):
        BodyDecoder("gzip", 100).feed(b"\x1f\x8bnot really gzip at all")


def test_declared_charset_wins_when_it_fits():
    assert detect_charset(FRENCH.encode("cp1252"), "text/html; charset=windows-1252") == "cp1252"


def test_a_wrong_declaration_falls_back_to_meta_then_sniffing():
    assert detect_charset(RUSSIAN.encode("cp1251"), "text/html; charset=utf-8") == "cp1251"
    assert detect_charset(FRENCH.encode("cp1252"), "text/html; charset=utf-8") == "cp1252"
    # Declared Latin-1 but really UTF-8: Latin-1 would "fit" any bytes and give mojibake.
    assert detect_charset(FRENCH.encode("utf-8"), "text/html; charset=iso-8859-1") == "utf-8"


def test_meta_and_bom_are_read():
    page = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
    assert detect_charset(page + "<p>Привет</p>".encode("koi8-r")) == "koi8-r"
    assert detect_charset(b"\xef\xbb\xbf<p>x</p>") == "utf-8-sig"
    text, charset = decode_text(RUSSIAN.encode("cp1251"), "text/html; charset=utf-8")
    assert "письмо" in text and charset == "cp1251"


def test_html_is_recognised_by_type_or_by_its_first_bytes():
    assert is_html("text/html; charset=utf-8") and is_html("application/xhtml+xml")
    assert not is_html("application/pdf", b"%PDF")
    assert is_html(None, b"  <!DOCTYPE html><html>") and is_html("application/octet-stream", b"<html>")
    assert not is_html(None, b"plain words")
