"""The command line over the log: count, tail, show, projections, rebuild, letters."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from events import ArticleExtracted, Finding, LettersExtracted, SourceAdded
from service.cli import app
from service.settings import get_settings
from store.sqlite import SQLiteStore

runner = CliRunner()


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "cli.db"
    monkeypatch.setenv("LETTERWATCH_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    with SQLiteStore(path) as store:
        store.append("source-kcna", [SourceAdded(source_id="kcna", url="https://kcna.example/rss",
                                                 kind="feed")])
        store.append("article-a1", [
            ArticleExtracted(article_id="a1", url="https://news.example/a1", text="…",
                             extractor_version="1", published="2019-08-10", site_name="News"),
            LettersExtracted(article_id="a1", extractor_version="1", letters=(
                Finding("Kim Jong Un", "Donald Trump", "letter", "2019-08", None,
                        "Kim sent Trump a letter in August."),)),
        ])
    yield path
    get_settings.cache_clear()


def test_events_count_lists_types_and_total(db):
    result = runner.invoke(app, ["events", "count"])
    assert result.exit_code == 0, result.output
    assert "SourceAdded" in result.output and "LettersExtracted" in result.output
    assert "head position: 3" in result.output


def test_events_tail_json_prints_one_event_per_line(db):
    result = runner.invoke(app, ["events", "tail", "-n", "2", "--json"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [e["position"] for e in lines] == [2, 3]
    assert lines[1]["data"]["letters"][0]["sender"] == "Kim Jong Un"


def test_events_show_by_position_and_unknown_id(db):
    shown = json.loads(runner.invoke(app, ["events", "show", "1"]).output)
    assert shown["type"] == "SourceAdded" and shown["data"]["source_id"] == "kcna"
    missing = runner.invoke(app, ["events", "show", "no-such-event"])
    assert missing.exit_code == 1 and "no event" in missing.output


def test_letters_json_folds_the_log_first(db):
    result = runner.invoke(app, ["letters", "--json"])
    assert result.exit_code == 0, result.output
    (letter,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (letter["sender"], letter["recipient"], letter["date"]) == (
        "Kim Jong Un", "Donald Trump", "2019-08")
    assert letter["sources"][0]["url"] == "https://news.example/a1"


def test_letters_filtered_by_person_is_case_insensitive(db):
    assert "Kim Jong Un" in runner.invoke(app, ["letters", "--person", "donald trump"]).output
    assert "Kim Jong Un" not in runner.invoke(app, ["letters", "--person", "Xi Jinping"]).output


def test_projections_shows_checkpoints_and_lag(db):
    runner.invoke(app, ["letters"])
    result = runner.invoke(app, ["projections"])
    assert "letters" in result.output and "log head: 3" in result.output


def test_rebuild_of_one_projection_without_reextraction(db):
    result = runner.invoke(app, ["rebuild", "letters", "--no-reextract"])
    assert result.exit_code == 0, result.output
    assert "rebuilt letters: 2 events folded" in result.output


def test_rebuild_of_an_unknown_projection_is_refused(db):
    result = runner.invoke(app, ["rebuild", "nope"])
    assert result.exit_code == 2 and "unknown projection" in result.output


def test_an_unusable_database_url_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("LETTERWATCH_DATABASE_URL", f"sqlite:///{tmp_path}/missing/dir/x.db")
    get_settings.cache_clear()
    result = runner.invoke(app, ["events", "count"])
    get_settings.cache_clear()
    assert result.exit_code == 2 and "cannot open the database" in result.output


def test_letters_take_the_api_filters_and_print_csv(db):
    # Names match as the API matches them: case, spaces, hyphens and dots aside.
    assert "Kim Jong Un" in runner.invoke(app, ["letters", "--sender", "kim jong-un"]).output
    assert "Kim Jong Un" not in runner.invoke(app, ["letters", "--recipient", "kim jong un"]).output
    assert "Kim Jong Un" not in runner.invoke(app, ["letters", "--since", "2020"]).output
    result = runner.invoke(app, ["letters", "--csv", "--kind", "letter"])
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()
    assert header.startswith("letter_id,date,kind,sender,recipient")
    assert ",2019-08,letter,Kim Jong Un,Donald Trump," in row
    bad = runner.invoke(app, ["letters", "--since", "August"])
    assert bad.exit_code == 2 and "not a date" in bad.output
