"""Runs the JavaScript unit tests (node:test) and the type check (tsc) so that `bin/test`
covers them too."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TSC = ROOT / "node_modules" / "typescript" / "bin" / "tsc"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip(reason="Node.js is not installed; the JavaScript tests need Node 20 or newer")
    return node


def _tsc(*args: str) -> subprocess.CompletedProcess:
    node = _node()
    assert TSC.exists(), "TypeScript is missing: run `npm ci` in the repository root (.ci/run does)"
    return subprocess.run(
        [node, str(TSC), "-p", "tsconfig.json", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
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


def test_the_javascript_type_checks_against_its_declarations():
    result = _tsc()
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]


def test_the_type_check_reads_every_implementation_beside_its_declarations():
    # tsc drops a .js file matched by a pattern when a .d.ts of the same name exists;
    # client.js and apply-event.js must still be in the program, or nothing ties
    # them to client.d.ts and apply-event.d.ts.
    result = _tsc("--listFilesOnly")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    checked = {Path(line).resolve() for line in result.stdout.splitlines() if line.strip()}
    realtime = ROOT / "src" / "web" / "static" / "web" / "realtime"
    shipped = set(realtime.glob("*.js")) | set(realtime.glob("*.d.ts"))
    assert shipped <= checked, sorted(str(p.relative_to(ROOT)) for p in shipped - checked)
