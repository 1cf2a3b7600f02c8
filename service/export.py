"""A dataset researchers can cite: the letters, every source that reports them and the people
who wrote or received them, as CSV files described by a Frictionless Data Package
(``datapackage.json``) that says what each field holds, which extractor versions found them,
the log position the files reflect and when they were written; Parquet copies beside them
when pyarrow is installed.

Values are written exactly as recorded (no spreadsheet-formula quoting, unlike the API's
CSV): the files are data to be read by a CSV reader, and a cited value must be the value.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from events.projections import ARTICLES
from events.projections import LETTERS as LETTERS_PROJECTION
from events.projections.letters import person_key
from events.versions import version_key
from store import Store, table_name
from store.projector import catch_up

LETTERS_T = table_name(LETTERS_PROJECTION.name, "letters")
ARTICLES_T = table_name(ARTICLES.name, "articles")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, integer, number, datetime
    description: str
    required: bool = False
    pattern: str | None = None

    def field(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type,
                               "description": self.description}
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.pattern:
            constraints["pattern"] = self.pattern
        if constraints:
            out["constraints"] = constraints
        return out


DATE = r"\d{4}(-\d{2}(-\d{2})?)?"
SHA256 = r"[0-9a-f]{64}"

LETTER_COLUMNS = (
    Column("letter_id", "string", "Stable id of the letter, the same in the API and every "
           "export.", True),
    Column("date", "string", "When the letter was written or delivered, as precisely as the "
           "reports say: YYYY, YYYY-MM or YYYY-MM-DD; empty when no report gives a date.",
           pattern=DATE),
    Column("kind", "string", "letter, message, telegram, note, invitation or greetings: what "
           "most reports call it.", True),
    Column("sender", "string", "Who sent it, by canonical full name (a person or an "
           "organisation).", True),
    Column("sender_id", "string", "The sender's person_id in people.csv.", True),
    Column("recipient", "string", "Who it was sent to, by canonical full name.", True),
    Column("recipient_id", "string", "The recipient's person_id in people.csv.", True),
    Column("via", "string", "The named intermediary who carried or delivered it, if any."),
    Column("in_reply_to", "string", "letter_id of the letter this one answers, if known."),
    Column("confidence", "number", "The highest confidence (0 to 1) of any report of it."),
    Column("source_count", "integer", "How many distinct articles report it.", True),
    Column("first_reported_at", "datetime", "When the first article reporting it entered "
           "the log (UTC)."),
    Column("first_position", "integer", "Log position of the first findings that report it."),
    Column("last_position", "integer", "Log position of the latest findings that report it."),
)

SOURCE_COLUMNS = (
    Column("letter_id", "string", "The letter this article reports (letters.csv).", True),
    Column("article_id", "string", "Stable id of the article.", True),
    Column("outlet", "string", "The outlet: the site's own name, or the host of its URL."),
    Column("url", "string", "The article's address."),
    Column("title", "string", "The article's headline."),
    Column("published", "string", "When the article was published, as precisely as the page "
           "says (ISO date or date-time)."),
    Column("evidence", "string", "The sentence of the article that reports the letter.",
           True),
    Column("evidence_start", "integer", "Character offset where the evidence starts in the "
           "article's extracted text (-1 when unknown)."),
    Column("evidence_end", "integer", "Character offset where the evidence ends in the "
           "article's extracted text (-1 when unknown)."),
    Column("kind", "string", "What this article calls it."),
    Column("date", "string", "The date this article gives it.", pattern=DATE),
    Column("via", "string", "The intermediary this article names."),
    Column("confidence", "number", "The extractor's confidence in this reading (0 to 1)."),
    Column("page_sha256", "string", "SHA-256 of the raw page the article was extracted from, "
           "as stored in the log.", pattern=SHA256),
    Column("text_extractor_version", "string", "Version of the text extractor that read "
           "the page."),
    Column("letters_extractor_version", "string", "Version of the correspondence extractor "
           "that found the letter.", True),
    Column("article_position", "integer", "Log position of the article's first extraction."),
    Column("letters_position", "integer", "Log position of the findings this row comes "
           "from.", True),
    Column("recorded_at", "datetime", "When those findings were recorded (UTC)."),
)

PEOPLE_COLUMNS = (
    Column("person_id", "string", "Stable id of the person or organisation: the name without "
           "case, spaces, hyphens or dots.", True),
    Column("name", "string", "The name as the letters give it.", True),
    Column("sent", "integer", "Letters sent.", True),
    Column("received", "integer", "Letters received.", True),
    Column("first_date", "string", "The earliest dated letter sent or received.",
           pattern=DATE),
    Column("last_date", "string", "The latest dated letter sent or received.", pattern=DATE),
)

TABLES = {"letters": LETTER_COLUMNS, "sources": SOURCE_COLUMNS, "people": PEOPLE_COLUMNS}
KEYS = {"letters": ["letter_id"], "people": ["person_id"]}
FOREIGN = {
    "letters": [{"fields": "sender_id", "reference": {"resource": "people",
                                                      "fields": "person_id"}},
                {"fields": "recipient_id", "reference": {"resource": "people",
                                                         "fields": "person_id"}}],
    "sources": [{"fields": "letter_id", "reference": {"resource": "letters",
                                                      "fields": "letter_id"}}],
}


@dataclass(frozen=True)
class ExportReport:
    directory: Path
    letters: int
    sources: int
    people: int
    log_position: int
    parquet: bool


def export_dataset(store: Store, directory: Path, *, parquet: bool | None = None,
                   now: datetime | None = None) -> ExportReport:
    """Write the data package into ``directory`` (created if need be). ``parquet``: True
    requires pyarrow, None writes Parquet copies if pyarrow is installed."""
    from scrapers.extract import EXTRACTOR_VERSION

    for projection in (ARTICLES, LETTERS_PROJECTION):
        store.ensure_projection(projection)
        catch_up(store, projection)
    position = min(store.checkpoint(p.name).position for p in (ARTICLES, LETTERS_PROJECTION))
    letters, sources, people = _rows(store)
    directory.mkdir(parents=True, exist_ok=True)
    tables = {"letters": letters, "sources": sources, "people": people}
    for name, rows in tables.items():
        _write_csv(directory / f"{name}.csv", TABLES[name], rows)
    with_parquet = _parquet_wanted(parquet)
    if with_parquet:
        for name, rows in tables.items():
            _write_parquet(directory / f"{name}.parquet", TABLES[name], rows)
    exported = (now or datetime.now(UTC)).replace(microsecond=0)
    letters_versions = sorted({s["letters_extractor_version"] for s in sources
                               if s["letters_extractor_version"]}, key=version_key)
    package = {
        "profile": "tabular-data-package",
        "name": "letterwatch-correspondence",
        "title": "Diplomatic correspondence reported in the news",
        "description": (
            "Letters, messages and telegrams between leaders as news articles report them, "
            "found by letterwatch: one row per letter (merged across outlets), one per "
            "article reporting it with the sentence that says so, and one per person. "
            f"Exported at log position {position}."),
        "created": exported.isoformat().replace("+00:00", "Z"),
        "keywords": ["diplomacy", "correspondence", "letters", "news"],
        "letterwatch": {
            "log_position": position,
            "exported_at": exported.isoformat().replace("+00:00", "Z"),
            "text_extractor_version": EXTRACTOR_VERSION,
            "letters_extractor_versions": letters_versions,
            "parquet": [f"{name}.parquet" for name in tables] if with_parquet else [],
        },
        "resources": [_resource(name, len(rows)) for name, rows in tables.items()],
    }
    _write_atomic(directory / "datapackage.json",
                  json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    return ExportReport(directory, len(letters), len(sources), len(people), position,
                        with_parquet)


def _resource(name: str, rows: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"fields": [c.field() for c in TABLES[name]],
                              "missingValues": [""]}
    if name in KEYS:
        schema["primaryKey"] = KEYS[name]
    if name in FOREIGN:
        schema["foreignKeys"] = FOREIGN[name]
    return {"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": f"{rows} rows.", "schema": schema}


def _rows(store: Store) -> tuple[list[dict], list[dict], list[dict]]:
    # One statement reads every letter: a consistent view even while a crawl appends.
    letters_rows = store.query(f"SELECT * FROM {LETTERS_T} ORDER BY sort_date, letter_id")
    letters: list[dict] = []
    sources: list[dict] = []
    sides: dict[str, dict[str, Any]] = {}
    article_ids: set[str] = set()
    for row in letters_rows:
        found = row["sources"]
        found = json.loads(found) if isinstance(found, str) else found
        letters.append({
            "letter_id": row["letter_id"], "date": row["date"], "kind": row["kind"],
            "sender": row["sender"], "sender_id": person_key(row["sender"]),
            "recipient": row["recipient"], "recipient_id": person_key(row["recipient"]),
            "via": row["via"], "in_reply_to": row["in_reply_to"],
            "confidence": row["confidence"], "source_count": row["source_count"],
            "first_reported_at": _utc(row["first_reported_at"]),
            "first_position": row["first_position"], "last_position": row["last_position"]})
        for side, name in (("sent", row["sender"]), ("received", row["recipient"])):
            person = sides.setdefault(person_key(name), {
                "person_id": person_key(name), "name": name, "sent": 0, "received": 0,
                "first_date": None, "last_date": None})
            person[side] += 1
            if row["date"]:
                person["first_date"] = min(filter(None, (person["first_date"], row["date"])))
                person["last_date"] = max(filter(None, (person["last_date"], row["date"])))
        for s in sorted(found, key=lambda s: (s["position"], s["article_id"], s["start"])):
            article_ids.add(s["article_id"])
            sources.append({
                "letter_id": row["letter_id"], "article_id": s["article_id"],
                "outlet": s.get("site_name") or _host(s.get("url")), "url": s.get("url"),
                "title": s.get("title"), "published": s.get("published"),
                "evidence": s["evidence"], "evidence_start": s.get("start", -1),
                "evidence_end": s.get("end", -1), "kind": s.get("kind"),
                "date": s.get("date"), "via": s.get("via"), "confidence": s.get("confidence"),
                "letters_extractor_version": s.get("extractor_version"),
                "letters_position": s["position"], "recorded_at": _utc(s.get("recorded_at"))})
    articles = _articles(store, sorted(article_ids))
    for s in sources:
        article = articles.get(s["article_id"], {})
        s["page_sha256"] = article.get("body_sha256")
        s["text_extractor_version"] = article.get("extractor_version")
        s["article_position"] = article.get("position")
    people = sorted(sides.values(), key=lambda p: (-(p["sent"] + p["received"]),
                                                   p["person_id"]))
    return letters, sources, people


def _articles(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for row in store.query(f"SELECT article_id, body_sha256, extractor_version, position "
                               f"FROM {ARTICLES_T} WHERE article_id IN ({marks})", chunk):
            out[row["article_id"]] = row
    return out


def _utc(text: str | None) -> str | None:
    """An ISO time as UTC with a Z, the form Table Schema's datetime reads."""
    if not text:
        return None
    when = datetime.fromisoformat(text)
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _host(url: str | None) -> str | None:
    return urlsplit(url).hostname if url else None


def _write_csv(path: Path, columns: Iterable[Column], rows: list[dict]) -> None:
    names = [c.name for c in columns]
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(names)
        for row in rows:
            writer.writerow(["" if row.get(n) is None else row[n] for n in names])
    os.replace(tmp, path)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _parquet_wanted(parquet: bool | None) -> bool:
    if parquet is False:
        return False
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        if parquet:
            raise RuntimeError("Parquet needs pyarrow: pip install pyarrow") from None
        return False
    return True


_ARROW_TYPES = {"string": "string", "integer": "int64", "number": "float64",
                "datetime": "string"}


def _write_parquet(path: Path, columns: Iterable[Column], rows: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = list(columns)
    schema = pa.schema([pa.field(c.name, _ARROW_TYPES[c.type]) for c in cols])
    table = pa.Table.from_pylist([{c.name: row.get(c.name) for c in cols} for row in rows],
                                 schema=schema)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)
