"""The search tests once more on SQLite, the embedded default, in the same run.

bin/test runs the suite on PostgreSQL where one is reachable; search is the one
feature whose SQL differs by vendor (search.postgres, search.sqlite), so its tests
run again here, in a pytest of their own whose database is a SQLite file (the
settings read DATABASE_URL once, at start: a process of its own is the clean way to
change it). Where this run's database already is SQLite, they ran on it.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(150)


def test_search_tests_pass_on_sqlite(tmp_path):
    if connection.vendor == "sqlite":
        pytest.skip(reason="this run's database is SQLite: test_search.py ran on it")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}"}
    env.pop("MARGINALIA_TEST_RUN", None)  # the test database in memory, not a named file
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/api/test_search.py", "-q", "-x",
         "-p", "no:cacheprovider"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=140,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    summary = result.stdout.strip().splitlines()[-1]
    assert "skipped" not in summary, summary  # the SQLite-only tests ran there
