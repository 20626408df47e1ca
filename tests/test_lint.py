"""ruff's lint and format check over the whole tree, with the rules pyproject.toml sets:
a change that breaks either fails here, in every run of bin/test (CI's included).
`.venv/bin/ruff format . && .venv/bin/ruff check --fix .` mends most of what it finds."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = Path(sys.executable).parent / "ruff"

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_the_tree_passes_ruff(command):
    result = subprocess.run(
        [str(RUFF), *command, "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=50,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
