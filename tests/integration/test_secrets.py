"""Outside DJANGO_DEBUG, no process starts without its secret or with the public
development key, and each says in one line which variable is missing; bin/run makes
an installation's secrets once and reuses them."""

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.stack import ROOT, SRC, TEST_SECRETS, Stack, free_port, port_open, wait_until

pytestmark = pytest.mark.integration

PUBLIC_DEVELOPMENT_KEY = "dev-only-secret-change-me-in-production-0123456789"
START_TIMEOUT = 60  # seconds; two cores shared with other test runs


def _env_without_secrets(tmp_path: Path, **extra: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SECRET_KEY", "JWT_SECRET", "DJANGO_DEBUG", "DATABASE_URL")
    }
    return {
        **env,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "marginalia.settings",
        "MARGINALIA_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }


def _argv(process: str) -> list[str]:
    port = str(free_port())
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    return {
        "api": [
            gunicorn,
            "marginalia.wsgi",
            "--chdir",
            str(SRC),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        "relay": [sys.executable, str(SRC / "manage.py"), "relay_outbox"],
        "poll server": [sys.executable, "-m", "pollserver", "--port", port, "--host", "127.0.0.1"],
    }[process]


@pytest.mark.parametrize(
    "process, secrets, named",
    [
        ("api", {}, "DJANGO_SECRET_KEY is not set"),
        (
            "api",
            {"DJANGO_SECRET_KEY": PUBLIC_DEVELOPMENT_KEY},
            "DJANGO_SECRET_KEY is the public development key",
        ),
        (
            "api",
            {
                "DJANGO_SECRET_KEY": TEST_SECRETS["DJANGO_SECRET_KEY"],
                "JWT_SECRET": PUBLIC_DEVELOPMENT_KEY,
            },
            "JWT_SECRET is the public development key",
        ),
        ("relay", {}, "DJANGO_SECRET_KEY is not set"),
        ("poll server", {}, "JWT_SECRET is not set"),
        (
            "poll server",
            {"JWT_SECRET": PUBLIC_DEVELOPMENT_KEY},
            "JWT_SECRET is the public development key",
        ),
    ],
)
def test_a_process_without_its_secret_refuses_to_start_and_names_it(
    tmp_path, process, secrets, named
):
    result = subprocess.run(
        _argv(process),
        env=_env_without_secrets(tmp_path, **secrets),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert named in output, output
    assert "Traceback" not in output, output
    # One line each time the settings load (gunicorn: once per worker, then it stops).
    assert all(line.count(named) == 1 for line in output.splitlines() if named in line), output


def test_every_process_starts_with_its_secrets_outside_debug(tmp_path):
    metrics_port = free_port()
    stack = Stack(
        tmp_path,
        "secrets",
        redis_db=13,
        env={"DJANGO_DEBUG": "0", "RELAY_METRICS_PORT": str(metrics_port)},
    )
    assert stack.env["DJANGO_DEBUG"] == "0" and all(stack.env[name] for name in TEST_SECRETS)
    try:
        stack.start()
        assert httpx.get(f"{stack.api_url}/api/health", timeout=5).status_code == 200
        assert stack.poll_server_healthy()
        wait_until(
            lambda: port_open(metrics_port),
            timeout=START_TIMEOUT,
            message="the relay's metrics port",
        )
    finally:
        stack.stop()


class BinRun:
    """bin/run as an operator starts it: no secret in the environment."""

    def __init__(self, tmp_path: Path):
        self.var = tmp_path / "var"
        self.api_port = free_port()
        redis_base = os.environ.get("REALTIME_REDIS_URL", "redis://127.0.0.1:6379/8").rsplit(
            "/", 1
        )[0]
        self.env = _env_without_secrets(
            tmp_path,
            API_PORT=str(self.api_port),
            REALTIME_POLL_PORT=str(free_port()),
            REALTIME_REDIS_URL=f"{redis_base}/14",
        )
        self.log = tmp_path / "bin-run.log"
        self.process = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def start(self) -> "BinRun":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(ROOT / "bin" / "run")],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._answers, timeout=120, message="bin/run's API")
        return self

    def _answers(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            return httpx.get(f"{self.api_url}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # its trap stops what it started
            self.process.wait(30)


def test_bin_run_makes_private_secrets_once_and_reuses_them(tmp_path):
    run = BinRun(tmp_path)
    try:
        run.start()
        secrets_file = run.var / "secrets.env"
        assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
        written = secrets_file.read_text()
        assert {line.split("=", 1)[0] for line in written.splitlines()} == {
            "DJANGO_SECRET_KEY",
            "JWT_SECRET",
        }
        assert PUBLIC_DEVELOPMENT_KEY not in written
        login = httpx.post(
            f"{run.api_url}/api/auth/login",
            timeout=10,
            json={"login": "alice", "password": "alice-demo-pass-1"},
        )
        assert login.status_code == 200
        run.stop()

        run.start()

        assert secrets_file.read_text() == written
        me = httpx.get(
            f"{run.api_url}/api/auth/me",
            timeout=10,
            headers={"Authorization": f"Bearer {login.json()['access']}"},
        )
        assert me.status_code == 200, "tokens signed before the restart still hold"
    finally:
        run.stop()
