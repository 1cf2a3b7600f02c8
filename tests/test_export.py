"""The dataset export: letters, their sources and the people as CSV with a Frictionless data
package that validates, describes every field and says what log position it reflects."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sites import seed_page, seeds
from warcs import Capture, write_warc

from scrapers.extract import EXTRACTOR_VERSION
from scrapers.policy import FetchPolicy
from scrapers.warc.importer import import_archives_sync
from service.export import TABLES, export_dataset
from store import Store


def imported(store: Store, tmp_path: Path) -> Store:
    captures = [Capture(f"https://news{i % 2}.example/{s['id']}", seed_page(
        s, site_name=f"Outlet {i % 2}").encode()) for i, s in enumerate(seeds())]
    import_archives_sync(store, [str(write_warc(tmp_path / "seeds.warc.gz", captures))],
                         FetchPolicy())
    return store


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_the_package_validates_and_describes_every_field(store: Store, tmp_path: Path):
    imported(store, tmp_path)
    out = tmp_path / "dataset"
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    report = export_dataset(store, out, now=when)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["letterwatch"]["log_position"] == store.head() == report.log_position
    assert package["letterwatch"]["exported_at"] == "2026-01-02T03:04:05Z"
    assert package["letterwatch"]["text_extractor_version"] == EXTRACTOR_VERSION
    assert package["letterwatch"]["letters_extractor_versions"]
    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == [c.name for c in TABLES[resource["name"]]]
        assert all(f["description"] and f["type"] for f in fields)
        with (out / resource["path"]).open(encoding="utf-8") as f:
            assert next(csv.reader(f)) == [f["name"] for f in fields]
    from frictionless import validate

    result = validate(out / "datapackage.json")
    assert result.valid, result.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_frictionless_command_accepts_the_package(sqlite_store: Store, tmp_path: Path):
    imported(sqlite_store, tmp_path)
    export_dataset(sqlite_store, tmp_path / "dataset")
    beside = Path(sys.executable).parent / "frictionless"  # the test environment's own
    tool = str(beside) if beside.exists() else shutil.which("frictionless")
    assert tool, "frictionless is installed with the test extras"
    done = subprocess.run([tool, "validate", "datapackage.json"], cwd=tmp_path / "dataset",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_rows_hold_the_letters_their_evidence_and_provenance(sqlite_store: Store,
                                                              tmp_path: Path):
    imported(sqlite_store, tmp_path)
    report = export_dataset(sqlite_store, tmp_path / "d")
    letters = rows(tmp_path / "d" / "letters.csv")
    sources = rows(tmp_path / "d" / "sources.csv")
    people = rows(tmp_path / "d" / "people.csv")
    stored = sqlite_store.query("SELECT letter_id FROM p_letters_letters")
    assert {r["letter_id"] for r in letters} == {r["letter_id"] for r in stored}
    assert (report.letters, report.sources, report.people) == (len(letters), len(sources),
                                                              len(people))
    assert {s["letter_id"] for s in sources} == {r["letter_id"] for r in letters}
    texts = {r["article_id"]: r["text"] for r in sqlite_store.query(
        "SELECT article_id, text FROM p_articles_articles")}
    for s in sources:
        assert s["outlet"] in ("Outlet 0", "Outlet 1")
        assert sqlite_store.get_page(s["page_sha256"]) is not None
        start, end = int(s["evidence_start"]), int(s["evidence_end"])
        if start >= 0:
            assert texts[s["article_id"]][start:end] == s["evidence"]
        assert int(s["article_position"]) < int(s["letters_position"]) <= report.log_position
    kim = next(p for p in people if p["person_id"] == "kimjongun")
    assert int(kim["sent"]) == sum(r["sender_id"] == "kimjongun" for r in letters)
    assert sum(int(p["sent"]) for p in people) == len(letters)


def test_parquet_copies_hold_the_same_rows(sqlite_store: Store, tmp_path: Path):
    pq = pytest.importorskip("pyarrow.parquet")
    imported(sqlite_store, tmp_path)
    report = export_dataset(sqlite_store, tmp_path / "d", parquet=True)
    assert report.parquet
    for name in TABLES:
        table = pq.read_table(tmp_path / "d" / f"{name}.parquet")
        assert table.num_rows == len(rows(tmp_path / "d" / f"{name}.csv"))
        assert table.column_names == [c.name for c in TABLES[name]]
    export_dataset(sqlite_store, tmp_path / "e", parquet=False)
    assert not list((tmp_path / "e").glob("*.parquet"))


def test_an_empty_log_exports_a_valid_empty_package(sqlite_store: Store, tmp_path: Path):
    from frictionless import validate

    report = export_dataset(sqlite_store, tmp_path / "d")
    assert (report.letters, report.log_position) == (0, 0)
    assert validate(tmp_path / "d" / "datapackage.json").valid
