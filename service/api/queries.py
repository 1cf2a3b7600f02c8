"""Reading letters, people and articles: SQL over the projection tables, and the same filters
applied in memory to a fold of the log up to a past position (the "as of" view)."""

from __future__ import annotations

import base64
import binascii
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import orjson

from events.projection import MemoryRows
from events.projections import ARTICLES, LETTERS, SOURCES
from events.projections.letters import person_key
from store import Store, table_name

LETTERS_T = table_name(LETTERS.name, "letters")
REFS_T = table_name(LETTERS.name, "article_refs")
ARTICLES_T = table_name(ARTICLES.name, "articles")
SOURCES_T = table_name(SOURCES.name, "sources")

LETTER_COLUMNS = ("letter_id", "sender", "recipient", "kind", "date", "sort_date", "via",
                  "in_reply_to", "confidence", "source_count", "sources", "evidence",
                  "first_position", "last_position", "first_reported_at")
_SELECT_LETTERS = f"SELECT {', '.join(LETTER_COLUMNS)} FROM {LETTERS_T}"
ORDER = " ORDER BY sort_date DESC, first_position DESC, letter_id DESC"


# A name's comparison key, as the letters projection stores it (``sender_key``...).
norm = person_key


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def outlet(source: dict[str, Any]) -> str:
    """What a reader calls the outlet: its site name, else its host."""
    if source.get("site_name"):
        return source["site_name"]
    url = source.get("url")
    host = urlsplit(url).hostname if url else None
    return host or source.get("article_id") or "?"


SOURCE_FIELDS = ("article_id", "url", "title", "site_name", "published", "evidence", "kind",
                 "date", "via", "confidence", "extractor_version", "position", "recorded_at")


def letter_out(row: dict[str, Any]) -> dict[str, Any]:
    """A letters-table row as the API shows it."""
    sources = [{k: s.get(k) for k in SOURCE_FIELDS} for s in _json(row["sources"]) or []]
    for s in sources:  # a float, as the model says, however the JSON wrote it
        if s["confidence"] is not None:
            s["confidence"] = float(s["confidence"])
    return {
        "letter_id": row["letter_id"], "sender": row["sender"], "recipient": row["recipient"],
        "kind": row["kind"], "date": row["date"], "via": row["via"],
        "in_reply_to": row["in_reply_to"], "confidence": float(row["confidence"] or 0.0),
        "source_count": int(row["source_count"] or 0),
        "outlets": sorted({outlet(s) for s in sources}),
        "first_position": int(row["first_position"]), "last_position": int(row["last_position"]),
        "first_reported_at": row["first_reported_at"],
        "sources": sources,
    }


# --- filters and cursors ---------------------------------------------------------------------


class BadInput(ValueError):
    """Input that parsed but makes no sense; shown to the client as a 422 about ``field``."""

    def __init__(self, message: str, field: str = "cursor") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class LetterFilter:
    sender: str | None = None
    recipient: str | None = None
    person: str | None = None
    kind: str | None = None
    since: str | None = None  # ISO date prefix: YYYY, YYYY-MM or YYYY-MM-DD
    until: str | None = None
    q: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        """SQL conditions (joined with AND) and their parameters."""
        conds: list[str] = []
        params: list[Any] = []
        if self.sender:
            conds.append("sender_key = ?")
            params.append(norm(self.sender))
        if self.recipient:
            conds.append("recipient_key = ?")
            params.append(norm(self.recipient))
        if self.person:
            conds.append("(sender_key = ? OR recipient_key = ?)")
            params += [norm(self.person)] * 2
        if self.kind:
            conds.append("kind = ?")
            params.append(self.kind.lower())
        if self.since:
            conds.append("sort_date >= ?")
            params.append(self.since)
        if self.until:
            # "~" sorts after digits and "-": until=2019-06 keeps 2019-06-30.
            conds.append("sort_date <> '' AND sort_date <= ?")
            params.append(self.until + "~")
        if self.q:
            conds.append("lower(evidence) LIKE ? ESCAPE '\\'")
            params.append("%" + _like_escape(self.q.lower()) + "%")
        return " AND ".join(conds), params

    def matches(self, row: dict[str, Any]) -> bool:
        """The same test as :meth:`where`, for rows folded in memory."""
        if self.sender and row["sender_key"] != norm(self.sender):
            return False
        if self.recipient and row["recipient_key"] != norm(self.recipient):
            return False
        if self.person and norm(self.person) not in (row["sender_key"], row["recipient_key"]):
            return False
        if self.kind and row["kind"] != self.kind.lower():
            return False
        if self.since and not row["sort_date"] >= self.since:
            return False
        if self.until and not (row["sort_date"] and row["sort_date"] <= self.until + "~"):
            return False
        return not (self.q and self.q.lower() not in (row["evidence"] or "").lower())


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


