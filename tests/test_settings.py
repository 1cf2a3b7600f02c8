"""Settings from LETTERWATCH_* variables: a bad value is one line naming the variable, the value
and the form it should take (exit code 2 from any command); list settings take commas."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.settings import SettingsInvalid, get_settings, load_settings

BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("LETTERWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env file from the working directory
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


# One case per kind of setting: (variable, bad value, what the message must say it expects).
BAD = [
    ("LETTERWATCH_PORT", "abc", "expected a whole number"),
    ("LETTERWATCH_CONCURRENCY", "2.5", "expected a whole number (requests in flight overall)"),
    ("LETTERWATCH_CONCURRENCY", "0", "expected a number greater than or equal to 1"),
    ("LETTERWATCH_WORKER_METRICS_PORT", "70000", "expected a number less than or equal to 65535"),
    ("LETTERWATCH_PER_HOST_DELAY", "fast",
     "expected a number (seconds between requests to a host)"),
    ("LETTERWATCH_POLL_JITTER", "2", "expected a number less than or equal to 1"),
    ("LETTERWATCH_API_FOLLOW", "maybe", "expected true or false"),
    ("LETTERWATCH_LOG_FORMAT", "xml", "expected 'text' or 'json'"),
    ("LETTERWATCH_ALLOW_PRIVATE", "[127.0.0.1", "expected comma-separated values or a JSON list"),
]


@pytest.mark.parametrize(("variable", "value", "expected"), BAD, ids=lambda v: str(v)[:24])
def test_a_bad_value_names_the_variable_the_value_and_the_form(monkeypatch, variable, value,
                                                               expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsInvalid) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{variable}={value!r} is not valid: ")
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize(("value", "hosts"), [
    ("127.0.0.1", ["127.0.0.1"]),
    ("127.0.0.1, 10.0.0.0/8,", ["127.0.0.1", "10.0.0.0/8"]),
    ('["127.0.0.1", "::1"]', ["127.0.0.1", "::1"]),
    ("", []),
])
def test_a_list_setting_takes_commas_or_a_json_list(monkeypatch, value, hosts):
    monkeypatch.setenv("LETTERWATCH_ALLOW_PRIVATE", value)
    assert load_settings().allow_private == hosts


def test_a_check_across_settings_speaks_for_itself(monkeypatch):
    from pydantic import model_validator

    from service import settings as module

    class Checked(module.Settings):
        @model_validator(mode="after")
        def _both(self):
            if self.read_token and not self.admin_token:
                raise ValueError("LETTERWATCH_READ_TOKEN needs LETTERWATCH_ADMIN_TOKEN too")
            return self

    monkeypatch.setattr(module, "Settings", Checked)
    monkeypatch.setenv("LETTERWATCH_READ_TOKEN", "r" * 20)
    with pytest.raises(SettingsInvalid) as caught:
        load_settings()
    assert str(caught.value) == "LETTERWATCH_READ_TOKEN needs LETTERWATCH_ADMIN_TOKEN too"


def test_good_values_of_each_kind_are_read(monkeypatch):
    monkeypatch.setenv("LETTERWATCH_PORT", "8080")
    monkeypatch.setenv("LETTERWATCH_PER_HOST_DELAY", "0.5")
    monkeypatch.setenv("LETTERWATCH_API_FOLLOW", "yes")
    monkeypatch.setenv("LETTERWATCH_LOG_FORMAT", "json")
    s = load_settings()
    assert (s.port, s.per_host_delay, s.api_follow, s.log_format) == (8080, 0.5, True, "json")


@pytest.mark.parametrize("command", [["projections"], ["serve"], ["crawl"]])
def test_every_command_ends_on_one_error_line_with_exit_code_2(tmp_path, command):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           "LETTERWATCH_ALLOW_PRIVATE": "[bold]x", "LETTERWATCH_PORT": "abc"}
    result = subprocess.run([str(BIN / "letterwatch"), *command], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    # The value as written, not taken for terminal markup.
    assert lines[0] == "error: LETTERWATCH_ALLOW_PRIVATE='[bold]x' is not valid: expected " \
        "comma-separated values or a JSON list"
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.glob("*.db"))  # nothing was opened or created
