"""Threads: letters joined by replies (``in_reply_to``), read as one conversation."""

from __future__ import annotations

from typing import Any

from store import Store

from . import queries

MAX_LETTERS = 500  # a thread longer than this is cut, and the page says so

Replies = dict[str, list[str]]  # letter id -> the ids of its replies, oldest first


def replies(store: Store) -> Replies:
    """Every reply, by the letter it answers, in one read: the pages keep this until the
    letters move, so a letter's page and a thread need no search of the letters for replies."""
    rows = store.query(f"SELECT letter_id, in_reply_to FROM {queries.LETTERS_T} "
                       f"WHERE in_reply_to IS NOT NULL "
                       f"ORDER BY sort_date = '', sort_date, first_position, letter_id")
    out: Replies = {}
    for r in rows:
        out.setdefault(r["in_reply_to"], []).append(r["letter_id"])
    return out


def answered(letter_ids: list[str], known: Replies) -> set[str]:
    """Which of these letters got a reply."""
    return {i for i in letter_ids if known.get(i)}


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


def thread(store: Store, letter_id: str, known: Replies | None = None) -> dict[str, Any] | None:
    """The conversation holding a letter: its root, then every reply in the order of the
    conversation (a reply right after what it answers), each with its depth."""
    start = queries.get_letter(store, letter_id)
    if start is None:
        return None
    known = replies(store) if known is None else known
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
        for reply_id in known.get(row["letter_id"], []):
            reply = queries.get_letter(store, reply_id)
            if reply is not None:
                walk(reply, depth + 1)

    walk(root, 0)
    people = list(dict.fromkeys(n for lt in items for n in (lt["sender"], lt["recipient"])))
    return {"root": items[0], "letters": items, "people": people, "truncated": truncated,
            "dates": [lt["date"] for lt in items if lt["date"]]}
