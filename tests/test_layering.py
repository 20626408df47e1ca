"""The dependency direction the layout promises: the poll server and the realtime
core never import Django or the apps, and the realtime app's outbox, relay and
connections never import the apps whose changes they carry (discussions and
communities call into them). Only its HTTP endpoints (realtime/api.py) read
memberships from communities, and nothing imports those endpoints but the URLs."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

FORBIDDEN = {
    "pollserver": {"django", "ninja", "accounts", "communities", "discussions", "realtime",
                   "marginalia"},
    "realtime_core": {"django", "ninja", "accounts", "communities", "discussions", "realtime",
                      "pollserver", "marginalia", "tornado"},
    "realtime": {"discussions", "communities"},
    # The renderer is a pure function of a post's text, for any caller.
    "richtext": {"django", "ninja", "accounts", "communities", "discussions", "realtime",
                 "marginalia", "pollserver", "realtime_core"},
}
ENDPOINTS = {"realtime": {"api.py"}}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_above_it(package):
    offending = {
        str(path.relative_to(SRC)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in sorted((SRC / package).rglob("*.py"))
        if "migrations" not in path.parts and path.name not in ENDPOINTS.get(package, ())
    }
    assert {name: found for name, found in offending.items() if found} == {}
