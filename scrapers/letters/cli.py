"""JSON-lines front end: articles in, the letters each one reports out."""
from __future__ import annotations

import json
import sys
from typing import TextIO

from . import EXTRACTOR_VERSION, extract_letters

__all__ = ["DEFAULT_STATUSES", "extract_letters_jsonl", "letter_rows", "main"]

_OUT_FIELDS = ("sender", "recipient", "kind", "date", "via", "evidence", "start", "end", "confidence", "reply_to",
               "status", "sender_type", "recipient_type")
# What a reader of the output takes as letters by default: denied and planned ones only on request.
DEFAULT_STATUSES = frozenset(("reported", "claimed"))


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


def extract_letters_jsonl(inp: TextIO, out: TextIO, *, all_statuses: bool = False) -> int:
    """Read articles as JSON lines from `inp`, write one `{"id", "letters"}` line each to `out`.

    Letters reported as sent or claimed by one side are written; with `all_statuses`, also those
    the article says were denied or only planned (each letter carries its `status`).

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
            rec = {"id": aid, "letters": letter_rows(letters, all_statuses=all_statuses),
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


def letter_rows(letters: list, *, all_statuses: bool = False) -> list[dict]:
    """The letters to print as dicts; `reply_to` is renumbered to the index among those printed."""
    keep = [i for i, x in enumerate(letters) if all_statuses or x.status in DEFAULT_STATUSES]
    new_index = {old: new for new, old in enumerate(keep)}
    rows = []
    for i in keep:
        row = {k: getattr(letters[i], k) for k in _OUT_FIELDS}
        row["reply_to"] = new_index.get(row["reply_to"]) if row["reply_to"] is not None else None
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    """`python -m scrapers.letters.cli [--all] INPUT.jsonl` (or - for stdin) writes results to stdout."""
    args = list(sys.argv[1:] if argv is None else argv)
    all_statuses = "--all" in args
    args = [a for a in args if a != "--all"]
    if len(args) != 1:
        print("usage: python -m scrapers.letters.cli [--all] INPUT.jsonl|-", file=sys.stderr)
        return 2
    if args[0] == "-":
        extract_letters_jsonl(sys.stdin, sys.stdout, all_statuses=all_statuses)
        return 0
    try:
        with open(args[0], encoding="utf-8") as fh:
            extract_letters_jsonl(fh, sys.stdout, all_statuses=all_statuses)
    except OSError as exc:
        print(f"extract-letters: cannot read {args[0]}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
