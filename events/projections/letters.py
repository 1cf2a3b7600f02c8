"""Correspondence events: one letter, however many outlets report it, with each one's evidence.

Findings from different articles merge into one letter when sender and recipient are the same
and kind and date are compatible. A newer extractor version's findings for an article replace
the older ones; an article recorded as a duplicate of another adds nothing (counted once).

A merged letter's status is the strongest any of its reports gives, in the order of
``STATUS_RANK``: one outlet reporting the letter as sent makes it ``reported`` whatever the
others say; ``claimed`` (one side says it was sent) stands when nobody reports it outright;
a letter stays ``denied`` only when no report says it was sent, and ``planned`` only when
every report speaks of it as yet to come. Each report keeps its own status, and a letter some
reports say was sent while others deny it is marked ``disputed``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

from ..base import Recorded
from ..projection import Projection, Rows, Table
from ..types import LETTER_STATUSES, PARTY_TYPES, ArticleExtracted, Finding, LettersExtracted
from ..versions import is_older

# The order letters are listed in (newest first by letter date): see service/api/queries.py.
ORDER_COLUMNS = ("sort_date", "first_position", "letter_id")

LETTERS_TABLE = Table(
    "letters",
    {
        "letter_id": "text",
        "sender": "text",
        "recipient": "text",
        "sender_key": "text",  # person_key(sender): what person filters look up
        "recipient_key": "text",
        "sender_type": "text",  # "person" | "organisation"
        "recipient_type": "text",
        "kind": "text",
        "status": "text",  # "reported" | "claimed" | "denied" | "planned"
        "disputed": "bool",  # some reports say it was sent, others deny it
        "date": "text",
        "sort_date": "text",  # date, or "" when unknown, so unknown dates sort last
        "via": "text",
        "in_reply_to": "text",
        "confidence": "real",
        "source_count": "int",
        "sources": "json",
        "evidence": "text",  # every source's evidence, for text search
        "first_position": "int",
        "last_position": "int",
        "first_reported_at": "text",
    },
    key=("letter_id",),
    # Each filter's column, then the listing order: a filtered page is read from one index in
    # order, without sorting what matched.
    indexes=(
        ORDER_COLUMNS,
        ("sender_key", *ORDER_COLUMNS),
        ("recipient_key", *ORDER_COLUMNS),
        ("kind", *ORDER_COLUMNS),
        # Most recently reported first (the Atom feed), for everyone or for one person.
        ("first_position", "letter_id"),
        ("sender_key", "first_position", "letter_id"),
        ("recipient_key", "first_position", "letter_id"),
        ("in_reply_to", *ORDER_COLUMNS),
        # Denied or planned letters, the few a status filter without "reported" asks for.
        ("status", *ORDER_COLUMNS),
    ),
    search=("evidence",),
)

# Everyone who sent or received a letter said to be sent (status reported or claimed: what
# lists show by default), counted as letters come and go, so listing people never aggregates
# the letters table.
PEOPLE_TABLE = Table(
    "people",
    {
        "person_id": "text",  # person_key(name)
        "name": "text",  # the first of its spellings in sort order
        "names": "json",  # spelling -> letters that use it
        "sent": "int",
        "received": "int",
        "letters": "int",
        "organisation": "int",  # of those letters, how many name the party as an organisation
    },
    key=("person_id",),
    indexes=(("letters DESC", "person_id"),),
    search=("name",),
)

# Letters per kind, for the page's list of kinds without counting the letters table.
KINDS_TABLE = Table(
    "kinds",
    {"kind": "text", "letters": "int"},
    key=("kind",),
    indexes=(("letters DESC", "kind"),),
)

# Letters said to be sent per (sender, recipient), by person key: counterparts and
# who-writes-to-whom.
CORRESPONDENTS_TABLE = Table(
    "correspondents",
    {"sender_key": "text", "recipient_key": "text", "letters": "int"},
    key=("sender_key", "recipient_key"),
    indexes=(("recipient_key", "sender_key"),),
)

PAIRS_TABLE = Table(
    "pairs",
    {"sender": "text", "recipient": "text", "letter_ids": "json"},
    key=("sender", "recipient"),
)

ARTICLE_REFS_TABLE = Table(
    "article_refs",
    {
        "article_id": "text",
        "url": "text",
        "title": "text",
        "site_name": "text",
        "published": "text",
        "duplicate_of": "text",
        "extractor_version": "text",
        "letter_ids": "json",
    },
    key=("article_id",),
)

# Words outlets use for the same piece of paper: "a letter", "a message", "a note".
_KIND_GROUPS = (
    frozenset({"letter", "message", "note", "invitation"}),
    frozenset({"message", "telegram", "greetings"}),
)
MAX_ANCHOR_DAYS = 31

# Which report's status a merged letter takes: the lowest rank among its reports. A report of
# the letter as sent outweighs one side's claim, a claim outweighs a denial, and a denial (of
# a letter said to exist) outweighs a plan (a letter not yet written).
STATUS_RANK = {status: rank for rank, status in enumerate(LETTER_STATUSES)}
SENT = frozenset({"reported", "claimed"})  # what the list shows unless asked for more


def kinds_compatible(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in _KIND_GROUPS)


def _as_date(text: str | None) -> date | None:
    """First day of an ISO date at any precision ("2019", "2019-08", "2019-08-09[T...]")."""
    if not text:
        return None
    parts = text[:10].split("-")
    try:
        y = int(parts[0])
        m = int(parts[1]) if len(parts) > 1 else 1
        d = int(parts[2]) if len(parts) > 2 else 1
        return date(y, m, d)
    except (ValueError, IndexError):
        return None


def dates_compatible(
    date_a: str | None, anchor_a: str | None, date_b: str | None, anchor_b: str | None
) -> bool:
    """Same letter as far as dates tell: one date refines the other, or, when a date is
    unknown, the reports fall within a month of each other."""
    if date_a and date_b:
        return date_a.startswith(date_b) or date_b.startswith(date_a)
    da, db = _as_date(date_a or anchor_a), _as_date(date_b or anchor_b)
    if da is None or db is None:
        return not date_a and not date_b
    return abs((da - db).days) <= MAX_ANCHOR_DAYS


def person_key(name: str) -> str:
    """A name's comparison key: "Kim Jong-un" and "kim jong un" are one person. Stored beside
    the name so a person filter is an index lookup on every backend."""
    return name.casefold().replace(" ", "").replace("-", "").replace(".", "")


def letter_id(article_id: str, sender: str, recipient: str, n: int = 0) -> str:
    """A new letter's id, from the article that first reports it and the pair. It leaves the
    extractor version out, so a letter that a newer extractor finds again keeps its id: links
    stay valid and a watch is not sent it twice."""
    key = f"{article_id}|{person_key(sender)}|{person_key(recipient)}|{n}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def _free_letter_id(rows: Rows, article_id: str, f: Finding) -> str:
    """The first id of the sequence not in use: a second letter of the pair in the article,
    or a letter this article created before that other outlets' reports now hold."""
    n = 0
    while rows.get("letters", lid := letter_id(article_id, f.sender, f.recipient, n)) is not None:
        n += 1
    return lid


