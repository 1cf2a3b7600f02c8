"""The import-warc and export commands, run as a user would: a summary table, bad input
named, the filters' options, and a data package written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sites import seed_page, seeds
from typer.testing import CliRunner
from warcs import Capture, write_warc

from service.cli import app
from service.settings import get_settings

runner = CliRunner()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("LETTERWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def archive(tmp_path: Path) -> Path:
    captures = [Capture(f"https://news.example/{s['id']}", seed_page(s).encode(),
                        date=f"2019-0{i + 1}-10T00:00:00Z") for i, s in enumerate(seeds())]
    captures.append(Capture("https://news.example/gone", b"<html>gone</html>", status=404))
    return write_warc(tmp_path / "seeds.warc.gz", captures)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_import_prints_a_summary_and_a_second_run_finds_everything_imported(env: Path):
    path = archive(env)
    result = runner.invoke(app, ["import-warc", str(path)])
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "records read │ 6" in out and "pages recorded │ 5" in out
    assert "skipped: HTTP 404 │ 1" in out
    again = runner.invoke(app, ["import-warc", str(path)])
    assert "already imported │ 5" in flat(again.output) and "pages recorded │ 0" in flat(
        again.output)


def test_an_unreadable_file_is_named_and_the_others_imported(env: Path):
    junk = env / "junk.warc.gz"
    junk.write_bytes(b"not an archive at all\n" * 10)
    result = runner.invoke(app, ["import-warc", "--json", str(junk), str(archive(env))])
    assert result.exit_code == 1
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["pages"] == 5 and report["bad"] == {"file is not an archive": 1}
    assert report["problems"][0][0] == str(junk)


def test_filter_options_reach_the_import(env: Path):
    hosts = env / "hosts.txt"
    hosts.write_text("other.example\n")
    result = runner.invoke(app, ["import-warc", "--json", "--hosts-file", str(hosts),
                                 str(archive(env))])
    assert json.loads(result.stdout.splitlines()[-1])["skipped"] == {"host": 6}
    result = runner.invoke(app, ["import-warc", "--json", "--since", "2019-02", "--until",
                                 "2019-03", "--language", "en", str(archive(env))])
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["pages"] == 2 and report["skipped"]["date"] == 4
    bad = runner.invoke(app, ["import-warc", "--since", "last week", str(archive(env))])
    assert bad.exit_code == 2 and "not a date" in flat(bad.output)


def test_export_writes_the_package(env: Path):
    runner.invoke(app, ["import-warc", str(archive(env))])
    result = runner.invoke(app, ["export", str(env / "dataset"), "--no-parquet"])
    assert result.exit_code == 0, result.output
    assert "written to" in flat(result.output)
    package = json.loads((env / "dataset" / "datapackage.json").read_text())
    assert [r["name"] for r in package["resources"]] == ["letters", "sources", "people"]
    assert not list((env / "dataset").glob("*.parquet"))
