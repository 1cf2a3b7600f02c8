"""Reading letters, people and articles: SQL over the projection tables, and the same filters
applied in memory to a fold of the log up to a past position (the "as of" view)."""

from __future__ import annotations

import base64
import dataclasses
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
from events.types import LETTER_STATUSES
from store import Store, search, table_name

LETTERS_T = table_name(LETTERS.name, "letters")
REFS_T = table_name(LETTERS.name, "article_refs")
PEOPLE_T = table_name(LETTERS.name, "people")
CORRESPONDENTS_T = table_name(LETTERS.name, "correspondents")
KINDS_T = table_name(LETTERS.name, "kinds")
ARTICLES_T = table_name(ARTICLES.name, "articles")
SOURCES_T = table_name(SOURCES.name, "sources")

LETTER_COLUMNS = ("letter_id", "sender", "recipient", "sender_type", "recipient_type", "kind",
                  "status", "disputed", "date", "sort_date", "via", "in_reply_to", "confidence",
                  "source_count", "sources", "evidence", "first_position", "last_position",
                  "first_reported_at")
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
                 "status", "date", "via", "confidence", "extractor_version", "position",
                 "recorded_at")


def letter_out(row: dict[str, Any]) -> dict[str, Any]:
    """A letters-table row as the API shows it."""
    sources = [{k: s.get(k) for k in SOURCE_FIELDS} for s in _json(row["sources"]) or []]
    for s in sources:  # a float, as the model says, however the JSON wrote it
        if s["confidence"] is not None:
            s["confidence"] = float(s["confidence"])
        s["status"] = s["status"] or "reported"
    return {
        "letter_id": row["letter_id"], "sender": row["sender"], "recipient": row["recipient"],
        "sender_type": row["sender_type"], "recipient_type": row["recipient_type"],
        "kind": row["kind"], "status": row["status"], "disputed": bool(row["disputed"]),
        "date": row["date"], "via": row["via"],
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


# What a list of letters shows unless asked for more: letters said to have been sent.
# Denied and planned letters are kept and shown when asked for (``status=denied`` or ``all``).
DEFAULT_STATUSES = ("reported", "claimed")


def parse_statuses(text: str | None) -> tuple[str, ...]:
    """``"reported,claimed"`` -> the statuses asked for, in the order of LETTER_STATUSES;
    ``"all"`` is every status, None or blank the default. BadInput names what is unknown."""
    if text is None or not text.strip():
        return DEFAULT_STATUSES
    asked = {part.strip().lower() for part in text.split(",") if part.strip()}
    if not asked:
        return DEFAULT_STATUSES
    if "all" in asked:
        return LETTER_STATUSES
    unknown = sorted(asked - set(LETTER_STATUSES))
    if unknown:
        raise BadInput(f"unknown status {', '.join(map(repr, unknown))}: use "
                       f"{', '.join(LETTER_STATUSES)} (comma-separated) or all", "status")
    return tuple(s for s in LETTER_STATUSES if s in asked)


def status_condition(statuses: tuple[str, ...]) -> tuple[str, list[Any]]:
    """The SQL test of a letter's status ("" when every status is asked for).

    Most letters are reported, so a choice that includes "reported" is written as what it
    leaves out (``NOT IN``), which no index serves: the planner then walks the date order
    (or a person's index) and stops at the page's end, instead of taking most of the table
    through the status index and sorting it. Only the rare statuses go through that index.
    """
    chosen = set(statuses)
    if chosen >= set(LETTER_STATUSES):
        return "", []
    if "reported" in chosen:
        left_out = [s for s in LETTER_STATUSES if s not in chosen]
        return f"status NOT IN ({', '.join('?' * len(left_out))})", left_out
    return f"status IN ({', '.join('?' * len(statuses))})", list(statuses)


@dataclass(frozen=True)
class LetterFilter:
    sender: str | None = None
    recipient: str | None = None
    person: str | None = None
    kind: str | None = None
    since: str | None = None  # ISO date prefix: YYYY, YYYY-MM or YYYY-MM-DD
    until: str | None = None
    q: str | None = None  # words in the evidence, in the syntax of store.search
    statuses: tuple[str, ...] = DEFAULT_STATUSES

    def search(self) -> search.Query | None:
        """The parsed ``q``; BadInput when it has nothing to look for."""
        if not self.q:
            return None
        try:
            return search.parse(self.q)
        except search.SearchError as exc:
            raise BadInput(str(exc), "q") from exc

    def where(self, store: Store, *, person: bool = True) -> tuple[str, list[Any]]:
        """SQL conditions (joined with AND) and their parameters; without ``person`` the
        person filter is left to the caller (see :func:`_ordered`)."""
        conds: list[str] = []
        params: list[Any] = []
        if self.sender:
            conds.append("sender_key = ?")
            params.append(norm(self.sender))
        if self.recipient:
            conds.append("recipient_key = ?")
            params.append(norm(self.recipient))
        if self.person and person:
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
        query = self.search()
        if query is not None:
            cond, more = store.text_match(LETTERS_T, query)  # type: ignore[attr-defined]
            conds.append(cond)
            params += more
        status, status_params = status_condition(self.statuses)
        if status:
            conds.append(status)
            params += status_params
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
        if row["status"] not in self.statuses:
            return False
        query = self.search()
        return query is None or search.matches(query, row["evidence"])


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
            or not all(isinstance(v, t) and not isinstance(v, bool)
                       for v, t in zip(key, shape, strict=True))
            # No database integer holds 2^63; no log position comes near 2^62.
            or any(isinstance(v, int) and not 0 <= v <= MAX_POSITION for v in key)):
        raise BadInput("cursor is not valid: pass next_cursor from a previous page")
    return tuple(key)