def _anchor(letter: dict) -> str | None:
    if letter["date"]:
        return letter["date"]
    published = [s["published"] for s in letter["sources"] if s.get("published")]
    return min(published) if published else None


def _most_common(values: list[str]) -> str:
    """The value most reports give; between equals, the one reported first."""
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], -values.index(v)))


def _status(source: dict) -> str:
    # An unknown status (written by a newer extractor) counts as the weakest known one, so it
    # never makes a letter look more certain than its reports say.
    status = source.get("status") or "reported"
    return status if status in STATUS_RANK else LETTER_STATUSES[-1]


def _party(value: str | None) -> str:
    return value if value in PARTY_TYPES else "person"


def _summarise(letter: dict) -> dict:
    """Derive the letter's shown fields from its sources, so the result does not depend on
    the order in which sources were added or removed."""
    sources = letter["sources"]
    letter["kind"] = _most_common([s["kind"] for s in sources])
    statuses = {_status(s) for s in sources}
    letter["status"] = min(statuses, key=STATUS_RANK.__getitem__)
    letter["disputed"] = bool(statuses & SENT) and "denied" in statuses
    letter["sender_type"] = _most_common([_party(s.get("sender_type")) for s in sources])
    letter["recipient_type"] = _most_common([_party(s.get("recipient_type")) for s in sources])
    dates = [s["date"] for s in sources if s["date"]]
    letter["date"] = max(dates, key=lambda d: (len(d), d)) if dates else None
    letter["sort_date"] = letter["date"] or ""
    vias = [s["via"] for s in sources if s.get("via")]
    letter["via"] = Counter(vias).most_common(1)[0][0] if vias else None
    letter["confidence"] = max(s["confidence"] for s in sources)
    letter["source_count"] = len({s["url"] or s["article_id"] for s in sources})
    letter["evidence"] = "\n".join(s["evidence"] for s in sources)
    letter["first_position"] = min(s["position"] for s in sources)
    letter["last_position"] = max(s["position"] for s in sources)
    letter["first_reported_at"] = min(s["recorded_at"] for s in sources)
    return letter


