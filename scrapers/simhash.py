"""Near-duplicate detection: a 64-bit simhash over word shingles, and an index that finds a
stored hash within a few bits of a new one, so a syndicated story is counted once."""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable

_WORD = re.compile(r"\w+")
MIN_WORDS = 40  # shorter texts (briefs, captions) share too much by chance to compare
# Bits. A story re-published with a changed line or an agency credit moves several
# majority votes on a short text, so 3 (usual for whole web pages) misses copies; two
# different stories sit around 32 bits apart.
MAX_DISTANCE = 7
BANDS = MAX_DISTANCE + 1  # pigeonhole: within 7 bits, one of 8 bands matches exactly
_BAND_BITS = 64 // BANDS
_BAND_MASK = (1 << _BAND_BITS) - 1
# One lookup table per bit: byte -> 0/1, so counting a bit across all shingle hashes is a
# bytes.translate + count in C rather than a Python loop over 64 x N bits.
_BIT = [bytes((b >> k) & 1 for b in range(256)) for k in range(8)]


def simhash(text: str) -> int | None:
    """The text's 64-bit simhash, or None when it is too short to compare."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    # Words are hashed with blake2b, stable across processes (unlike hash()), as the stored
    # simhashes of earlier crawls are compared with new ones. Each word's hash is kept
    # pre-multiplied by both shingle constants too, so a shingle is two XORs: masking to
    # 64 bits commutes with XOR, so this is the value ((a * _K1) ^ (b * _K2) ^ c) & _MASK,
    # with small ints throughout.
    known = _WORDS
    if len(known) > _WORDS_KEPT:
        known.clear()
    for w in set(words).difference(known):
        h = int.from_bytes(hashlib.blake2b(w.encode("utf-8"), digest_size=8).digest(), "little")
        known[w] = (h, (h * _K1) & _MASK, (h * _K2) & _MASK)
    seq = [known[w] for w in words]
    # The mix below is a bijection on 64-bit values, so distinct shingles are found before
    # mixing and each is mixed once.
    raw = {a[1] ^ b[2] ^ c[0] for a, b, c in zip(seq, seq[1:], seq[2:], strict=False)}
    m1, m2, mask = _M1, _M2, _MASK
    mixed = []
    for x in raw:  # splitmix64's finaliser: every input bit moves about half the output bits
        x = ((x ^ (x >> 30)) * m1) & mask
        x = ((x ^ (x >> 27)) * m2) & mask
        mixed.append(x ^ (x >> 31))
    packed = array("Q", mixed).tobytes()
    half = len(mixed) / 2
    value = 0
    for byte in range(8):
        column = packed[byte::8]
        for bit in range(8):
            if column.translate(_BIT[bit]).count(1) > half:
                value |= 1 << (byte * 8 + bit)
    return value


# Word -> (blake2b hash, hash * _K1, hash * _K2), all to 64 bits: news repeats its
# vocabulary, so most words of an article were hashed for an earlier one. Emptied when
# full rather than kept in order: refilling costs one article's worth of hashing.
_WORDS: dict[str, tuple[int, int, int]] = {}
_WORDS_KEPT = 50_000  # some 10 MB


_MASK = (1 << 64) - 1
_K1, _K2 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def to_hex(value: int) -> str:
    return f"{value:016x}"


def from_hex(text: str) -> int:
    return int(text, 16)


class SimIndex:
    """Simhashes of known articles, found again within ``MAX_DISTANCE`` bits.

    Eight 8-bit bands: two hashes at most 7 bits apart agree exactly on at least one band,
    so only hashes sharing a band are compared.
    """

    def __init__(self, max_distance: int = MAX_DISTANCE) -> None:
        assert max_distance < BANDS, f"{BANDS} bands find distances up to {BANDS - 1}"
        self.max_distance = max_distance
        self._bands: list[dict[int, list[tuple[int, str]]]] = [{} for _ in range(BANDS)]
        self.size = 0

    def add(self, value: int, article_id: str) -> None:
        for i, band in enumerate(self._bands):
            key = (value >> (_BAND_BITS * i)) & _BAND_MASK
            band.setdefault(key, []).append((value, article_id))
        self.size += 1

    def add_all(self, items: Iterable[tuple[int, str]]) -> None:
        for value, article_id in items:
            self.add(value, article_id)

    def find(self, value: int, *, exclude: str | None = None) -> str | None:
        """The id of the closest known article within the distance, if any."""
        best: tuple[int, str] | None = None
        for i, band in enumerate(self._bands):
            for other, article_id in band.get((value >> (_BAND_BITS * i)) & _BAND_MASK, ()):
                if article_id == exclude:
                    continue
                d = distance(value, other)
                if d <= self.max_distance and (best is None or d < best[0]):
                    best = (d, article_id)
        return best[1] if best else None
