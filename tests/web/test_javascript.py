"""Runs the JavaScript unit tests (node:test) so that `bin/test` covers them too."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_node_unit_tests_pass():
    node = shutil.which("node")
    if node is None:
        pytest.skip(reason="Node.js is not installed; the JavaScript unit tests need Node 20 or newer")
    result = subprocess.run(
        [node, "--test", "tests/web/"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