def _counted(letter: dict | None) -> tuple[str, str] | None:
    """How a letter counts in people and correspondents: its parties' types while it is said
    to be sent, nothing otherwise."""
    if letter is None or letter.get("status") not in SENT:
        return None
    return letter["sender_type"], letter["recipient_type"]


def _recount(rows: Rows, letter: dict, before: tuple[str, str] | None,
             after: tuple[str, str] | None) -> None:
    """Move a letter's counts from how it counted before a change to how it counts after:
    a planned letter that a report now says was sent starts counting, and so on."""
    if before == after:
        return
    if before is not None:
        _count(rows, letter, -1, before)
    if after is not None:
        _count(rows, letter, 1, after)


def _count(rows: Rows, letter: dict, step: int, types: tuple[str, str]) -> None:
    """Count a letter in (step 1) or out (step -1) of its people and its correspondents."""
    for name, key, side, party in (
            (letter["sender"], letter["sender_key"], "sent", types[0]),
            (letter["recipient"], letter["recipient_key"], "received", types[1])):
        p = rows.get("people", key) or {"person_id": key, "name": name, "names": {},
                                         "sent": 0, "received": 0, "letters": 0,
                                         "organisation": 0}
        p[side] += step
        p["letters"] += step
        p["organisation"] += step if party == "organisation" else 0
        names = p["names"] = dict(p["names"])  # a new dict: rows are replaced, never changed
        n = names.get(name, 0) + step
        if n > 0:
            names[name] = n
        else:
            names.pop(name, None)
        if p["letters"] <= 0:
            rows.delete("people", key)
            continue
        p["name"] = min(p["names"])
        rows.put("people", p)
    pair = (letter["sender_key"], letter["recipient_key"])
    c = rows.get("correspondents", *pair)
    n = (c["letters"] if c else 0) + step
    if n > 0:
        rows.put("correspondents", {"sender_key": pair[0], "recipient_key": pair[1],
                                    "letters": n})
    else:
        rows.delete("correspondents", *pair)


def _recount_kind(rows: Rows, before: str | None, after: str | None) -> None:
    """A letter's kind changed from ``before`` to ``after`` (None: it did not exist)."""
    if before == after:
        return
    for kind, step in ((before, -1), (after, 1)):
        if kind is None:
            continue
        k = rows.get("kinds", kind)
        n = (k["letters"] if k else 0) + step
        if n > 0:
            rows.put("kinds", {"kind": kind, "letters": n})
        else:
            rows.delete("kinds", kind)


def _pair_ids(rows: Rows, sender: str, recipient: str) -> list[str]:
    pair = rows.get("pairs", sender, recipient)
    return list(pair["letter_ids"]) if pair else []


def _set_pair_ids(rows: Rows, sender: str, recipient: str, ids: list[str]) -> None:
    if ids:
        rows.put("pairs", {"sender": sender, "recipient": recipient, "letter_ids": ids})
    else:
        rows.delete("pairs", sender, recipient)


def _withdraw(rows: Rows, article_id: str, letter_ids: list[str]) -> None:
    """Take an article's earlier findings out of the letters they were merged into."""
    for lid in dict.fromkeys(letter_ids):
        letter = rows.get("letters", lid)
        if letter is None:
            continue
        before = _counted(letter)
        kind = letter["kind"]
        letter["sources"] = [s for s in letter["sources"] if s["article_id"] != article_id]
        if letter["sources"]:
            rows.put("letters", _summarise(letter))
            _recount(rows, letter, before, _counted(letter))
            _recount_kind(rows, kind, letter["kind"])
            continue
        rows.delete("letters", lid)
        _recount(rows, letter, before, None)
        _recount_kind(rows, kind, None)
        ids = _pair_ids(rows, letter["sender"], letter["recipient"])
        _set_pair_ids(rows, letter["sender"], letter["recipient"], [i for i in ids if i != lid])