LETTER_CURSOR = (str, int, str)
MAX_POSITION = 2**62


def _ordered(store: Store, f: LetterFilter, order: str, extra: list[str], extra_params: list[Any],
             limit: int) -> list[dict[str, Any]]:
    """Letters matching ``f`` and ``extra`` conditions in ``order``, at most ``limit``.

    A person filter (sender or recipient) is two index reads, letters sent and letters
    received, each in order and cut at ``limit``, merged: an OR of the two would read every
    letter of the person to sort them.
    """
    where, params = f.where(store, person=False)
    conds = [c for c in (where, *extra) if c]
    params = [*params, *extra_params]
    if not f.person:
        sql = _SELECT_LETTERS + (" WHERE " + " AND ".join(conds) if conds else "") + order
        return store.query(sql + " LIMIT ?", [*params, limit])
    key = norm(f.person)
    sent = " AND ".join(["sender_key = ?", *conds])
    received = " AND ".join(["recipient_key = ?", "sender_key <> ?", *conds])
    sql = (f"SELECT * FROM ({_SELECT_LETTERS} WHERE {sent}{order} LIMIT ?) AS sent UNION ALL "
           f"SELECT * FROM ({_SELECT_LETTERS} WHERE {received}{order} LIMIT ?) AS received"
           f"{order} LIMIT ?")
    return store.query(sql, [key, *params, limit, key, key, *params, limit, limit])


