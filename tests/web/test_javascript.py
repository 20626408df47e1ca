"""Runs the JavaScript unit tests (node:test), the type check (tsc) and the check that the
committed TypeScript declarations are the ones the JSDoc gives, so that `bin/test` covers
them too."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "node_modules" / "typescript" / "bin" / "tsc"
DECLARATIONS = ROOT / "src" / "web" / "static" / "web" / "realtime" / "types"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip(reason="Node.js is not installed; the JavaScript tests need Node 20 or newer")
    return node


def _tsc(*args: str, project: str = "tsconfig.json") -> subprocess.CompletedProcess:
    node = _node()
    assert TSC.exists(), "TypeScript is missing: run `npm ci` in the repository root (.ci/run does)"
    return subprocess.run(
        [node, str(TSC), "-p", project, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_node_unit_tests_pass():
    result = subprocess.run(
        [_node(), "--test", "tests/web/"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_typescript_is_the_locked_version():
    wanted = json.loads((ROOT / "package.json").read_text())["devDependencies"]["typescript"]
    locked = json.loads((ROOT / "package-lock.json").read_text())
    assert locked["packages"]["node_modules/typescript"]["version"] == wanted


def test_the_javascript_type_checks():
    result = _tsc()
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]


def test_the_committed_declarations_are_the_ones_the_jsdoc_gives(tmp_path):
    # TypeScript users of the realtime client read realtime/types/*.d.ts, written from
    # the JSDoc by `npm run declarations`: a change to the code that was not written
    # out again would leave them with types the code no longer has.
    result = _tsc("--outDir", str(tmp_path), project="tsconfig.declarations.json")
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    written = {
        path.relative_to(tmp_path): path.read_text()
        for path in tmp_path.rglob("*")
        if path.is_file()
    }
    committed = {
        path.relative_to(DECLARATIONS): path.read_text()
        for path in DECLARATIONS.rglob("*")
        if path.is_file()
    }
    assert sorted(committed) == sorted(written), "run `npm run declarations` and commit them"
    stale = sorted(str(name) for name, text in written.items() if committed[name] != text)
    assert not stale, f"out of date: {stale}; run `npm run declarations` and commit them"
