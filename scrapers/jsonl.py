"""Text extraction over a JSON-lines file, through the same code as the crawl: for tests,
benchmarks and one-off jobs."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from .extract import extract_article


def extract_articles_jsonl(inp: TextIO, out: TextIO, err: TextIO | None = None) -> int:
    """Read ``{"id", "html", "url"?}`` lines, write ``{"id", "title", "text", "published",
    "language"}`` lines (text "" when no article is found); returns the lines written.

    A malformed line is reported on stderr with its number and skipped; the run carries on.
    """
    err = err or sys.stderr
    written = 0
    for number, line in enumerate(inp, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"line {number}: not valid JSON: {exc.msg} (column {exc.colno})", file=err)
            continue
        if not isinstance(item, dict) or "id" not in item or not isinstance(item.get("html"), str):
            print(f'line {number}: expected an object with "id" and "html" (a string)', file=err)
            continue
        url = item.get("url") if isinstance(item.get("url"), str) else None
        try:
            article = extract_article(item["html"], url=url)
        except Exception as exc:  # one odd page must not end the run
            print(f"line {number}: extraction failed: {type(exc).__name__}: {exc}", file=err)
            article = None
        out.write(json.dumps({
            "id": item["id"],
            "title": article.title if article else None,
            "text": article.text if article else "",
            "published": article.published if article else None,
            "language": article.language if article else None,
        }, ensure_ascii=False) + "\n")
        written += 1
    out.flush()
    return written
