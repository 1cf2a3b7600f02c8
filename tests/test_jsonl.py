"""extract-articles: JSON lines in, one JSON line out per input, bad lines reported."""

from __future__ import annotations

import io
import json

from sites import seed_page, seeds

from scrapers.jsonl import extract_articles_jsonl


def test_each_line_gives_title_text_date_and_language_and_bad_lines_are_reported():
    seed = seeds()[1]
    lines = [
        json.dumps({"id": "a", "html": seed_page(seed, published="2018-09-10"),
                    "url": "https://example.com/a"}),
        "{not json",
        json.dumps({"id": "b"}),
        "",
        json.dumps({"id": "c", "html": "<html><body></body></html>"}),
    ]
    out, err = io.StringIO(), io.StringIO()
    assert extract_articles_jsonl(io.StringIO("\n".join(lines) + "\n"), out, err) == 2
    first, empty = [json.loads(line) for line in out.getvalue().splitlines()]
    assert first["id"] == "a" and first["title"].startswith("Trump receives")
    assert first["published"] == "2018-09-10" and first["language"] == "en"
    assert "Sarah Sanders has confirmed" in first["text"]
    assert "Like this story" not in first["text"]
    assert set(first) == {"id", "title", "text", "published", "language"}
    assert empty == {"id": "c", "title": None, "text": "", "published": None, "language": None}
    messages = err.getvalue().splitlines()
    assert messages[0].startswith("line 2: not valid JSON")
    assert messages[1].startswith('line 3: expected an object with "id" and "html"')
