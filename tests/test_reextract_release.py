"""``letterwatch reextract`` on a log written by release 1.1.0 of the letters extractor.

tests/fixtures/release-1.1.0.sqlite is that release's own database (written by
tests/fixtures/make_release_log.py): three pages of the demo site crawled, their raw pages,
text and letters in the log, the projections as that release folded them. A newer extractor
must bring every stored page's letters up to its version from what is stored, without
fetching anything: its findings stand in the log next to the old ones, the projections show
them, and every letter keeps its id.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from folding import projection_rows
from typer.testing import CliRunner

import scrapers.extract
import scrapers.letters
import scrapers.reextract
from events.projections import ALL, LETTERS
from service.cli import app
from service.settings import get_settings
from store.projector import rebuild
from store.sqlite import SQLiteStore

FIXTURE = Path(__file__).parent / "fixtures" / "release-1.1.0.sqlite"
OLD, NEW = "1.1.0", "1.2.0"
runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch) -> Iterator[Path]:
    """A copy of the release's database, as the configured one; any fetch fails the test."""
    path = tmp_path / "release.db"
    shutil.copy(FIXTURE, path)
    monkeypatch.setenv("LETTERWATCH_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()

    def no_fetching(*args, **kwargs):
        raise AssertionError("re-extraction fetched something")

    monkeypatch.setattr(httpx.AsyncClient, "send", no_fetching)
    monkeypatch.setattr(httpx.Client, "send", no_fetching)
    yield path
    get_settings.cache_clear()


def release_findings() -> dict[str, tuple]:
    """What release 1.1.0 found in each article's text, as its log recorded it."""
    with SQLiteStore(FIXTURE) as store:
        texts = {r.event.article_id: r.event.text
                 for r in store.read_all(types=frozenset({"ArticleExtracted"}))}
        return {texts[r.event.article_id]: r.event.letters
                for r in store.read_all(types=frozenset({"LettersExtracted"}))}


def new_letters_extractor(monkeypatch) -> None:
    """Extractor 1.2.0: what 1.1.0 found, except that it reads Xi Jinping's messages as
    claimed by the sender's side, so its findings differ where it matters. (Played back
    from the log rather than run, so the test holds whatever the extractor of the day finds.)"""
    found = release_findings()

    def extract_letters(text, *, title=None, published=None):
        return [replace(f, status="claimed") if f.sender == "Xi Jinping" else f
                for f in found.get(text, ())]

    monkeypatch.setattr(scrapers.letters, "EXTRACTOR_VERSION", NEW)
    monkeypatch.setattr(scrapers.letters, "extract_letters", extract_letters)


def letters_events(store) -> list[tuple[str, str]]:
    return [(r.event.article_id, r.event.extractor_version)
            for r in store.read_all(types=frozenset({"LettersExtracted"}))]


def test_the_release_log_is_what_that_release_wrote():
    with SQLiteStore(FIXTURE) as store:
        assert {v for _, v in letters_events(store)} == {OLD}
        assert len(letters_events(store)) == 3
        assert store.checkpoint("letters").version == 2  # folded before status existed
        assert len(store.query("SELECT sha256 FROM pages")) == 3  # the raw pages are kept


def test_reextract_brings_every_pages_letters_to_the_new_version_without_fetching(
        db: Path, monkeypatch):
    with SQLiteStore(db) as store:
        before = {(r["sender"], r["recipient"], r["kind"], r["date"]): r["letter_id"]
                  for r in store.query("SELECT * FROM p_letters_letters")}
        old_events = letters_events(store)
        fetched = len(list(store.read_all(types=frozenset({"PageFetched"}))))
    assert len(before) == 5

    new_letters_extractor(monkeypatch)
    result = runner.invoke(app, ["reextract"])
    assert result.exit_code == 0, result.output
    assert "0 article(s) re-extracted with text extractor" in result.output
    assert f"3 article(s) had their letters read again by letters extractor {NEW}" in \
        result.output

    with SQLiteStore(db) as store:
        # The new findings stand in the log next to the old ones; nothing was fetched.
        events = letters_events(store)
        assert events[:3] == old_events
        assert sorted(events[3:]) == sorted((a, NEW) for a, _ in old_events)
        assert len(list(store.read_all(types=frozenset({"PageFetched"})))) == fetched

        # The projections now show the new version's findings (the command folded them,
        # rebuilding the letters projection, whose fold changed since the release).
        assert store.checkpoint("letters").version == LETTERS.version
        assert store.checkpoint("letters").position == store.head()
        refs = store.query("SELECT extractor_version FROM p_letters_article_refs")
        assert {r["extractor_version"] for r in refs} == {NEW}
        articles = store.query("SELECT letters_version FROM p_articles_articles")
        assert {r["letters_version"] for r in articles} == {NEW}
        rows = store.query("SELECT * FROM p_letters_letters")
        after = {(r["sender"], r["recipient"], r["kind"], r["date"]): r for r in rows}
        assert {k: r["letter_id"] for k, r in after.items()} == before  # ids kept
        assert {(k[0], r["status"]) for k, r in after.items()} == {
            ("Kim Jong Un", "reported"), ("Xi Jinping", "claimed")}

        # Folding the whole log again gives exactly what the incremental fold gave.
        incremental = projection_rows(store)
        for p in ALL.values():
            rebuild(store, p)
        assert projection_rows(store) == incremental

    # Everything is at the new version now: a second run has nothing to do.
    again = runner.invoke(app, ["reextract"])
    assert again.exit_code == 0, again.output
    assert "0 article(s) had their letters read again" in again.output


def test_a_new_text_extractor_rereads_the_stored_pages_and_their_letters(db: Path, monkeypatch):
    monkeypatch.setattr(scrapers.extract, "EXTRACTOR_VERSION", "99.0.0")
    monkeypatch.setattr(scrapers.reextract, "EXTRACTOR_VERSION", "99.0.0")
    new_letters_extractor(monkeypatch)
    result = runner.invoke(app, ["reextract"])
    assert result.exit_code == 0, result.output
    assert "3 article(s) re-extracted with text extractor 99.0.0" in result.output
    # The letters were read from the new text in the same step: none is left behind.
    assert "0 article(s) had their letters read again" in result.output
    with SQLiteStore(db) as store:
        versions = store.query("SELECT extractor_version, letters_version "
                               "FROM p_articles_articles")
        assert {(r["extractor_version"], r["letters_version"]) for r in versions} == {
            ("99.0.0", NEW)}
        assert {v for _, v in letters_events(store)[3:]} == {NEW}


def test_letters_only_and_text_only_runs(db: Path, monkeypatch):
    new_letters_extractor(monkeypatch)
    monkeypatch.setattr(scrapers.reextract, "EXTRACTOR_VERSION", "99.0.0")
    text_only = runner.invoke(app, ["reextract", "--no-letters"])
    assert text_only.exit_code == 0, text_only.output
    assert "had their letters read again" not in text_only.output
    with SQLiteStore(db) as store:
        # The text step reads letters from the new text with the extractor of the day.
        assert len(letters_events(store)) == 6
    letters_only = runner.invoke(app, ["reextract", "--no-text"])
    assert "re-extracted with text extractor" not in letters_only.output
    assert "0 article(s) had their letters read again" in letters_only.output
