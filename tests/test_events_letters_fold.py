"""How the letters projection merges, replaces and threads what articles report."""

from __future__ import annotations

from events import ArticleExtracted, Finding, LettersExtracted
from events.projections import LETTERS
from events.projections.letters import dates_compatible, kinds_compatible, person_key

from folding import fold


def article(aid: str, published: str | None = "2019-08-10", site: str | None = None,
            duplicate_of: str | None = None) -> tuple[str, ArticleExtracted]:
    return f"article-{aid}", ArticleExtracted(
        article_id=aid, url=f"https://{site or aid}.example/{aid}", text="...",
        extractor_version="1", title=f"Title {aid}", published=published,
        site_name=site, duplicate_of=duplicate_of)


def found(aid: str, *letters: Finding, version: str = "1") -> tuple[str, LettersExtracted]:
    return f"article-{aid}", LettersExtracted(article_id=aid, extractor_version=version,
                                              letters=tuple(letters))


def kim_to_trump(date: str | None = "2019-08", kind: str = "letter",
                 evidence: str = "Kim sent Trump a letter.", **kw) -> Finding:
    return Finding("Kim Jong Un", "Donald Trump", kind, date, kw.pop("via", None), evidence, **kw)


def letters(rows) -> list[dict]:
    return sorted(rows.tables["letters"].values(), key=lambda r: r["first_position"])


def test_one_letter_reported_by_three_outlets_is_one_event_with_three_sources():
    rows = fold(LETTERS, [
        article("a", site="Reuters"), found("a", kim_to_trump("2019-08", evidence="E1")),
        article("b", site="AP"), found("b", kim_to_trump("2019-08-05", kind="message", evidence="E2")),
        article("c", site="BBC"), found("c", kim_to_trump(None, evidence="E3")),
    ])
    (letter,) = letters(rows)
    assert letter["source_count"] == 3
    assert [s["evidence"] for s in letter["sources"]] == ["E1", "E2", "E3"]
    assert letter["date"] == "2019-08-05"  # the most precise date any outlet gives
    assert letter["kind"] == "letter"  # the word most outlets use
    assert {s["site_name"] for s in letter["sources"]} == {"Reuters", "AP", "BBC"}


def test_letters_months_apart_stay_separate():
    rows = fold(LETTERS, [
        article("a"), found("a", kim_to_trump("2019-08")),
        article("b", published="2018-07-12"), found("b", kim_to_trump("2018-07-06")),
    ])
    assert [l["date"] for l in letters(rows)] == ["2019-08", "2018-07-06"]


def test_a_reply_is_its_own_letter_and_links_to_what_it_answers():
    reply = Finding("Donald Trump", "Kim Jong Un", "letter", "2019-08", None, "Trump replied.",
                    reply_to=0)
    rows = fold(LETTERS, [article("a"), found("a", kim_to_trump(), reply)])
    first, second = letters(rows)
    assert second["in_reply_to"] == first["letter_id"]
    assert first["in_reply_to"] is None


def test_two_letters_of_one_pair_in_one_article_are_not_merged():
    rows = fold(LETTERS, [article("a"), found("a", kim_to_trump("2019-08", evidence="one"),
                                             kim_to_trump("2019", evidence="two"))])
    assert len(letters(rows)) == 2


def test_a_newer_extractor_version_replaces_an_articles_findings():
    rows = fold(LETTERS, [
        article("a"), found("a", kim_to_trump("2019-08"), version="1.0"),
        found("a", Finding("Xi Jinping", "Kim Jong Un", "message", "2019-06", None, "Xi wrote."),
              version="1.1"),
    ])
    (letter,) = letters(rows)
    assert (letter["sender"], letter["recipient"]) == ("Xi Jinping", "Kim Jong Un")
    assert rows.tables["pairs"].keys() == {("Xi Jinping", "Kim Jong Un")}


def test_an_older_extractor_version_arriving_late_changes_nothing():
    rows = fold(LETTERS, [
        article("a"), found("a", kim_to_trump("2019-08"), version="2.0"),
        found("a", version="1.9"),
    ])
    assert len(letters(rows)) == 1


