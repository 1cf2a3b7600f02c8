"""Letters counted per month or year and kind, on both backends, and their CSV."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from service.api import timeline
from service.api.queries import LetterFilter
from store import Store
from test_api_support import client, corpus  # noqa: F401


def test_counts_keep_the_dates_precision(corpus: Store):
    rows = sorted(timeline.counts(corpus, LetterFilter()), key=lambda r: (r["period"], r["kind"]))
    assert rows == [
        {"period": "", "kind": "message", "n": 1},  # the undated message via Kim Yong Nam
        {"period": "2018-07", "kind": "letter", "n": 1},  # two outlets, one letter
        {"period": "2019-06", "kind": "letter", "n": 2},
        {"period": "2021-10", "kind": "message", "n": 1},
        {"period": "2023-06", "kind": "greetings", "n": 1},
        {"period": "2023-08", "kind": "telegram", "n": 1}]


def test_a_long_span_is_drawn_by_year_and_a_short_one_by_month(corpus: Store):
    everything = timeline.build({"letters": timeline.counts(corpus, LetterFilter())})
    assert everything.unit == "year"
    assert everything.periods == ["2018", "2019", "2020", "2021", "2022", "2023"]
    assert everything.up["2019"] == {"letter": 2}
    assert everything.undated == 1
    recent = timeline.build({"letters": timeline.counts(corpus, LetterFilter(since="2023"))})
    assert recent.unit == "month"
    assert recent.periods == ["2023-06", "2023-07", "2023-08"]


def test_month_charts_count_letters_dated_only_to_a_year_apart():
    rows = [{"period": "2019", "kind": "letter", "n": 2}, {"period": "2019-03", "kind": "letter", "n": 1}]
    t = timeline.build({"letters": rows}, unit="month")
    assert t.periods == ["2019-03"] and t.coarse == 2
    assert timeline.build({"letters": rows}, unit="year").up == {"2019": {"letter": 3}}


def test_a_persons_sent_and_received_letters(corpus: Store):
    sides = {side: timeline.counts(corpus, f)
             for side, f in timeline.person_sides(LetterFilter(), "Kim Jong Un").items()}
    t = timeline.build(sides)
    assert (t.up_label, t.down_label) == ("sent", "received")
    assert t.total(t.up) + t.undated == 4 and t.total(t.down) == 3


def read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_numbers_behind_the_charts_as_csv(client: TestClient):
    r = client.get("/timeline.csv", params={"kind": "letter"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert read(r.text) == [["period", "side", "kind", "letters"],
                            ["2018-07", "letters", "letter", "1"],
                            ["2019-06", "letters", "letter", "2"]]
    r = client.get("/timeline.csv", params={"person": "kim jong-un", "split": "direction",
                                             "since": "2023"})
    assert read(r.text)[1:] == [["2023-06", "sent", "greetings", "1"],
                                ["2023-08", "received", "telegram", "1"]]
    assert read(client.get("/timeline.csv?q=handed").text)[1:] == [
        ["undated", "letters", "message", "1"]]


def test_with_a_read_token_the_numbers_need_it_as_the_other_exports_do(corpus: Store):
    from service.api import create_app
    from test_api_support import settings

    with TestClient(create_app(settings(read_token="read-token-for-tests-0123"), corpus)) as c:
        assert c.get("/timeline.csv").status_code == 401
        ok = c.get("/timeline.csv", headers={"Authorization": "Bearer read-token-for-tests-0123"})
        assert ok.status_code == 200 and ok.text.startswith("period,side,kind,letters")


def test_bad_chart_requests_get_a_clear_error(client: TestClient):
    r = client.get("/timeline.csv?split=direction")
    assert r.status_code == 422
    assert r.json()["detail"][0]["msg"] == "split=direction needs person="
    assert client.get("/timeline.csv?split=sideways&person=x").status_code == 422
    assert client.get("/timeline.csv?since=June").status_code == 422
