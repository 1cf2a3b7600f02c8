"""Threads: letters joined by replies, read as one conversation from any letter in it."""

from __future__ import annotations

from service.api import threads
from service.api.queries import LETTERS_T
from store import Store
from test_api_support import add_article, corpus, letter, refresh  # noqa: F401


def ids_of(store: Store, sender: str, date: str) -> str:
    rows = store.query(f"SELECT letter_id FROM {LETTERS_T} WHERE sender = ? AND date = ?",
                       [sender, date])
    return rows[0]["letter_id"]


def test_any_letter_of_a_thread_opens_the_same_conversation_in_order(corpus: Store):
    add_article(corpus, "t1", site="KCNA", published="2019-08-02", title="More letters",
                findings=[letter("Kim Jong Un", "Donald Trump", "letter", "2019-06-30",
                                 "Kim wrote on June 30.", reply_to=None),
                          letter("Donald Trump", "Kim Jong Un", "letter", "2019-07-15",
                                 "Trump answered on July 15.", reply_to=0)])
    refresh(corpus)
    first = ids_of(corpus, "Donald Trump", "2019-06-12")
    reply = ids_of(corpus, "Kim Jong Un", "2019-06-22")
    from_root, from_reply = threads.thread(corpus, first), threads.thread(corpus, reply)
    assert from_root == from_reply
    assert [(l["letter_id"], l["depth"]) for l in from_root["letters"]] == [(first, 0), (reply, 1)]
    assert from_root["people"] == ["Donald Trump", "Kim Jong Un"]
    # A separate exchange between the same two people is a thread of its own.
    other = threads.thread(corpus, ids_of(corpus, "Donald Trump", "2019-07-15"))
    assert [l["date"] for l in other["letters"]] == ["2019-06-30", "2019-07-15"]


def test_a_letter_without_replies_is_a_thread_of_one(corpus: Store):
    lone = ids_of(corpus, "Vladimir Putin", "2023-08-15")
    t = threads.thread(corpus, lone)
    assert [l["letter_id"] for l in t["letters"]] == [lone] and not t["truncated"]


def test_replies_that_answer_each_other_do_not_loop(corpus: Store):
    # Crawled data can say two letters each answer the other.
    add_article(corpus, "loop", site="Odd", published="2020-01-02", title="Odd", findings=[
        letter("A Person", "B Person", "letter", "2020-01-01", "A wrote to B.", reply_to=1),
        letter("B Person", "A Person", "letter", "2020-01-02", "B wrote to A.", reply_to=0)])
    refresh(corpus)
    t = threads.thread(corpus, ids_of(corpus, "A Person", "2020-01-01"))
    assert sorted(l["sender"] for l in t["letters"]) == ["A Person", "B Person"]


def test_an_unknown_letter_has_no_thread(corpus: Store):
    assert threads.thread(corpus, "0000000000000000") is None


def test_replies_oldest_first_and_which_letters_got_one(corpus: Store):
    first = ids_of(corpus, "Donald Trump", "2019-06-12")
    reply = ids_of(corpus, "Kim Jong Un", "2019-06-22")
    assert [r["letter_id"] for r in threads.replies(corpus, first)] == [reply]
    assert threads.answered(corpus, [first, reply]) == {first}
    assert threads.answered(corpus, []) == set()
