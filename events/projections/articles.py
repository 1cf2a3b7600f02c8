"""Articles (clean text, metadata, letters found) and the fetch state of every URL."""

from __future__ import annotations

from ..base import Recorded
from ..projection import Projection, Rows, Table
from ..types import (
    ArticleExtracted,
    FetchFailed,
    LettersExtracted,
    PageFetched,
    PageNotModified,
    PageSkipped,
)
from ..versions import is_older

ARTICLES_TABLE = Table(
    "articles",
    {
        "article_id": "text",
        "url": "text",
        "canonical_url": "text",
        "title": "text",
        "author": "text",
        "published": "text",
        "site_name": "text",
        "language": "text",
        "text": "text",
        "body_sha256": "text",
        "simhash": "text",
        "duplicate_of": "text",
        "extractor_version": "text",
        "source_id": "text",
        "first_seen_at": "text",
        "updated_at": "text",
        "position": "int",
        "letters": "json",
        "letters_version": "text",
    },
    key=("article_id",),
    indexes=(("url",), ("published",), ("position",)),
)

URLS_TABLE = Table(
    "urls",
    {
        "url": "text",
        "state": "text",  # fetched | not_modified | failed | skipped
        "http_status": "int",
        "final_url": "text",
        "content_type": "text",
        "etag": "text",
        "last_modified": "text",
        "body_sha256": "text",
        "fetched_at": "text",
        "attempted_at": "text",
        "failures": "int",
        "reason": "text",
        "detail": "text",
        "retry_at": "text",
        "permanent": "bool",
        "source_id": "text",
        "fetches": "int",
    },
    key=("url",),
    indexes=(("state",),),
)


def _url_row(rows: Rows, url: str) -> dict:
    return rows.get("urls", url) or {
        "url": url, "state": None, "http_status": None, "final_url": None,
        "content_type": None, "etag": None, "last_modified": None, "body_sha256": None,
        "fetched_at": None, "attempted_at": None, "failures": 0, "reason": None,
        "detail": None, "retry_at": None, "permanent": False, "source_id": None, "fetches": 0,
    }


def fold(rows: Rows, r: Recorded) -> None:
    e = r.event
    at = r.at
    if isinstance(e, ArticleExtracted):
        old = rows.get("articles", e.article_id)
        if old is not None and is_older(e.extractor_version, old["extractor_version"]):
            return
        rows.put("articles", {
            "article_id": e.article_id, "url": e.url, "canonical_url": e.canonical_url,
            "title": e.title, "author": e.author, "published": e.published,
            "site_name": e.site_name, "language": e.language, "text": e.text,
            "body_sha256": e.body_sha256, "simhash": e.simhash, "duplicate_of": e.duplicate_of,
            "extractor_version": e.extractor_version, "source_id": e.source_id,
            "first_seen_at": old["first_seen_at"] if old else at, "updated_at": at,
            "position": old["position"] if old else r.position,
            "letters": old["letters"] if old else [],
            "letters_version": old["letters_version"] if old else None,
        })
    elif isinstance(e, LettersExtracted):
        art = rows.get("articles", e.article_id)
        if art is None or is_older(e.extractor_version, art["letters_version"]):
            return
        art["letters"] = [f.as_dict() for f in e.letters]
        art["letters_version"] = e.extractor_version
        rows.put("articles", art)
    elif isinstance(e, PageFetched | PageNotModified | FetchFailed | PageSkipped):
        row = _url_row(rows, e.url)
        row["attempted_at"] = at
        row["source_id"] = e.source_id or row["source_id"]
        if isinstance(e, PageFetched):
            row.update(state="fetched", http_status=e.status, final_url=e.final_url,
                       content_type=e.content_type, etag=e.etag, last_modified=e.last_modified,
                       body_sha256=e.body_sha256, fetched_at=at, failures=0, reason=None,
                       detail=None, retry_at=None, permanent=False)
            row["fetches"] += 1
        elif isinstance(e, PageNotModified):
            row.update(state="not_modified", http_status=304, failures=0, retry_at=None)
        elif isinstance(e, FetchFailed):
            # A page fetched once keeps its stored copy; the failure is still on record.
            row.update(state="failed" if row["state"] != "fetched" else "fetched",
                       http_status=e.status, reason=e.reason, detail=e.detail,
                       retry_at=e.retry_at, permanent=e.permanent)
            row["failures"] += 1
        else:
            row.update(state="skipped", reason=e.reason, detail=e.detail)
        rows.put("urls", row)


def needs(r: Recorded) -> list[tuple[str, tuple]]:
    e = r.event
    if isinstance(e, ArticleExtracted | LettersExtracted):
        return [("articles", (e.article_id,))]
    return [("urls", (e.url,))]


ARTICLES = Projection(
    name="articles",
    version=1,
    tables=(ARTICLES_TABLE, URLS_TABLE),
    fold=fold,
    handles=frozenset({"ArticleExtracted", "LettersExtracted", "PageFetched",
                       "PageNotModified", "FetchFailed", "PageSkipped"}),
    needs=needs,
)
