"""The lock in requirements/: every dependency pyproject.toml declares is locked, at a version
its range admits, with hashes; and the installs (make, CI, the image) read it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCKS = {"runtime": [], "test": ["test"], "bench": ["test", "bench"]}


def locked(name: str) -> dict[str, str]:
    """{package: version} of one lock file, which must pin every package with hashes."""
    text = (ROOT / "requirements" / f"{name}.txt").read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", text, re.M))
    assert pins, f"requirements/{name}.txt pins nothing"
    entries = re.split(r"\n(?=[A-Za-z])", text.split("\n", 2)[2])
    unhashed = [e.split()[0] for e in entries if e.strip() and "--hash=sha256:" not in e]
    assert not unhashed, f"locked without a hash: {unhashed}"
    return {canonicalize_name(k): v for k, v in pins.items()}


@pytest.mark.parametrize("lock", LOCKS)
def test_every_declared_dependency_is_locked_within_its_range(lock):
    pins = locked(lock)
    wanted = list(PROJECT["dependencies"])
    for extra in LOCKS[lock]:
        wanted += PROJECT["optional-dependencies"][extra]
    for spec in map(Requirement, wanted):
        name = canonicalize_name(spec.name)
        assert name in pins, f"{spec.name} is declared but not in requirements/{lock}.txt: " \
            "run `make lock`"
        assert spec.specifier.contains(pins[name], prereleases=True), \
            f"{spec.name} is locked at {pins[name]}, outside {spec.specifier}: run `make lock`"


def test_the_locks_agree_on_every_shared_package():
    runtime, test, bench = (locked(name) for name in LOCKS)
    assert {k: test[k] for k in runtime} == runtime
    assert {k: bench[k] for k in test} == test


def test_make_ci_and_the_image_install_from_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements/test.txt" in makefile
    assert re.search(r"^lock:", makefile, re.M)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements/runtime.txt" in dockerfile
    assert re.search(r"pip install .*--no-deps \.", dockerfile)
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "lowest-direct" in ci


def test_the_licence_file_is_the_one_pyproject_declares():
    assert PROJECT["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
