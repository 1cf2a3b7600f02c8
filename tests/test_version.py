"""The version lives in pyproject.toml only; the command, the API and the User-Agent read the
installed package's metadata."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

from fastapi.testclient import TestClient
from test_api_support import settings

from scrapers.policy import DEFAULT_USER_AGENT, VERSION
from service.api import create_app
from store import open_store

ROOT = Path(__file__).resolve().parents[1]
DECLARED = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_the_installed_version_is_the_declared_one():
    assert VERSION == version("letterwatch") == DECLARED


def test_the_command_the_api_and_the_user_agent_say_it(tmp_path):
    out = subprocess.run([str(Path(sys.executable).parent / "letterwatch"), "--version"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"letterwatch {DECLARED}"
    assert DEFAULT_USER_AGENT.startswith(f"letterwatch/{DECLARED} ")
    with open_store(str(tmp_path / "v.db")) as store, \
            TestClient(create_app(settings(), store=store)) as client:
        assert client.get("/openapi.json").json()["info"]["version"] == DECLARED


def test_no_other_file_writes_the_version_out():
    written = [str(p.relative_to(ROOT)) for pkg in ("events", "store", "scrapers", "service")
               for p in (ROOT / pkg).rglob("*.py") if f'"{DECLARED}"' in p.read_text()]
    assert written == []
