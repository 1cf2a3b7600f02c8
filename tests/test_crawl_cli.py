"""The crawl, reextract and extract-articles commands, run as a user would."""

from __future__ import annotations

import json

import pytest
from sites import Site, rss, seed_page, seeds, site  # noqa: F401 - fixture
from typer.testing import CliRunner

from service.cli import app
from service.settings import get_settings

runner = CliRunner()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("LETTERWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("LETTERWATCH_ALLOW_PRIVATE", '["127.0.0.1"]')
    monkeypatch.setenv("LETTERWATCH_PER_HOST_DELAY", "0")
    monkeypatch.setenv("LETTERWATCH_MAX_RETRIES", "0")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_crawl_syncs_the_sources_file_then_crawls_and_summarises(site: Site, env):
    seed = seeds()[1]
    site.page("/a.html", seed_page(seed))
    site.page("/feed.xml", rss([("a", site.url("/a.html")), ("gone", site.url("/gone.html"))]),
              content_type="application/rss+xml")
    sources = env / "sources.toml"
    sources.write_text(f'[[source]]\nid = "news"\nurl = "{site.url("/feed.xml")}"\n')
    result = runner.invoke(app, ["crawl", "--sources-file", str(sources)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "1 change(s) recorded" in flat
    assert "news" in flat and "gone.html: http_404" in flat
    row = next(line for line in result.output.splitlines() if "total" in line)
    assert [c for c in row.replace("│", " ").split() if c.isdigit()][:6] == \
        ["2", "1", "0", "1", "0", "1"]

    again = runner.invoke(app, ["crawl", "--source", "news"])
    assert again.exit_code == 0 and site.hits["/a.html"] == 1
    unknown = runner.invoke(app, ["crawl", "--source", "nope"])
    assert unknown.exit_code == 2 and "no such source: nope" in " ".join(unknown.output.split())


def test_a_bad_sources_file_is_reported_with_its_line(env):
    bad = env / "bad.toml"
    bad.write_text('[[source]]\nid = "x"\nurl = "https://example.com/f"\nkind = "rss"\n')
    result = runner.invoke(app, ["crawl", "--sources-file", str(bad)])
    assert result.exit_code == 2 and "bad.toml:4" in "".join(result.output.split())


def test_reextract_reports_what_it_did(env):
    result = runner.invoke(app, ["reextract"])
    assert result.exit_code == 0 and "0 article(s) re-extracted" in result.output


def test_extract_articles_prints_one_line_per_page(env):
    path = env / "in.jsonl"
    path.write_text(json.dumps({"id": "x", "html": seed_page(seeds()[0])}) + "\n")
    result = runner.invoke(app, ["extract-articles", str(path)])
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["id"] == "x" and "Vladimir Putin" in json.loads(line)["text"]
