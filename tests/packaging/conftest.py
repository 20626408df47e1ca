"""Clean virtual environments holding one part of the project each, installed as a host
would install it: the part's lock file (hashes checked), then the part's own wheel.

Fast and offline after the first run: the wheels the locks name are downloaded once into
.venv/wheelhouse (hash-checked by pip), and every environment installs from there with
--no-index. The environments are made without pip (`venv --without-pip`, milliseconds);
the checkout's pip installs into them (`pip --python`)."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
WHEELHOUSE = ROOT / ".venv" / "wheelhouse"
PARTS = ("pollserver", "client", "client-test")


def pip(*args: str, python: Path | None = None) -> str:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    if python is not None:
        command += ["--python", str(python)]
    done = subprocess.run([*command, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"pip {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def clean_env() -> dict[str, str]:
    """The environment without what bin/test adds for the checkout (PYTHONPATH=src), so
    nothing but the virtual environment's own site-packages can be imported."""
    return {name: value for name, value in os.environ.items()
            if name not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE"}}


def locked_names(lock: Path) -> set[str]:
    """The distribution names a lock file pins, normalised."""
    return {normalise(line.split("==")[0]) for line in lock.read_text().splitlines()
            if line and not line[0].isspace() and not line.startswith("#")}


def normalise(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


@pytest.fixture(scope="session")
def wheelhouse() -> Path:
    """Every wheel the parts' locks name, downloaded once per version of the locks."""
    digest = hashlib.sha1(b"".join((REQUIREMENTS / f"{part}.txt").read_bytes()
                                   for part in PARTS)).hexdigest()[:12]
    complete = WHEELHOUSE / f".complete-{digest}"
    if not complete.exists():
        for part in PARTS:
            pip("download", "--quiet", "--require-hashes", "--only-binary", ":all:",
                "-r", str(REQUIREMENTS / f"{part}.txt"), "-d", str(WHEELHOUSE))
        complete.touch()
    return WHEELHOUSE


@pytest.fixture(scope="session")
def wheels(tmp_path_factory) -> dict[str, Path]:
    """The project's and the client's wheels, built from copies of their sources (the
    checkout stays free of build/ folders), with the checkout's setuptools: offline."""
    out = tmp_path_factory.mktemp("wheels")
    sources = tmp_path_factory.mktemp("sources")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    shutil.copytree(ROOT / "clients" / "python", sources / "client", ignore=ignore)
    shutil.copytree(ROOT / "src", sources / "server" / "src", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", sources / "server")
    for name in ("client", "server"):
        pip("wheel", "--quiet", "--no-deps", "--no-index", "--no-build-isolation",
            "-w", str(out), str(sources / name))
    return {
        "client": next(out.glob("marginalia_client-*.whl")),
        "server": next(out.glob("marginalia-*.whl")),
    }


class Environment:
    def __init__(self, path: Path, wheelhouse: Path):
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True,
                       timeout=60)
        self.path = path
        self.python = path / "bin" / "python"
        self.wheelhouse = wheelhouse

    def install(self, *args: str) -> None:
        pip("install", "--quiet", "--no-index", "--find-links", str(self.wheelhouse), *args,
            python=self.python)

    def installed(self) -> set[str]:
        listed = json.loads(pip("list", "--format=json", python=self.python))
        return {normalise(item["name"]) for item in listed} - {"pip", "setuptools"}

    def run(self, *args: str, **options) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.python), *args], capture_output=True, text=True,
                              env=clean_env(), cwd=self.path, timeout=60, **options)

    def can_import(self, module: str) -> bool:
        return self.run("-c", f"import {module}").returncode == 0


@pytest.fixture
def environment(tmp_path, wheelhouse):
    return Environment(tmp_path / "venv", wheelhouse)
