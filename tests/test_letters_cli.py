"""The JSON-lines front end: one result line per article, bad lines reported and skipped."""
from __future__ import annotations

import io
import json

from scrapers.letters.cli import extract_letters_jsonl, main


def run(lines: list[str]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    n = extract_letters_jsonl(io.StringIO("\n".join(lines) + "\n"), out)
    return n, [json.loads(x) for x in out.getvalue().splitlines()]


def test_writes_the_format_the_scorer_reads():
    n, rows = run([json.dumps({"id": "a1", "text": "Kim Jong Un sent a letter to Xi Jinping on Monday.",
                               "published": "2019-06-20", "url": "https://example.org/x"})])
    assert n == 1
    assert rows[0]["id"] == "a1"
    letter = rows[0]["letters"][0]
    for key in ("sender", "recipient", "kind", "date", "via", "evidence"):
        assert key in letter
    assert (letter["sender"], letter["recipient"], letter["date"]) == ("Kim Jong Un", "Xi Jinping", "2019-06-17")


def test_bad_lines_are_reported_with_their_number_and_the_run_goes_on(capsys):
    n, rows = run([
        "{not json",
        json.dumps({"id": 7, "text": None}),
        json.dumps([1, 2]),
        "",
        json.dumps({"id": "ok", "text": "Moon Jae-in wrote to Kim Jong Un."}),
    ])
    err = capsys.readouterr().err
    assert "line 1" in err and "not JSON" in err
    assert "line 2" in err and '"text" must be a string' in err
    assert "line 3" in err and "JSON object" in err
    assert n == 2
    assert rows[0] == {"id": 7, "letters": [], "error": 'line 2: "text" must be a string'}
    assert rows[1]["id"] == "ok" and rows[1]["letters"][0]["sender"] == "Moon Jae-in"


def test_main_reports_an_unreadable_file(capsys, tmp_path):
    assert main([str(tmp_path / "missing.jsonl")]) == 1
    assert "cannot read" in capsys.readouterr().err
    assert main([]) == 2


DENIAL = ("Kim Jong Un sent a letter to Xi Jinping on Monday. "
          "Moon Jae-in did not send a letter to Shinzo Abe, his office said.")


def test_denied_letters_are_printed_only_with_all_and_carry_their_status(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "d", "text": DENIAL, "published": "2019-06-20"}) + "\n", encoding="utf-8")
    assert main([str(src)]) == 0
    default = json.loads(capsys.readouterr().out)["letters"]
    assert [(x["sender"], x["status"]) for x in default] == [("Kim Jong Un", "reported")]
    assert main(["--all", str(src)]) == 0
    every = json.loads(capsys.readouterr().out)["letters"]
    assert {(x["sender"], x["recipient"], x["status"]) for x in every} == {
        ("Kim Jong Un", "Xi Jinping", "reported"), ("Moon Jae-in", "Shinzo Abe", "denied")}
    assert all(x["sender_type"] == "person" for x in every)


def test_the_letterwatch_command_takes_all_too(tmp_path):
    from typer.testing import CliRunner

    from service.cli import app

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "d", "text": DENIAL, "published": "2019-06-20"}) + "\n", encoding="utf-8")
    runner = CliRunner()
    default = runner.invoke(app, ["extract-letters", str(src)])
    every = runner.invoke(app, ["extract-letters", "--all", str(src)])
    assert default.exit_code == 0 and every.exit_code == 0
    assert {x["status"] for x in json.loads(default.stdout)["letters"]} == {"reported"}
    assert {x["status"] for x in json.loads(every.stdout)["letters"]} == {"reported", "denied"}