def test_withdrawing_one_outlet_keeps_the_letter_for_the_others():
    rows = fold(LETTERS, [
        article("a"), found("a", kim_to_trump(evidence="E1")),
        article("b"), found("b", kim_to_trump(evidence="E2")),
        found("a", version="2"),  # a better extractor finds nothing in article a
    ])
    (letter,) = letters(rows)
    assert [s["evidence"] for s in letter["sources"]] == ["E2"]
    assert letter["source_count"] == 1


def test_a_letter_keeps_its_id_when_a_newer_extractor_finds_it_again():
    first = letters(fold(LETTERS, [article("a"), found("a", kim_to_trump("2019-08"))]))
    again = letters(fold(LETTERS, [
        article("a"), found("a", kim_to_trump("2019-08")),
        found("a", kim_to_trump("2019-08-05"), version="2"),
    ]))
    assert [l["letter_id"] for l in again] == [l["letter_id"] for l in first]
    assert again[0]["date"] == "2019-08-05"


def test_a_new_letter_never_takes_the_id_of_one_other_outlets_still_hold():
    # "a" created the letter and "b" joined it; "a"'s newer findings no longer match it, so
    # "a" starts a letter of its own, and "b"'s letter keeps its id and its report.
    rows = fold(LETTERS, [
        article("a"), found("a", kim_to_trump("2019-08")),
        article("b"), found("b", kim_to_trump("2019-08-02", evidence="B")),
        found("a", kim_to_trump("2018-01", evidence="A2"), version="2"),
    ])
    kept, new = sorted(letters(rows), key=lambda l: l["date"], reverse=True)
    assert [s["evidence"] for s in kept["sources"]] == ["B"]
    assert [s["evidence"] for s in new["sources"]] == ["A2"]
    assert kept["letter_id"] != new["letter_id"]


def test_a_syndicated_duplicate_is_counted_once():
    rows = fold(LETTERS, [
        article("a"), found("a", kim_to_trump()),
        article("copy", duplicate_of="a"), found("copy", kim_to_trump()),
    ])
    (letter,) = letters(rows)
    assert letter["source_count"] == 1


def test_kinds_and_dates_compatibility():
    assert kinds_compatible("letter", "note")
    assert not kinds_compatible("letter", "telegram")
    assert dates_compatible("2019-08", None, "2019-08-09", None)
    assert not dates_compatible("2019-08", None, "2019-07", None)
    assert dates_compatible(None, "2019-08-20", "2019-08-09", None)  # within a month
    assert not dates_compatible(None, "2019-12-20", "2019-08-09", None)
    assert not dates_compatible(None, None, "2019-08-09", None)


# --- claim status and parties -----------------------------------------------------------------


def status_of(*statuses: str) -> tuple[str, bool]:
    """The status and the disputed mark of one letter reported once per status, in order."""
    events = []
    for i, status in enumerate(statuses):
        events += [article(f"s{i}", site=f"Outlet {i}"),
                   found(f"s{i}", kim_to_trump(evidence=f"E{i}", status=status))]
    (letter,) = letters(fold(LETTERS, events))
    return letter["status"], letter["disputed"]


def test_a_letter_reported_by_one_outlet_and_claimed_by_another_is_reported():
    assert status_of("claimed", "reported") == ("reported", False)
    assert status_of("reported", "claimed") == ("reported", False)
    assert status_of("claimed") == ("claimed", False)


def test_a_denial_stands_only_while_nothing_says_the_letter_was_sent():
    assert status_of("denied") == ("denied", False)
    assert status_of("denied", "planned") == ("denied", False)
    assert status_of("planned", "planned") == ("planned", False)
    # One outlet reports it sent, another that it was denied: sent, and marked disputed.
    assert status_of("denied", "reported") == ("reported", True)
    assert status_of("claimed", "denied") == ("claimed", True)


def test_the_merged_status_does_not_depend_on_the_order_of_the_reports():
    from itertools import permutations

    for statuses in permutations(("planned", "denied", "claimed", "reported")):
        assert status_of(*statuses) == ("reported", True)
    for statuses in permutations(("planned", "denied", "claimed")):
        assert status_of(*statuses) == ("claimed", True)


