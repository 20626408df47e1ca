"""The lock files (requirements/, written by bin/lock) say what the ranges in the
pyproject files allow, and the parts run exactly the versions the tests run (dev.txt).
A range edited without running bin/lock fails here, before an install would."""

import ast
import importlib.metadata
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
CLIENT = tomllib.loads((ROOT / "clients" / "python" / "pyproject.toml").read_text())["project"]


def requirements(project: dict, *extras: str) -> list[Requirement]:
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


# Each lock file and the requirements it answers; dev.txt is what bin/setup installs.
LOCKS = {
    "dev.txt": requirements(PROJECT, "api", "pollserver", "test", "dev")
    + requirements(CLIENT, "test"),
    "api.txt": requirements(PROJECT, "api"),
    "pollserver.txt": requirements(PROJECT, "pollserver"),
    "client.txt": requirements(CLIENT),
    "client-test.txt": requirements(CLIENT, "test"),
}


def pins(lock: str) -> dict[str, str]:
    """name -> version of every package a lock file pins, each pin with its hashes."""
    found = {}
    lines = (REQUIREMENTS / lock).read_text().splitlines()
    for number, line in enumerate(lines):
        if line and not line[0].isspace() and not line.startswith("#"):
            requirement = line.split(" ")[0]
            name, version = requirement.split("==")
            assert "--hash=sha256:" in lines[number + 1], f"{lock}: {requirement} has no hash"
            found[canonicalize_name(name)] = version
    return found


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_a_lock_pins_every_requirement_within_its_range(lock):
    pinned = pins(lock)
    outside = {}
    for requirement in LOCKS[lock]:
        version = pinned.get(canonicalize_name(requirement.name))  # None: not in the lock
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            outside[str(requirement)] = version
    assert outside == {}, f"run bin/lock: {lock} does not satisfy these ranges"


@pytest.mark.parametrize("lock", sorted(set(LOCKS) - {"dev.txt"}))
def test_the_parts_run_the_versions_the_tests_run(lock):
    development = pins("dev.txt")
    assert {name: version for name, version in pins(lock).items()
            if development.get(name) != version} == {}


def test_the_poll_server_and_client_parts_hold_nothing_of_the_api():
    api_only = {"django", "django-ninja", "psycopg", "mini-racer", "pyicu", "gunicorn"}
    assert api_only <= set(pins("api.txt"))
    assert api_only & set(pins("pollserver.txt")) == set()
    assert (api_only | {"tornado", "redis"}) & set(pins("client.txt")) == set()


def test_mini_racer_stays_at_the_version_the_renderer_was_tested_with():
    # A new release of this native library can crash the API process (bench/RENDERING.md):
    # it moves only by a deliberate edit of pyproject.toml and the renderer tests.
    assert pins("dev.txt")["mini-racer"] == pins("api.txt")["mini-racer"] == "0.14.1"


SOURCES = {  # the packages each part runs, and where they live
    "pollserver.txt": [ROOT / "src" / "pollserver", ROOT / "src" / "realtime_core"],
    "api.txt": [path.parent for path in (ROOT / "src").glob("*/__init__.py")
                if path.parent.name != "pollserver"] + [ROOT / "gunicorn.conf.py"],
    "client.txt": [ROOT / "clients" / "python" / "src" / "marginalia_client"],
}


def third_party_imports(sources: list[Path]) -> set[str]:
    ours = {path.parent.name for source in (ROOT / "src", ROOT / "clients" / "python" / "src")
            for path in source.glob("*/__init__.py")}
    found = set()
    for source in sources:
        for path in [source] if source.is_file() else source.rglob("*.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return found - ours - set(sys.stdlib_module_names)


@pytest.mark.parametrize("lock", sorted(SOURCES))
def test_every_module_a_part_imports_is_installed_by_its_lock(lock):
    """A poll-server host installs pollserver.txt alone: an import of Django (or of
    anything else missing there) would fail only on that host, so it fails here."""
    distributions = importlib.metadata.packages_distributions()
    missing = {
        module: sorted(distributions.get(module, ["(not installed)"]))
        for module in third_party_imports(SOURCES[lock])
        if not {canonicalize_name(name) for name in distributions.get(module, [])} & set(pins(lock))
    }
    assert missing == {}
