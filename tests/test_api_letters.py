"""GET /letters, /letters/latest, /letters/{id}, /people and /articles over a known corpus."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from store import Store
from test_api_support import (  # noqa: F401 - fixtures
    AUTH,
    add_article,
    client,
    corpus,
    letter,
    refresh,
    settings,
)


def who(items: list[dict]) -> list[tuple[str, str, str | None]]:
    return [(i["sender"], i["recipient"], i["date"]) for i in items]


def test_letters_are_newest_first_by_letter_date_and_undated_ones_last(client: TestClient):
    page = client.get("/letters").json()
    assert who(page["items"]) == [
        ("Vladimir Putin", "Kim Jong Un", "2023-08-15"),
        ("Kim Jong Un", "Vladimir Putin", "2023-06-12"),
        ("Xi Jinping", "Kim Jong Un", "2021-10-20"),
        ("Kim Jong Un", "Donald Trump", "2019-06-22"),
        ("Donald Trump", "Kim Jong Un", "2019-06-12"),
        ("Kim Jong Un", "Donald Trump", "2018-07-06"),
        ("Kim Jong Un", "Vladimir Putin", None),
    ]
    assert page["next_cursor"] is None


def test_a_letter_reported_by_two_outlets_is_one_letter_with_both_reports(client: TestClient):
    items = client.get("/letters", params={"since": "2018", "until": "2018"}).json()["items"]
    assert len(items) == 1
    (merged,) = items
    assert merged["source_count"] == 2
    assert merged["outlets"] == ["AP", "Reuters"]
    assert merged["date"] == "2018-07-06"  # the more precise of "2018-07" and "2018-07-06"
    assert {s["evidence"][:12] for s in merged["sources"]} == {"Trump said K", "Trump posted"}


def test_filters_narrow_the_list(client: TestClient):
    def count(**params: str) -> int:
        return len(client.get("/letters", params=params).json()["items"])

    # Names match whatever the case, spaces, hyphens or dots.
    assert count(person="kim jong-un") == 7
    assert count(person="Donald Trump") == 3
    assert count(sender="Donald Trump") == 1
    assert count(recipient="donald trump") == 2
    assert count(sender="Kim Jong Un", recipient="Vladimir Putin") == 2
    assert count(kind="telegram") == 1
    assert count(since="2021") == 3
    assert count(until="2019-06") == 3  # 2019-06-22 counts as within June
    assert count(since="2019", until="2019") == 2
    assert count(q="LIBERATION day") == 1
    assert count(q="100%") == 0  # LIKE wildcards in the query are taken literally
    assert count(person="Nobody") == 0


def test_cursor_pages_walk_every_letter_once_in_order(client: TestClient):
    everything = client.get("/letters").json()["items"]
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/letters", params=params).json()
        assert len(page["items"]) <= 3
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [i["letter_id"] for i in seen] == [i["letter_id"] for i in everything]


def test_bad_input_is_a_422_that_says_what_is_wrong(client: TestClient):
    def problem(r) -> tuple[int, list[str], str]:
        (error,) = r.json()["detail"]  # one shape for every 422, as FastAPI's own
        return r.status_code, error["loc"], error["msg"]

    status, where, message = problem(client.get("/letters", params={"cursor": "not-a-cursor"}))
    assert (status, where) == (422, ["query", "cursor"]) and "next_cursor" in message
    r = client.get("/letters", params={"limit": 201})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "limit"]
    r = client.get("/letters", params={"since": "June 2019"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "since"]
    status, where, message = problem(client.get("/letters", params={"since": "2020",
                                                                    "until": "2019"}))
    assert (status, where) == (422, ["query", "since"]) and "after until" in message
    status, where, message = problem(client.get("/letters", params={"as_of": "yesterday"}))
    assert (status, where) == (422, ["query", "as_of"]) and "ISO date" in message


def test_a_letter_shows_every_report_its_log_positions_and_its_reply(client: TestClient):
    reply = client.get("/letters", params={"sender": "Kim Jong Un", "since": "2019-06-22",
                                           "until": "2019-06-22"}).json()["items"][0]
    detail = client.get(f"/letters/{reply['letter_id']}").json()
    assert detail["in_reply_to_letter"]["sender"] == "Donald Trump"
    assert detail["positions"] == [s["position"] for s in detail["sources"]]
    assert detail["sources"][0]["url"] == "https://yonhap.example/a3"
    assert "June 22" in detail["sources"][0]["evidence"]

    original = client.get(f"/letters/{detail['in_reply_to']}").json()
    assert [r["letter_id"] for r in original["replies"]] == [reply["letter_id"]]
    assert original["in_reply_to_letter"] is None

    assert client.get("/letters/nope").status_code == 404


def test_latest_is_the_first_page_and_follows_new_letters(client: TestClient, corpus: Store):
    client.app.state.latest.ttl = 0  # look at the checkpoint on every request
    assert client.get("/letters/latest", params={"limit": 2}).json()["items"] == \
        client.get("/letters", params={"limit": 2}).json()["items"]
    add_article(corpus, "a7", site="KCNA", published="2024-01-02", title="New Year", findings=[
        letter("Kim Jong Un", "Vladimir Putin", "greetings", "2024-01-01",
               "Kim Jong Un sent New Year greetings to Putin.")])
    refresh(corpus)
    latest = client.get("/letters/latest", params={"limit": 2}).json()["items"]
    assert who(latest)[0] == ("Kim Jong Un", "Vladimir Putin", "2024-01-01")


def test_as_of_answers_from_the_log_as_it_stood(client: TestClient, corpus: Store):
    # Each article is two events (text, then letters): a1 ends at position 2, a2 at 4.
    one_report = client.get("/letters", params={"as_of": 2}).json()
    assert one_report["as_of"] == 2
    assert [i["source_count"] for i in one_report["items"]] == [1]
    two_reports = client.get("/letters", params={"as_of": 4}).json()["items"]
    assert [i["source_count"] for i in two_reports] == [2]
    # Filters and order work the same as on the live tables.
    then = client.get("/letters", params={"as_of": 6, "person": "Donald Trump"}).json()["items"]
    assert who(then) == [("Kim Jong Un", "Donald Trump", "2019-06-22"),
                         ("Donald Trump", "Kim Jong Un", "2019-06-12"),
                         ("Kim Jong Un", "Donald Trump", "2018-07-06")]
    # A time before anything was recorded knows nothing; now knows what the tables know.
    assert client.get("/letters", params={"as_of": "2000-01-01"}).json()["items"] == []
    now = datetime.now(UTC).isoformat()
    assert client.get("/letters", params={"as_of": now}).json()["items"] == \
        client.get("/letters").json()["items"]


def test_people_are_ranked_and_each_shows_their_counterparts(client: TestClient):
    people = client.get("/people").json()["items"]
    assert people[0] == {"person_id": "kimjongun", "name": "Kim Jong Un", "party_type": "person",
                         "sent": 4, "received": 3, "letters": 7, "last_date": "2023-08-15"}
    kim = client.get("/people/Kim Jong-Un").json()  # any spelling of the name finds them
    assert {c["name"]: (c["sent"], c["received"]) for c in kim["counterparts"]} == {
        "Donald Trump": (2, 1), "Vladimir Putin": (2, 1), "Xi Jinping": (0, 1)}
    assert len(kim["letters_list"]) == 7
    assert client.get("/people", params={"q": "put"}).json()["items"][0]["name"] == \
        "Vladimir Putin"
    assert client.get("/people/nobody").status_code == 404


def test_articles_show_text_and_the_letters_found(client: TestClient):
    items = client.get("/articles").json()["items"]
    assert [a["article_id"] for a in items] == ["a6", "a5", "a4", "a3", "a2", "a1"]
    a3 = client.get("/articles/a3").json()
    assert a3["site_name"] == "Yonhap" and a3["letter_count"] == 2
    assert "June 12" in a3["text"]
    assert [(l["sender"], l["recipient"]) for l in a3["letters"]] == [
        ("Donald Trump", "Kim Jong Un"), ("Kim Jong Un", "Donald Trump")]
    page = client.get("/articles", params={"limit": 4}).json()
    rest = client.get("/articles", params={"cursor": page["next_cursor"]}).json()
    assert [a["article_id"] for a in rest["items"]] == ["a2", "a1"]
    assert client.get("/articles/none").status_code == 404


def test_reads_need_the_read_token_when_one_is_set(corpus: Store):
    from service.api import create_app

    app = create_app(settings(read_token="reader-token-0123456789"), corpus)
    with TestClient(app) as c:
        assert c.get("/letters").status_code == 401
        assert c.get("/letters", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/letters", headers={"Authorization": "Bearer reader-token-0123456789"}).status_code == 200
        assert c.get("/letters", headers=AUTH).status_code == 200  # the admin may read
        assert c.get("/healthz").status_code == 200  # probes stay open


def test_latest_answers_unusual_requests_like_any_route(corpus: Store):
    from service.api import create_app

    with TestClient(create_app(settings(read_token="reader-token-0123456789"), corpus)) as c:
        reader = {"Authorization": "Bearer reader-token-0123456789"}
        assert c.get("/letters/latest").status_code == 401
        assert c.get("/letters/latest", headers={"Authorization": "Bearer no"}).status_code == 401
        assert len(c.get("/letters/latest", headers=reader).json()["items"]) == 7
        assert c.get("/letters/latest", params={"limit": 500}, headers=reader).status_code == 422
        assert c.get("/letters/latest", params={"limit": "x"}, headers=reader).status_code == 422
        two = c.get("/letters/latest", params={"limit": 2, "pretty": 1}, headers=reader).json()
        assert len(two["items"]) == 2


def test_as_of_folds_on_from_an_earlier_fold_to_the_same_answer(corpus: Store):
    from service.api.queries import AsOf

    def key(rows: list[dict]) -> list[tuple]:
        return sorted((r["letter_id"], r["source_count"], r["date"], r["in_reply_to"])
                      for r in rows)

    reused = AsOf(size=3)
    for position in [3, 7, 5, 12, 1, 9, 12]:  # later and earlier, so both paths are taken
        assert key(reused.letters(corpus, position)) == key(AsOf().letters(corpus, position))


def test_people_follow_new_letters(client: TestClient, corpus: Store):
    def xi() -> dict:
        return client.get("/people/xijinping").json()

    assert (xi()["sent"], xi()["received"]) == (1, 0)
    add_article(corpus, "a8", site="KCNA", published="2024-03-01", title="Kim to Xi", findings=[
        letter("Kim Jong Un", "Xi Jinping", "message", "2024-03-01", "Kim sent Xi a message.")])
    refresh(corpus)
    assert (xi()["sent"], xi()["received"]) == (1, 1)
    names = {p["name"]: p["letters"] for p in client.get("/people").json()["items"]}
    assert names["Kim Jong Un"] == 8 and names["Xi Jinping"] == 2


def test_person_filters_fold_case_beyond_ascii_and_use_the_key_index(client: TestClient,
                                                                     corpus: Store):
    add_article(corpus, "a9", site="Anadolu", published="2024-05-02", title="Erdoğan to Putin",
                findings=[letter("Recep Tayyip Erdoğan", "Vladimir Putin", "letter",
                                 "2024-05-01", "Erdoğan sent Putin a letter.")])
    refresh(corpus)
    for name in ("RECEP TAYYIP ERDOĞAN", "recep tayyip erdoğan", "Recep-Tayyip Erdoğan"):
        items = client.get("/letters", params={"person": name}).json()["items"]
        assert [(i["sender"], i["recipient"]) for i in items] == [
            ("Recep Tayyip Erdoğan", "Vladimir Putin")]
    assert client.get("/people/RECEP TAYYIP ERDOĞAN").json()["sent"] == 1
    if corpus.__class__.__name__ == "SQLiteStore":
        plan = corpus.query("EXPLAIN QUERY PLAN SELECT letter_id FROM p_letters_letters "
                            "WHERE sender_key = ? OR recipient_key = ?", ["x", "x"])
        assert any("sender_key" in str(row) for row in plan), plan
        assert not any(row.get("detail") == "SCAN p_letters_letters" for row in plan), plan


def test_letter_pages_have_exactly_the_documented_shape(client: TestClient, corpus: Store):
    from service.api.models import LetterPage

    # /letters and /letters/latest are serialised without the model: they must be what the
    # model would have made of them, to the key and the type.
    for params in ({}, {"limit": "2"}, {"person": "Kim Jong Un"}, {"as_of": "5"}):
        body = client.get("/letters", params=params).json()
        assert body == LetterPage.model_validate(body).model_dump(mode="json"), params
    latest = client.get("/letters/latest").json()
    assert latest == LetterPage.model_validate(latest).model_dump(mode="json")


class CountingStore:
    """A store that counts the events folds read from it."""

    def __init__(self, store: Store) -> None:
        self.store, self.read = store, 0

    def head(self) -> int:
        return self.store.head()

    def read_all(self, **kwargs):
        for r in self.store.read_all(**kwargs):
            self.read += 1
            yield r


def test_as_of_walked_downwards_reads_only_from_the_nearest_snapshot(corpus: Store):
    from service.api.queries import AsOf

    from test_api_support import add_article, letter, refresh

    for i in range(150):  # 300 more events: an article and its letters each
        add_article(corpus, f"w{i}", site="Wire", published="2024-02-01", title=f"t{i}",
                    findings=[letter(f"Sender {i % 7}", f"Recipient {i % 5}", "letter",
                                     f"2024-01-{i % 28 + 1:02d}", f"Sender wrote {i}.")])
    refresh(corpus)

    def key(rows: list[dict]) -> list[tuple]:
        return sorted((r["letter_id"], r["source_count"], r["date"]) for r in rows)

    head = corpus.head()
    counting = CountingStore(corpus)
    asof = AsOf(size=3, every=40, snapshots=100)
    asof.letters(counting, head)  # the first answer folds the log once, keeping snapshots
    for position in range(head - 1, 0, -13):  # a client walking down, never the same twice
        counting.read = 0
        got = asof.letters(counting, position)
        # Letter events only, from the snapshot at or below: at most the spacing, plus the
        # one event past the position that ends the read.
        assert counting.read <= 40 + 1, (position, counting.read)
        assert key(got) == key(AsOf(every=10**9).letters(corpus, position)), position
    # With few snapshots allowed, they are spaced further apart on a long log: still bounded.
    sparse = AsOf(every=10, snapshots=4)
    sparse.letters(corpus, head)
    counting.read = 0
    sparse.letters(counting, head // 2)
    assert counting.read <= -(-head // 4) + 1
