"""Each part installs alone (issue #22): a poll-server host gets neither Django nor V8,
and the Python client (marginalia-client) brings httpx and nothing of the server."""

from pathlib import Path

import pytest

from .conftest import REQUIREMENTS, ROOT, locked_names

pytestmark = pytest.mark.timeout(180)

CLIENT_SMOKE = Path(__file__).with_name("client_smoke.py")
SERVER_ONLY = ("django", "ninja", "psycopg", "py_mini_racer", "icu", "gunicorn")


def test_the_poll_server_part_installs_and_runs_without_django_or_v8(environment, wheels):
    lock = REQUIREMENTS / "pollserver.txt"
    environment.install("--require-hashes", "-r", str(lock))
    # The wheel's own metadata for the part may ask for nothing the lock lacks.
    environment.install(f"marginalia[pollserver] @ {wheels['server'].as_uri()}")
    assert environment.installed() == locked_names(lock) | {"marginalia"}

    help_run = environment.run("-m", "pollserver", "--help")
    assert help_run.returncode == 0, help_run.stderr
    assert "usage: pollserver" in help_run.stdout
    assert environment.can_import("pollserver.app")
    assert environment.can_import("realtime_core.tokens")
    for module in SERVER_ONLY:
        assert not environment.can_import(module), module


def test_the_client_installs_alone_with_httpx_and_works(environment, wheels):
    lock = REQUIREMENTS / "client.txt"
    environment.install("--require-hashes", "-r", str(lock))
    environment.install(str(wheels["client"]))
    assert environment.installed() == locked_names(lock) | {"marginalia-client"}
    assert "httpx" in locked_names(lock)

    smoke = environment.run(str(CLIENT_SMOKE))
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "client works" in smoke.stdout
    for module in (*SERVER_ONLY, "tornado", "redis", "pollserver", "realtime_core"):
        assert not environment.can_import(module), module


def test_the_client_passes_its_own_tests_installed_alone(environment, wheels):
    """tests/client against the installed wheel, in an environment holding the client,
    httpx and the test runner: no Django, no settings, no root conftest."""
    environment.install("--require-hashes", "-r", str(REQUIREMENTS / "client-test.txt"))
    environment.install(f"marginalia-client[test] @ {wheels['client'].as_uri()}")
    assert not environment.can_import("django")
    config = environment.path / "pytest.ini"
    config.write_text("[pytest]\nasyncio_mode = auto\n"
                      "asyncio_default_fixture_loop_scope = function\ntimeout = 60\n")
    client_tests = ROOT / "tests" / "client"
    run = environment.run("-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(config),
                          "--rootdir", str(ROOT), "--confcutdir", str(client_tests),
                          str(client_tests))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert " passed" in run.stdout
