"""The dependency direction the layout promises, one floor per layer, no exceptions.

Bottom to top on the Django side: the toolkit (errors, paging, limits, log lines)
imports nothing of ours; the realtime floor (outbox, relay, Redis connections)
imports only the toolkit and the realtime core, so the apps publish through it
without it knowing them; the apps (web among them: its pages read settings through
django.conf, never the shell) import the floors and each other; the realtime
endpoints read the apps' memberships; the shell (settings, URLs, API root) mounts
everything and nothing imports it but the entry points outside these packages
(manage.py, wsgi, gunicorn.conf.py). Beside them, framework-free: the realtime core
and the renderer import nothing of ours, the poll server only the realtime core,
and the Python client nothing of the server.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
# The Python client is a distribution of its own (clients/python), held to the same table.
SOURCES = [SRC, ROOT / "clients" / "python" / "src"]

APPS = {"accounts", "communities", "discussions", "notifications", "profiles", "search", "web"}
FLOORS = {"toolkit", "realtime", "realtime_core", "richtext"}

# Every package under src/ and the packages of ours it may import; any other is upward
# or sideways.
MAY_IMPORT = {
    "realtime_core": set(),
    "richtext": set(),
    "marginalia_client": set(),
    "pollserver": {"realtime_core"},
    "toolkit": set(),
    "realtime": {"toolkit", "realtime_core"},
    **{app: APPS | FLOORS for app in APPS},
    "realtime_endpoints": APPS | FLOORS,
    "marginalia": APPS | FLOORS | {"realtime_endpoints"},
}
# Frameworks a package must not import: each of these runs, or is called, outside Django.
FRAMEWORKS_REFUSED = {
    "realtime_core": {"django", "ninja", "tornado"},
    # The renderer is a pure function of a post's text, for any caller.
    "richtext": {"django", "ninja", "tornado"},
    "marginalia_client": {"django", "ninja", "tornado"},
    "pollserver": {"django", "ninja"},
}


def package_dirs() -> dict[str, Path]:
    return {path.parent.name: path.parent for source in SOURCES for path in source.glob("*/__init__.py")}


def packages() -> set[str]:
    return set(package_dirs())


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_package_has_its_place_in_the_table():
    assert packages() == set(MAY_IMPORT)


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_a_package_imports_nothing_above_or_beside_it(package):
    refused = packages() - MAY_IMPORT[package] - {package}
    refused |= FRAMEWORKS_REFUSED.get(package, set())
    offending = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & refused)
        for path in sorted(package_dirs()[package].rglob("*.py"))
    }
    assert {name: found for name, found in offending.items() if found} == {}
