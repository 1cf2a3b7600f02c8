"""Articles (clean text, metadata, letters found) and the fetch state of every URL."""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..base import Recorded
from ..projection import Projection, Rows, Table
from ..types import (
    ArticleExtracted,
    FetchFailed,
    Finding,
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
    search=("title",),
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


# A replay asks the same few version pairs again and again; parsing them is pure.
_older = functools.lru_cache(maxsize=4096)(is_older)


def _compile_finding_dict() -> Callable[[Finding], dict]:
    # Finding.as_dict, as a dict display generated from the slots: same keys, same order,
    # without a comprehension and a getattr per field for every letter of every replay.
    items = ", ".join(f"{s!r}: f.{s}" for s in Finding.__slots__)
    namespace: dict = {}
    exec(f"def finding_dict(f):\n    return {{{items}}}\n", namespace)  # noqa: S102
    return namespace["finding_dict"]


_finding_dict = _compile_finding_dict()


def _article(rows: Rows, r: Recorded, e: ArticleExtracted) -> None:
    at = r.at
    old = rows.get("articles", e.article_id)
    if old is not None and _older(e.extractor_version, old["extractor_version"]):
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


def _letters(rows: Rows, r: Recorded, e: LettersExtracted) -> None:
    art = rows.get("articles", e.article_id)
    if art is None or _older(e.extractor_version, art["letters_version"]):
        return
    art["letters"] = [_finding_dict(f) for f in e.letters]
    art["letters_version"] = e.extractor_version
    rows.put("articles", art)


def _fetched(rows: Rows, r: Recorded, e: PageFetched) -> None:
    at = r.at
    row = _url_row(rows, e.url)
    row["attempted_at"] = at
    row["source_id"] = e.source_id or row["source_id"]
    row.update(state="fetched", http_status=e.status, final_url=e.final_url,
               content_type=e.content_type, etag=e.etag, last_modified=e.last_modified,
               body_sha256=e.body_sha256, fetched_at=e.fetched_at or at, failures=0, reason=None,
               detail=None, retry_at=None, permanent=False)
    row["fetches"] += 1
    rows.put("urls", row)


def _url_event(rows: Rows, r: Recorded, e: PageNotModified | FetchFailed | PageSkipped) -> None:
    row = _url_row(rows, e.url)
    row["attempted_at"] = r.at
    row["source_id"] = e.source_id or row["source_id"]
    if isinstance(e, PageNotModified):
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


def _fold_by_isinstance(rows: Rows, r: Recorded) -> None:
    e = r.event
    if isinstance(e, ArticleExtracted):
        _article(rows, r, e)
    elif isinstance(e, LettersExtracted):
        _letters(rows, r, e)
    elif isinstance(e, PageFetched):
        _fetched(rows, r, e)
    elif isinstance(e, PageNotModified | FetchFailed | PageSkipped):
        _url_event(rows, r, e)


# Exact types first (one dict lookup); subclasses fall back to the isinstance chain.
_BY_TYPE = {ArticleExtracted: _article, LettersExtracted: _letters, PageFetched: _fetched,
            PageNotModified: _url_event, FetchFailed: _url_event, PageSkipped: _url_event}


def fold(rows: Rows, r: Recorded) -> None:
    e = r.event
    step = _BY_TYPE.get(type(e))
    if step is None:
        _fold_by_isinstance(rows, r)
    else:
        step(rows, r, e)


def needs(r: Recorded) -> list[tuple[str, tuple]]:
    e = r.event
    if isinstance(e, ArticleExtracted | LettersExtracted):
        return [("articles", (e.article_id,))]
    return [("urls", (e.url,))]


ARTICLES = Projection(
    name="articles",
    version=2,  # 2: titles are searched by word
    tables=(ARTICLES_TABLE, URLS_TABLE),
    fold=fold,
    handles=frozenset({"ArticleExtracted", "LettersExtracted", "PageFetched",
                       "PageNotModified", "FetchFailed", "PageSkipped"}),
    needs=needs,
)