def test_each_report_keeps_its_own_status_in_the_evidence():
    rows = fold(LETTERS, [
        article("a", site="KCNA"), found("a", kim_to_trump(evidence="KCNA says sent", status="claimed")),
        article("b", site="AP"), found("b", kim_to_trump(evidence="Denied", status="denied")),
    ])
    (letter,) = letters(rows)
    assert [(s["site_name"], s["status"]) for s in letter["sources"]] == [
        ("KCNA", "claimed"), ("AP", "denied")]


def test_withdrawing_the_only_report_of_a_sent_letter_leaves_the_denial():
    rows = fold(LETTERS, [
        article("a"), found("a", kim_to_trump(evidence="sent", status="reported")),
        article("b"), found("b", kim_to_trump(evidence="denied", status="denied")),
        found("a", version="2"),  # a newer extractor no longer reads a letter in article a
    ])
    (letter,) = letters(rows)
    assert (letter["status"], letter["disputed"]) == ("denied", False)


def test_a_status_this_release_does_not_know_counts_as_the_weakest():
    assert status_of("rumoured") == ("planned", False)
    assert status_of("rumoured", "claimed") == ("claimed", False)


def test_organisations_are_parties_with_their_type():
    to_committee = Finding("Kim Jong Un", "Central Committee of the WPK", "letter", "2019-08",
                           None, "Kim sent a letter to the Central Committee.",
                           recipient_type="organisation")
    (letter,) = letters(fold(LETTERS, [article("a"), found("a", to_committee)]))
    assert (letter["sender_type"], letter["recipient_type"]) == ("person", "organisation")
    assert letter["sources"][0]["recipient_type"] == "organisation"


def test_findings_logged_before_status_and_party_types_read_as_reported_between_persons():
    # A payload as a release without these fields wrote it.
    payload = {"article_id": "a", "extractor_version": "1.1.0", "letters": [{
        "sender": "Kim Jong Un", "recipient": "Donald Trump", "kind": "letter",
        "date": "2019-08", "via": None, "evidence": "Kim sent Trump a letter.", "start": 0,
        "end": 24, "confidence": 1.0, "reply_to": None}]}
    old = LettersExtracted.from_data(payload)
    (letter,) = letters(fold(LETTERS, [article("a"), ("article-a", old)]))
    assert (letter["status"], letter["disputed"]) == ("reported", False)
    assert (letter["sender_type"], letter["recipient_type"]) == ("person", "person")


def test_people_and_correspondents_count_letters_said_to_be_sent():
    def counts(rows) -> tuple[dict, dict]:
        people = {k[0]: (p["sent"], p["received"], p["organisation"])
                  for k, p in rows.tables["people"].items()}
        return people, {k: c["letters"] for k, c in rows.tables["correspondents"].items()}

    planned = [article("a"), found("a", kim_to_trump(evidence="will write", status="planned"))]
    assert counts(fold(LETTERS, planned)) == ({}, {})
    # Another outlet reports it sent: the letter now counts, once.
    sent = planned + [article("b"), found("b", kim_to_trump(evidence="wrote"))]
    assert counts(fold(LETTERS, sent)) == (
        {"kimjongun": (1, 0, 0), "donaldtrump": (0, 1, 0)}, {("kimjongun", "donaldtrump"): 1})
    # A newer extractor no longer reads it in article b: it is planned again, and uncounted.
    assert counts(fold(LETTERS, sent + [found("b", version="2")])) == ({}, {})


def test_people_count_the_letters_naming_a_party_as_an_organisation():
    to_party = Finding("Kim Jong Un", "Workers' Party", "letter", "2019-08", None,
                       "Kim wrote to the party.", recipient_type="organisation")
    rows = fold(LETTERS, [article("a"), found("a", to_party)])
    party = rows.tables["people"][(person_key("Workers' Party"),)]
    assert (party["letters"], party["organisation"]) == (1, 1)
    assert rows.tables["people"][("kimjongun",)]["organisation"] == 0