SortKey = tuple[str, int, str]


def sort_key(row: dict[str, Any]) -> SortKey:
    return (row["sort_date"] or "", int(row["first_position"]), row["letter_id"])


def encode_cursor(key: Iterable[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).decode().rstrip("=")


def decode_cursor(cursor: str, shape: tuple[type, ...]) -> tuple[Any, ...]:
    """An opaque cursor back to its key, or BadInput when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = orjson.loads(raw)
    except (binascii.Error, ValueError, orjson.JSONDecodeError) as exc:
        raise BadInput("cursor is not valid: pass next_cursor from a previous page") from exc
    if (not isinstance(key, list) or len(key) != len(shape)
            or not all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(key, shape, strict=True))):
        raise BadInput("cursor is not valid: pass next_cursor from a previous page")
    return tuple(key)


LETTER_CURSOR = (str, int, str)


def page_letters(store: Store, f: LetterFilter, limit: int,
                 cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of letters from the live projection, newest first."""
    where, params = f.where()
    conds = [where] if where else []
    if cursor:
        conds.append("(sort_date, first_position, letter_id) < (?, ?, ?)")
        params += list(decode_cursor(cursor, LETTER_CURSOR))
    sql = _SELECT_LETTERS + (" WHERE " + " AND ".join(conds) if conds else "") + ORDER + " LIMIT ?"
    rows = store.query(sql, [*params, limit + 1])
    return _page(rows, limit)


def _page(rows: list[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], str | None]:
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor(sort_key(rows[-1])) if more and rows else None
    return [letter_out(r) for r in rows], nxt


def page_letters_in(rows: Iterable[dict[str, Any]], f: LetterFilter, limit: int,
                    cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """The same page from rows held in memory (a fold of the log as it stood)."""
    after = decode_cursor(cursor, LETTER_CURSOR) if cursor else None
    chosen = [r for r in rows if f.matches(r) and (after is None or sort_key(r) < after)]
    chosen.sort(key=sort_key, reverse=True)
    return _page(chosen[:limit + 1], limit)


def recent_letters(store: Store, f: LetterFilter, limit: int) -> list[dict[str, Any]]:
    """The letters most recently first reported, newest first: what a feed of news shows."""
    where, params = f.where()
    sql = (_SELECT_LETTERS + (f" WHERE {where}" if where else "")
           + " ORDER BY first_position DESC, letter_id DESC LIMIT ?")
    return [letter_out(r) for r in store.query(sql, [*params, limit])]


def get_letter(store: Store, letter_id: str) -> dict[str, Any] | None:
    rows = store.query(_SELECT_LETTERS + " WHERE letter_id = ?", [letter_id])
    return rows[0] if rows else None


def replies_to(store: Store, letter_id: str) -> list[dict[str, Any]]:
    return store.query(_SELECT_LETTERS + " WHERE in_reply_to = ?" + ORDER, [letter_id])


# --- "as of": the log folded up to a past position ----------------------------------------------


class AsOf:
    """Letters as the log stood at a position, folded in memory.

    The log below a position never changes, so a fold stays right forever: a few are kept,
    and a later position is folded on from the nearest earlier one rather than from the
    start. One fold runs at a time, so a burst of requests cannot multiply the work.
    """

    def __init__(self, size: int = 3) -> None:
        self.size = size
        self._cache: OrderedDict[int, MemoryRows] = OrderedDict()
        self._lock = threading.Lock()

    def position_at(self, store: Store, when: str) -> int:
        """Last position recorded at or before an ISO time ("2024-05-01" or a datetime)."""
        try:
            at = datetime.fromisoformat(when)
        except ValueError as exc:
            raise BadInput(f"as_of {when!r} is neither a log position nor an ISO date/time",
                           "as_of") from exc
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        iso = at.astimezone(UTC).isoformat()
        row = store.query("SELECT MAX(position) AS p FROM events WHERE recorded_at <= ?", [iso])
        return int(row[0]["p"] or 0)

    def resolve(self, store: Store, as_of: str) -> int:
        if as_of.isdigit():
            return min(int(as_of), store.head())
        return self.position_at(store, as_of)

    def letters(self, store: Store, position: int) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._cache.get(position)
            if rows is None:
                rows = self._fold(store, position)
                self._cache[position] = rows
                while len(self._cache) > self.size:
                    self._cache.popitem(last=False)
            self._cache.move_to_end(position)
            return list(rows.tables["letters"].values())

    def _fold(self, store: Store, position: int) -> MemoryRows:
        base = max((p for p in self._cache if p < position), default=0)
        rows = MemoryRows(LETTERS)
        if base:
            # Rows are replaced on every put, never changed in place: copying the tables
            # is enough to fold on without touching the cached fold.
            rows.tables = {name: dict(t) for name, t in self._cache[base].tables.items()}
        for recorded in store.read_all(after=base, types=LETTERS.handles):
            if recorded.position > position:
                break
            rows.fold(recorded)
        return rows


# --- answers kept until the letters move ------------------------------------------------------


class Memo:
    """Answers computed from the letters table alone (people, the matrix), kept until the
    letters projection's checkpoint moves: aggregating every letter on each page view
    would cost the most where there are the most letters."""

    def __init__(self, store: Store, size: int = 256) -> None:
        self.store, self.size = store, size
        self._at = -1
        self._values: dict[Any, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Any) -> Any:
        at = self.store.checkpoint("letters").position
        with self._lock:
            if at != self._at:
                self._values, self._at = {}, at
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            if self._at == at and len(self._values) < self.size:
                self._values[key] = value
        return value


# --- people ----------------------------------------------------------------------------------

_SIDES = (f"SELECT sender_key AS person_id, sender AS name, 1 AS sent, 0 AS received, "
          f"sort_date FROM {LETTERS_T} UNION ALL "
          f"SELECT recipient_key, recipient, 0, 1, sort_date FROM {LETTERS_T}")


def people(store: Store, q: str | None, limit: int, offset: int) -> list[dict[str, Any]]:
    """Everyone who sent or received a letter, most letters first."""
    where, params = "", []
    if q:
        where = " WHERE lower(name) LIKE ? ESCAPE '\\'"
        params.append("%" + _like_escape(q.lower()) + "%")
    sql = (f"SELECT person_id, MIN(name) AS name, SUM(sent) AS sent, SUM(received) AS received, "
           f"MAX(sort_date) AS last_date FROM ({_SIDES}) sides{where} GROUP BY person_id "
           f"ORDER BY SUM(sent) + SUM(received) DESC, person_id LIMIT ? OFFSET ?")
    return [_person(r) for r in store.query(sql, [*params, limit, offset])]


def _person(r: dict[str, Any]) -> dict[str, Any]:
    sent, received = int(r["sent"] or 0), int(r["received"] or 0)
    return {"person_id": r["person_id"], "name": r["name"], "sent": sent,
            "received": received, "letters": sent + received, "last_date": r["last_date"] or None}


def person(store: Store, person_id: str, limit: int = 200) -> dict[str, Any] | None:
    """One person: totals, their counterparts, and their letters both ways."""
    key = norm(person_id)
    rows = store.query(
        f"SELECT person_id, MIN(name) AS name, SUM(sent) AS sent, SUM(received) AS received, "
        f"MAX(sort_date) AS last_date FROM ({_SIDES}) sides WHERE person_id = ? "
        f"GROUP BY person_id", [key])
    if not rows:
        return None
    out = _person(rows[0])
    counterparts = store.query(
        f"SELECT recipient_key AS person_id, MIN(recipient) AS name, COUNT(*) AS sent, "
        f"0 AS received FROM {LETTERS_T} WHERE sender_key = ? GROUP BY 1 "
        f"UNION ALL "
        f"SELECT sender_key, MIN(sender), 0, COUNT(*) FROM {LETTERS_T} "
        f"WHERE recipient_key = ? GROUP BY 1", [key, key])
    merged: dict[str, dict[str, Any]] = {}
    for c in counterparts:
        m = merged.setdefault(c["person_id"], {"person_id": c["person_id"], "name": c["name"],
                                               "sent": 0, "received": 0})
        m["sent"] += int(c["sent"])
        m["received"] += int(c["received"])
    out["counterparts"] = sorted(merged.values(),
                                 key=lambda m: (-(m["sent"] + m["received"]), m["person_id"]))
    out["letters_list"], _ = page_letters(store, LetterFilter(person=key), limit)
    return out


def matrix(store: Store, top: int = 8) -> dict[str, Any]:
    """Who writes to whom among the most prolific correspondents: counts per (sender, recipient)."""
    names = people(store, None, top, 0)
    keys = [p["person_id"] for p in names]
    if not keys:
        return {"people": [], "counts": []}
    marks = ",".join("?" * len(keys))
    rows = store.query(
        f"SELECT sender_key AS s, recipient_key AS r, COUNT(*) AS n "
        f"FROM {LETTERS_T} WHERE sender_key IN ({marks}) "
        f"AND recipient_key IN ({marks}) GROUP BY 1, 2", [*keys, *keys])
    index = {k: i for i, k in enumerate(keys)}
    counts = [[0] * len(keys) for _ in keys]
    for r in rows:
        counts[index[r["s"]]][index[r["r"]]] = int(r["n"])
    return {"people": names, "counts": counts}


# --- articles --------------------------------------------------------------------------------

ARTICLE_SUMMARY = ("article_id", "url", "canonical_url", "title", "author", "published",
                   "site_name", "language", "duplicate_of", "source_id", "first_seen_at",
                   "position", "letters")


def article_out(row: dict[str, Any], with_text: bool = False) -> dict[str, Any]:
    letters = _json(row.get("letters")) or []
    out = {k: row.get(k) for k in ARTICLE_SUMMARY if k != "letters"}
    out["position"] = int(out["position"] or 0)
    out["letter_count"] = len(letters)
    if with_text:
        out["text"] = row.get("text") or ""
        out["extractor_version"] = row.get("extractor_version")
        out["findings"] = letters
    return out


def page_articles(store: Store, q: str | None, limit: int,
                  cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    conds, params = [], []
    if q:
        conds.append("lower(title) LIKE ? ESCAPE '\\'")
        params.append("%" + _like_escape(q.lower()) + "%")
    if cursor:
        conds.append("position < ?")
        params.append(decode_cursor(cursor, (int,))[0])
    cols = ", ".join(ARTICLE_SUMMARY)
    sql = (f"SELECT {cols} FROM {ARTICLES_T}" + (" WHERE " + " AND ".join(conds) if conds else "")
           + " ORDER BY position DESC LIMIT ?")
    rows = store.query(sql, [*params, limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor([int(rows[-1]["position"])]) if more and rows else None
    return [article_out(r) for r in rows], nxt


def get_article(store: Store, article_id: str) -> dict[str, Any] | None:
    rows = store.query(f"SELECT * FROM {ARTICLES_T} WHERE article_id = ?", [article_id])
    if not rows:
        return None
    out = article_out(rows[0], with_text=True)
    refs = store.query(f"SELECT letter_ids FROM {REFS_T} WHERE article_id = ?", [article_id])
    ids = _json(refs[0]["letter_ids"]) if refs else []
    letters = []
    for lid in dict.fromkeys(ids or []):
        row = get_letter(store, lid)
        if row is not None:
            letters.append(letter_out(row))
    out["letters"] = letters
    return out
