"""Threads: letters joined by replies (``in_reply_to``), read as one conversation."""

from __future__ import annotations

from typing import Any

from store import Store

from . import queries

MAX_LETTERS = 500  # a thread longer than this is cut, and the page says so

def replies(store: Store, letter_id: str) -> list[dict[str, Any]]:
    """The letters answering one letter, oldest first (undated last), through the letters'
    ``in_reply_to`` index."""
    rows = queries.replies_to(store, letter_id)  # newest first, undated last
    dated = [r for r in rows if r["sort_date"]]
    return dated[::-1] + [r for r in rows if not r["sort_date"]]


def answered(store: Store, letter_ids: list[str]) -> set[str]:
    """Which of these letters got a reply: one indexed query for a whole list of letters."""
    if not letter_ids:
        return set()
    marks = ",".join("?" * len(letter_ids))
    rows = store.query(f"SELECT DISTINCT in_reply_to FROM {queries.LETTERS_T} "
                       f"WHERE in_reply_to IN ({marks})", letter_ids)
    return {r["in_reply_to"] for r in rows}


def root_of(store: Store, letter: dict[str, Any]) -> dict[str, Any]:
    """The first letter of the thread: follow ``in_reply_to`` up, stopping at a letter that is
    missing or already seen (a cycle in crawled data must not loop)."""
    seen = {letter["letter_id"]}
    while letter["in_reply_to"] and letter["in_reply_to"] not in seen:
        parent = queries.get_letter(store, letter["in_reply_to"])
        if parent is None:
            break
        seen.add(parent["letter_id"])
        letter = parent
    return letter


def thread(store: Store, letter_id: str) -> dict[str, Any] | None:
    """The conversation holding a letter: its root, then every reply in the order of the
    conversation (a reply right after what it answers), each with its depth."""
    start = queries.get_letter(store, letter_id)
    if start is None:
        return None
    root = root_of(store, start)
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    truncated = False

    def walk(row: dict[str, Any], depth: int) -> None:
        nonlocal truncated
        if row["letter_id"] in seen:
            return
        if len(items) >= MAX_LETTERS:
            truncated = True
            return
        seen.add(row["letter_id"])
        out = queries.letter_out(row)
        out["depth"] = depth
        items.append(out)
        for reply in replies(store, row["letter_id"]):
            walk(reply, depth + 1)

    walk(root, 0)
    people = list(dict.fromkeys(n for lt in items for n in (lt["sender"], lt["recipient"])))
    return {"root": items[0], "letters": items, "people": people, "truncated": truncated,
            "dates": [lt["date"] for lt in items if lt["date"]]}
