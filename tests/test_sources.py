"""Sources: a TOML file checked field by field, and the log kept in step with it."""

import pytest

from events import SourceAdded, SourceChanged, SourceRemoved
from scrapers.sources import SourcesFileError, SourceSpec, load_sources_file, sync_sources
from store import open_store

GOOD = """
# our sources
[[source]]
id = "dna-world"
url = "https://www.dnaindia.com/feeds/world.xml?utm_source=x"
kind = "feed"
interval = "30m"

[[source]]
id = "rt-sitemap"
url = "https://www.rt.com/sitemap_news.xml"
kind = "sitemap"
interval = 900
may_change = true
name = "RT news sitemap"

[[source]]
id = "picks"
url = "https://example.com/picks.txt"
kind = "urls"
enabled = false
"""


def write(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_gives_specs_with_defaults(tmp_path):
    specs = load_sources_file(write(tmp_path, GOOD))
    assert specs[0] == SourceSpec("dna-world", "https://www.dnaindia.com/feeds/world.xml",
                                  "feed", 1800)
    assert specs[1].interval_seconds == 900 and specs[1].may_change and specs[1].name
    assert specs[2].kind == "urls" and not specs[2].enabled and specs[2].interval_seconds == 3600


@pytest.mark.parametrize("text,expected", [
    ('[[source]]\nid = "a"\nurl = "https://x.com/f"\nkind = "rss"\n',
     ":4: source #1, field 'kind': 'rss' is not one of feed, sitemap, urls, site"),
    ('[[source]]\nid = "a"\nurl = "https://x.com/f"\n\n[[source]]\nid = "b"\nurl = "ftp://x.com/f"\n',
     ":7: source #2, field 'url': not an http(s) URL"),
    ('[[source]]\nid = "a"\nurl = "https://x.com/f"\nintervall = 60\n',
     ":4: source #1, field 'intervall': unknown field (did you mean 'interval'?)"),
    ('[[source]]\nid = "a"\nurl = "https://x.com/f"\ninterval = "soon"\n',
     ":4: source #1, field 'interval': 'soon' is not a duration"),
    ('[[source]]\nid = "a"\n', ":1: source #1 has no 'url'"),
    ('[[source]]\nid = "a b"\nurl = "https://x.com/f"\n', ":2: source #1, field 'id'"),
    ('[[source]]\nid = "a"\nurl = "https://x.com/f"\n[[source]]\nid = "a"\nurl = "https://y.com/f"\n',
     ":5: source id 'a' is already used on line 2"),
    ('[[source]\nid = "a"\n', "not valid TOML"),
    ('[[source]]\nid = "a"\nurl = "https://x.com/f"\nenabled = "yes"\n',
     ":4: source #1, field 'enabled': must be true or false"),
])
def test_errors_name_the_file_line_and_field(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(SourcesFileError) as err:
        load_sources_file(path)
    assert str(err.value).startswith(str(path))
    assert expected in str(err.value)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SourcesFileError, match="cannot read"):
        load_sources_file(tmp_path / "nope.toml")


def test_sync_appends_only_what_differs(tmp_path):
    store = open_store(str(tmp_path / "s.db"))
    specs = load_sources_file(write(tmp_path, GOOD))
    added = sync_sources(store, specs)
    assert [type(e) for e in added] == [SourceAdded] * 3
    assert sync_sources(store, specs) == []  # already in step: nothing appended

    changed = [specs[0], SourceSpec("rt-sitemap", specs[1].url, "sitemap", 600,
                                    may_change=True, name="RT news sitemap")]
    events = sync_sources(store, changed)
    assert [type(e) for e in events] == [SourceChanged, SourceRemoved]
    assert events[0].changes == {"interval_seconds": 600}
    assert events[1].source_id == "picks"
    assert [r.type for r in store.read_stream("source-picks")] == ["SourceAdded", "SourceRemoved"]

    again = sync_sources(store, specs)  # a removed source comes back as added
    assert [type(e) for e in again] == [SourceChanged, SourceAdded]
    store.close()