def page_letters(store: Store, f: LetterFilter, limit: int,
                 cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of letters from the live projection, newest first."""
    extra, params = [], []
    if cursor:
        extra.append("(sort_date, first_position, letter_id) < (?, ?, ?)")
        params += list(decode_cursor(cursor, LETTER_CURSOR))
    return _page(_ordered(store, f, ORDER, extra, params, limit + 1), limit)


RELEVANCE_CURSOR = (int,)
MAX_RELEVANCE_OFFSET = 10_000


def page_by_relevance(store: Store, f: LetterFilter, limit: int,
                      cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the letters matching ``f.q``, best match first (BM25 on SQLite, ts_rank
    on PostgreSQL). Its cursor is an offset: a page may repeat or skip a letter when new
    letters fold in between two requests, which date order never does."""
    query = f.search()
    if query is None:
        raise BadInput("sort=relevance ranks the matches of q: give q", "sort")
    offset = decode_cursor(cursor, RELEVANCE_CURSOR)[0] if cursor else 0
    if not 0 <= offset <= MAX_RELEVANCE_OFFSET:
        raise BadInput(f"relevance pages go {MAX_RELEVANCE_OFFSET:,} letters deep; "
                       "narrow the search")
    source, match, rank, params = store.text_ranked(LETTERS_T, query)  # type: ignore[attr-defined]
    where, more = dataclasses.replace(f, q=None).where(store)
    cols = ", ".join(f"{LETTERS_T}.{c}" for c in LETTER_COLUMNS)
    rows = store.query(f"SELECT {cols} FROM {source} WHERE {' AND '.join(filter(None, [match, where]))} "
                       f"ORDER BY {rank}, {LETTERS_T}.letter_id LIMIT ? OFFSET ?",
                       [*params, *more, limit + 1, offset])
    more = len(rows) > limit
    nxt = encode_cursor([offset + limit]) if more else None
    return [letter_out(r) for r in rows[:limit]], nxt


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
    rows = _ordered(store, f, " ORDER BY first_position DESC, letter_id DESC", [], [], limit)
    return [letter_out(r) for r in rows]


def get_letter(store: Store, letter_id: str) -> dict[str, Any] | None:
    rows = store.query(_SELECT_LETTERS + " WHERE letter_id = ?", [letter_id])
    return rows[0] if rows else None


def get_letters(store: Store, letter_ids: list[str]) -> list[dict[str, Any]]:
    """Letters by id, in the order given (ids not found left out), in one query."""
    if not letter_ids:
        return []
    marks = ",".join("?" * len(letter_ids))
    found = {r["letter_id"]: r for r in store.query(
        _SELECT_LETTERS + f" WHERE letter_id IN ({marks})", letter_ids)}
    return [found[i] for i in letter_ids if i in found]


def replies_to(store: Store, letter_id: str) -> list[dict[str, Any]]:
    return store.query(_SELECT_LETTERS + " WHERE in_reply_to = ?" + ORDER, [letter_id])


# --- "as of": the log folded up to a past position ----------------------------------------------


class AsOf:
    """Letters as the log stood at a position, folded in memory from the nearest snapshot.

    The log below a position never changes, so a fold stays right forever. Snapshots of the
    fold are kept every ``every`` positions (further apart on a long log, so that at most
    ``snapshots`` are held); an answer folds only the events between the snapshot at or below
    its position and the position, whichever way a client walks. The last ``size`` answers
    are kept as they are. One fold runs at a time, so a burst of requests cannot multiply
    the work.
    """

    def __init__(self, size: int = 3, every: int = 2_000, snapshots: int = 16) -> None:
        self.size, self.every, self.max_snapshots = size, every, snapshots
        self._cache: OrderedDict[int, MemoryRows] = OrderedDict()
        self._snapshots: OrderedDict[int, MemoryRows] = OrderedDict({0: MemoryRows(LETTERS)})
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
        try:
            iso = at.astimezone(UTC).isoformat()
        except OverflowError:  # 9999-12-31T23:59:59-01:00 is past the last datetime
            raise BadInput(f"as_of {when!r} is out of range", "as_of") from None
        row = store.query("SELECT MAX(position) AS p FROM events WHERE recorded_at <= ?", [iso])
        return int(row[0]["p"] or 0)

    def resolve(self, store: Store, as_of: str) -> int:
        # isdigit() alone takes "²" and other digits int() refuses.
        if as_of.isascii() and as_of.isdigit():
            if len(as_of) > 19:
                raise BadInput(f"as_of {as_of[:40]!r}… is not a log position", "as_of")
            return min(int(as_of), store.head())
        return self.position_at(store, as_of)

    def letters(self, store: Store, position: int) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._cache.get(position)
            if rows is None:
                rows = self._fold(store, position)
                self._cache[position] = rows
            self._cache.move_to_end(position)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
            return list(rows.tables["letters"].values())

    def _spacing(self, store: Store) -> int:
        return max(self.every, -(-store.head() // self.max_snapshots))

    def _fold(self, store: Store, position: int) -> MemoryRows:
        spacing = self._spacing(store)
        base = max(p for p in self._snapshots if p <= position)
        rows = _copy(self._snapshots[base])
        self._snapshots.move_to_end(base)
        # Snapshots are taken on the way, at multiples of the spacing: the next answer
        # anywhere below ``position`` starts from one of them.
        mark = (base // spacing + 1) * spacing
        for recorded in store.read_all(after=base, types=LETTERS.handles):
            if recorded.position > position:
                break
            while recorded.position > mark:
                self._keep(mark, rows)
                mark += spacing
            rows.fold(recorded)
        while mark <= position:  # no letter events between the last one and ``position``
            self._keep(mark, rows)
            mark += spacing
        return rows

    def _keep(self, at: int, rows: MemoryRows) -> None:
        if at not in self._snapshots:
            self._snapshots[at] = _copy(rows)
            while len(self._snapshots) > self.max_snapshots + 1:
                oldest = next(p for p in self._snapshots if p != 0)  # the empty one stays
                del self._snapshots[oldest]


def _copy(rows: MemoryRows) -> MemoryRows:
    # Rows are replaced on every put, never changed in place: copying the tables is enough
    # to fold on without touching the original.
    out = MemoryRows(LETTERS)
    out.tables = {name: dict(t) for name, t in rows.tables.items()}
    return out


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


def kinds(store: Store) -> list[str]:
    """Every kind of letter, the most frequent first (counted as letters fold)."""
    return [r["kind"] for r in store.query(
        f"SELECT kind FROM {KINDS_T} ORDER BY letters DESC, kind")]


# --- people ----------------------------------------------------------------------------------

def _party_type(table: str = PEOPLE_T) -> str:
    """A party's type from its counts: an organisation when every letter names it as one."""
    return (f"CASE WHEN {table}.organisation >= {table}.letters THEN 'organisation' "
            f"ELSE 'person' END AS party_type")


def _last_dates() -> tuple[str, list[Any]]:
    """The date of a person's latest letter said to be sent, each way: the last matching
    entry of an index, not a scan."""
    status, params = status_condition(DEFAULT_STATUSES)
    sql = ", ".join(
        f"(SELECT sort_date FROM {LETTERS_T} WHERE {side}_key = {PEOPLE_T}.person_id "
        f"AND {status} ORDER BY sort_date DESC LIMIT 1) AS last_{name}"
        for side, name in (("sender", "sent"), ("recipient", "received")))
    return sql, params * 2


_DATES, _DATES_PARAMS = _last_dates()
_SELECT_PEOPLE = (f"SELECT person_id, name, sent, received, {_party_type()}, {_DATES} "
                  f"FROM {PEOPLE_T}")


def _kept(statuses: tuple[str, ...]) -> bool:
    """Whether the people and correspondents tables hold the counts for these statuses:
    they count the letters said to be sent, what lists show unless asked for more."""
    return set(statuses) == set(DEFAULT_STATUSES)


def people(store: Store, q: str | None, limit: int, offset: int,
           statuses: tuple[str, ...] = DEFAULT_STATUSES) -> list[dict[str, Any]]:
    """Everyone, person or organisation, who sent or received a letter, most letters first;
    ``q`` finds names by the start of any of their words."""
    query = None
    if q:
        try:
            query = search.parse(q, prefix=True)
        except search.SearchError as exc:
            raise BadInput(str(exc), "q") from exc
    if not _kept(statuses):
        found = [p for p in _people_of(store, statuses)
                 if query is None or search.matches(query, p["name"])]
        return found[offset:offset + limit]
    where, params = "", []
    if query is not None:
        cond, params = store.text_match(PEOPLE_T, query)  # type: ignore[attr-defined]
        where = " WHERE " + cond
    sql = f"{_SELECT_PEOPLE}{where} ORDER BY letters DESC, person_id LIMIT ? OFFSET ?"
    return [_person(r) for r in store.query(sql, [*_DATES_PARAMS, *params, limit, offset])]


def _people_of(store: Store, statuses: tuple[str, ...],
               key: str | None = None) -> list[dict[str, Any]]:
    """Everyone (or one party) counted over the letters of other statuses than the kept
    counts cover (denied, planned, all): an aggregate of the letters table, for the rarer
    questions. MAX(party): "person" > "organisation", so one letter naming a party as a
    person makes it one."""
    status, params = status_condition(statuses)
    sides = []
    for side, counts in (("sender", "1 AS s, 0 AS r"), ("recipient", "0, 1")):
        where = [c for c in (status, f"{side}_key = ?" if key else "") if c]
        sides.append(f"SELECT {side}_key AS person_id, {side} AS name, {side}_type AS party, "
                     f"{counts}, sort_date FROM {LETTERS_T}"
                     + (f" WHERE {' AND '.join(where)}" if where else ""))
    side_params = [*params, *([key] if key else [])]
    sql = (f"SELECT person_id, MIN(name) AS name, SUM(s) AS sent, SUM(r) AS received, "
           f"MAX(party) AS party_type, MAX(sort_date) AS last_sent, '' AS last_received "
           f"FROM ({sides[0]} UNION ALL {sides[1]}) AS sides "
           f"GROUP BY person_id ORDER BY SUM(s) + SUM(r) DESC, person_id")
    return [_person(r) for r in store.query(sql, side_params * 2)]


def _person(r: dict[str, Any]) -> dict[str, Any]:
    sent, received = int(r["sent"] or 0), int(r["received"] or 0)
    last = max(r["last_sent"] or "", r["last_received"] or "")
    return {"person_id": r["person_id"], "name": r["name"],
            "party_type": r["party_type"] or "person", "sent": sent, "received": received,
            "letters": sent + received, "last_date": last or None}


def person(store: Store, person_id: str, limit: int = 200,
           statuses: tuple[str, ...] = DEFAULT_STATUSES) -> dict[str, Any] | None:
    """One party: totals, their counterparts, and their letters both ways."""
    key = norm(person_id)
    if _kept(statuses):
        rows = store.query(f"{_SELECT_PEOPLE} WHERE person_id = ?", [*_DATES_PARAMS, key])
        if not rows:
            return None
        out = _person(rows[0])
        counterparts = store.query(
            f"SELECT c.recipient_key AS person_id, p.name AS name, {_party_type('p')}, "
            f"c.letters AS sent, 0 AS received FROM {CORRESPONDENTS_T} c JOIN {PEOPLE_T} p "
            f"ON p.person_id = c.recipient_key WHERE c.sender_key = ? UNION ALL "
            f"SELECT c.sender_key, p.name, {_party_type('p')}, 0, c.letters "
            f"FROM {CORRESPONDENTS_T} c JOIN {PEOPLE_T} p ON p.person_id = c.sender_key "
            f"WHERE c.recipient_key = ?", [key, key])
    else:
        found = _people_of(store, statuses, key)
        if not found:
            return None
        out = found[0]
        status, params = status_condition(statuses)
        cond = f" AND {status}" if status else ""
        counterparts = store.query(
            f"SELECT recipient_key AS person_id, MIN(recipient) AS name, "
            f"MAX(recipient_type) AS party_type, COUNT(*) AS sent, 0 AS received "
            f"FROM {LETTERS_T} WHERE sender_key = ?{cond} GROUP BY recipient_key UNION ALL "
            f"SELECT sender_key, MIN(sender), MAX(sender_type), 0, COUNT(*) FROM {LETTERS_T} "
            f"WHERE recipient_key = ?{cond} GROUP BY sender_key", [key, *params, key, *params])
    merged: dict[str, dict[str, Any]] = {}
    for c in counterparts:
        m = merged.setdefault(c["person_id"], {"person_id": c["person_id"], "name": c["name"],
                                               "party_type": c["party_type"] or "person",
                                               "sent": 0, "received": 0})
        m["sent"] += int(c["sent"])
        m["received"] += int(c["received"])
        m["party_type"] = max(m["party_type"], c["party_type"] or "person")
    out["counterparts"] = sorted(merged.values(),
                                 key=lambda m: (-(m["sent"] + m["received"]), m["person_id"]))
    out["letters_list"] = page_letters(store, LetterFilter(person=key, statuses=statuses),
                                       limit)[0] if limit else []
    return out


def _matrix_people(store: Store, f: LetterFilter, top: int) -> list[dict[str, Any]]:
    """The most prolific correspondents; with a person filter, that person and the people
    they exchanged most letters with."""
    if not f.person:
        return people(store, None, top, 0, f.statuses)
    found = person(store, f.person, limit=0, statuses=f.statuses)
    if found is None:
        return []
    ids = [c["person_id"] for c in found["counterparts"][:top - 1]]
    rows = {r["person_id"]: _person(r) for r in store.query(
        f"{_SELECT_PEOPLE} WHERE person_id IN ({','.join('?' * len(ids))})",
        [*_DATES_PARAMS, *ids])} if ids else {}
    found.pop("counterparts")
    found.pop("letters_list")
    return [found, *(rows[i] for i in ids if i in rows)]


def matrix(store: Store, top: int = 8, f: LetterFilter | None = None) -> dict[str, Any]:
    """Who writes to whom: among the most prolific correspondents (or a person and theirs),
    every letter between each two that matches ``f``, counted per (sender, recipient), not
    only the letters a page lists. Without date, kind, text or status filters the counts are
    kept in the projection; with them, they are counted through the indexes."""
    f = f or LetterFilter()
    names = _matrix_people(store, f, top)
    keys = [p["person_id"] for p in names]
    if not keys:
        return {"people": [], "counts": []}
    marks = ",".join("?" * len(keys))
    plain = LetterFilter(person=f.person)
    if f == plain:
        rows = store.query(
            f"SELECT sender_key AS s, recipient_key AS r, letters AS n FROM {CORRESPONDENTS_T} "
            f"WHERE sender_key IN ({marks}) AND recipient_key IN ({marks})", [*keys, *keys])
    else:
        where, params = f.where(store)
        rows = store.query(
            f"SELECT sender_key AS s, recipient_key AS r, COUNT(*) AS n FROM {LETTERS_T} "
            f"WHERE sender_key IN ({marks}) AND recipient_key IN ({marks})"
            f"{' AND ' + where if where else ''} "
            f"GROUP BY sender_key, recipient_key", [*keys, *keys, *params])
    if f.person:  # only the letters to or from the person match
        key = norm(f.person)
        rows = [r for r in rows if key in (r["s"], r["r"])]
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
        try:
            query = search.parse(q)
        except search.SearchError as exc:
            raise BadInput(str(exc), "q") from exc
        cond, params = store.text_match(ARTICLES_T, query)  # type: ignore[attr-defined]
        conds.append(cond)
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
    out["letters"] = [letter_out(r) for r in get_letters(store, list(dict.fromkeys(ids or [])))]
    return out