def _merge_target(rows: Rows, f: Finding, anchor: str | None, taken: set[str]) -> dict | None:
    for lid in _pair_ids(rows, f.sender, f.recipient):
        if lid in taken:
            continue  # two letters of one pair in one article are two letters
        letter = rows.get("letters", lid)
        if letter is None:
            continue
        if kinds_compatible(letter["kind"], f.kind) and dates_compatible(
            letter["date"], _anchor(letter), f.date, anchor
        ):
            return letter
    return None


def _record_article(rows: Rows, e: ArticleExtracted) -> None:
    ref = rows.get("article_refs", e.article_id) or {
        "article_id": e.article_id, "extractor_version": None, "letter_ids": [],
    }
    ref.update(url=e.url, title=e.title, site_name=e.site_name, published=e.published,
               duplicate_of=e.duplicate_of)
    rows.put("article_refs", ref)


def _record_letters(rows: Rows, r: Recorded, e: LettersExtracted) -> None:
    ref = rows.get("article_refs", e.article_id) or {
        "article_id": e.article_id, "url": None, "title": None, "site_name": None,
        "published": None, "duplicate_of": None, "extractor_version": None, "letter_ids": [],
    }
    if ref["extractor_version"] and is_older(e.extractor_version, ref["extractor_version"]):
        return
    _withdraw(rows, e.article_id, ref["letter_ids"])
    ids: list[str] = []
    if not ref["duplicate_of"]:
        for f in e.letters:
            ids.append(_add_finding(rows, r, e, ref, f, taken=set(ids)))
        for i, f in enumerate(e.letters):
            if f.reply_to is not None and 0 <= f.reply_to < len(ids) and f.reply_to != i:
                letter = rows.get("letters", ids[i])
                if letter is not None and not letter["in_reply_to"]:
                    letter["in_reply_to"] = ids[f.reply_to]
                    rows.put("letters", letter)
    ref["extractor_version"] = e.extractor_version
    ref["letter_ids"] = ids
    rows.put("article_refs", ref)


def _add_finding(rows: Rows, r: Recorded, e: LettersExtracted, ref: dict, f: Finding,
                 taken: set[str]) -> str:
    source = {
        "article_id": e.article_id, "url": ref["url"], "title": ref["title"],
        "site_name": ref["site_name"], "published": ref["published"], "evidence": f.evidence,
        "start": f.start, "end": f.end, "kind": f.kind, "date": f.date, "via": f.via,
        "status": f.status, "sender_type": f.sender_type, "recipient_type": f.recipient_type,
        "confidence": f.confidence, "extractor_version": e.extractor_version,
        "position": r.position, "recorded_at": r.at,
    }
    letter = _merge_target(rows, f, ref["published"], taken)
    before = _counted(letter)
    if letter is None:
        lid = _free_letter_id(rows, e.article_id, f)
        letter = {"letter_id": lid, "sender": f.sender, "recipient": f.recipient,
                  "sender_key": person_key(f.sender), "recipient_key": person_key(f.recipient),
                  "in_reply_to": None, "sources": []}
        _set_pair_ids(rows, f.sender, f.recipient,
                      _pair_ids(rows, f.sender, f.recipient) + [lid])
    kind = letter.get("kind")  # None for a new letter
    letter["sources"] = [s for s in letter["sources"] if s["article_id"] != e.article_id or
                         s["start"] != f.start] + [source]
    rows.put("letters", _summarise(letter))
    _recount(rows, letter, before, _counted(letter))
    _recount_kind(rows, kind, letter["kind"])
    return letter["letter_id"]


def fold(rows: Rows, r: Recorded) -> None:
    e = r.event
    if isinstance(e, ArticleExtracted):
        _record_article(rows, e)
    elif isinstance(e, LettersExtracted):
        _record_letters(rows, r, e)


def needs(r: Recorded) -> list[tuple[str, tuple]]:
    return [("article_refs", (r.event.article_id,))]


LETTERS = Projection(
    name="letters",
    version=5,  # 5: letters per kind
    tables=(LETTERS_TABLE, PAIRS_TABLE, ARTICLE_REFS_TABLE, PEOPLE_TABLE, CORRESPONDENTS_TABLE,
            KINDS_TABLE),
    fold=fold,
    handles=frozenset({"ArticleExtracted", "LettersExtracted"}),
    needs=needs,
)
