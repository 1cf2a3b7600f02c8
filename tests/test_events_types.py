"""Events are small immutable typed records that survive a round trip through the log."""

from __future__ import annotations

import dataclasses

import pytest

from events import (
    Finding,
    LettersExtracted,
    SourceAdded,
    UnknownEvent,
    decode,
    known_types,
    url_key,
)


def test_events_are_immutable():
    e = SourceAdded(source_id="s", url="https://x.example/feed", kind="feed")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.url = "https://elsewhere.example"  # type: ignore[misc]


def test_every_event_gets_its_own_id_unless_given_one():
    a = SourceAdded(source_id="s", url="u", kind="feed")
    b = SourceAdded(source_id="s", url="u", kind="feed")
    assert a.id != b.id
    assert SourceAdded(id="fixed", source_id="s", url="u", kind="feed").id == "fixed"


def test_payload_excludes_envelope_metadata_and_round_trips():
    e = LettersExtracted(article_id="a1", extractor_version="1.0", correlation_id="c",
                         letters=(Finding("Xi Jinping", "Kim Jong Un", "message", "2019-06",
                                          None, "Xi sent a message.", 0, 18, 0.9),))
    data = e.data()
    assert "id" not in data and "correlation_id" not in data
    assert decode("LettersExtracted", 1, data, id=e.id, correlation_id="c") == e


def test_every_registered_type_has_a_name_and_version():
    types = known_types()
    assert {"SourceAdded", "PageFetched", "ArticleExtracted", "LettersExtracted"} <= set(types)
    for name, cls in types.items():
        assert name == cls.TYPE and cls.VERSION >= 1


def test_an_old_source_added_is_upcast_to_the_current_schema():
    old = {"source_id": "s", "url": "https://x.example/feed", "kind": "feed",
           "interval_minutes": 15}
    e = decode("SourceAdded", 1, old, id="x")
    assert e.interval_seconds == 900 and e.enabled is True


def test_a_type_from_a_newer_release_decodes_as_unknown():
    e = decode("SourceAdded", 99, {"whatever": 1}, id="x")
    assert isinstance(e, UnknownEvent) and e.type_version == 99


def test_url_key_is_stable_and_short():
    assert url_key("https://x.example/a") == url_key("https://x.example/a")
    assert url_key("https://x.example/a") != url_key("https://x.example/b")
    assert len(url_key("https://x.example/a")) == 20
