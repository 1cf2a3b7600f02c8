"""JSON-lines front end: articles in, the letters each one reports out."""
from __future__ import annotations

import json
import sys
from typing import TextIO

from . import EXTRACTOR_VERSION, extract_letters

__all__ = ["extract_letters_jsonl", "main"]

_OUT_FIELDS = ("sender", "recipient", "kind", "date", "via", "evidence", "start", "end", "confidence", "reply_to")


def _row(line: str, n: int) -> tuple[object | None, dict]:
    """Parse one input line into (id, row); raises ValueError with a readable reason."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    aid = obj.get("id")
    if aid is None:
        raise ValueError('missing "id"')
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError('"text" must be a string')
    for key in ("title", "published"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise ValueError(f'"{key}" must be a string or null')
    return aid, obj


def extract_letters_jsonl(inp: TextIO, out: TextIO) -> int:
    """Read articles as JSON lines from `inp`, write one `{"id", "letters"}` line each to `out`.

    A bad line is reported on stderr with its line number and skipped (with an
    `error` line in the output when its id is known); the rest of the run goes on.
    Returns the number of articles written.
    """
    count = 0
    for n, line in enumerate(inp, 1):
        if not line.strip():
            continue
        aid = None
        try:
            try:
                aid = json.loads(line).get("id")
            except (json.JSONDecodeError, AttributeError):
                aid = None
            aid, obj = _row(line, n)
            letters = extract_letters(obj["text"], title=obj.get("title"), published=obj.get("published"))
            rec = {"id": aid, "letters": [{k: getattr(x, k) for k in _OUT_FIELDS} for x in letters],
                   "extractor": EXTRACTOR_VERSION}
        except Exception as exc:  # one bad article must not stop the batch
            msg = f"line {n}: {exc}" if isinstance(exc, ValueError) else f"line {n}: {type(exc).__name__}: {exc}"
            print(f"extract-letters: {msg}", file=sys.stderr)
            if aid is None:
                continue
            rec = {"id": aid, "letters": [], "error": msg}
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    """`python -m scrapers.letters.cli INPUT.jsonl` (or - for stdin) writes results to stdout."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m scrapers.letters.cli INPUT.jsonl|-", file=sys.stderr)
        return 2
    if args[0] == "-":
        extract_letters_jsonl(sys.stdin, sys.stdout)
        return 0
    try:
        with open(args[0], encoding="utf-8") as fh:
            extract_letters_jsonl(fh, sys.stdout)
    except OSError as exc:
        print(f"extract-letters: cannot read {args[0]}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
