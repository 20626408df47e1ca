"""Production as deployed: `check --deploy` passes with production settings, the API
refuses to start without its host names, the Procfile's processes start and answer,
and under bin/run a killed poll server comes back by itself, with no event lost."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis

from tests.support.stack import ROOT, SRC, TEST_SECRETS, Stack, free_port, port_open, wait_until

from .test_secrets import BinRun

pytestmark = pytest.mark.integration

START_TIMEOUT = 60  # seconds; two cores shared with other test runs
# What a deployment behind a TLS-ending proxy sets (README, "Configuration").
PRODUCTION = {
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def _production_env(tmp_path: Path, **extra: str) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DJANGO_DEBUG", "DJANGO_ALLOWED_HOSTS")}
    return {**env, **TEST_SECRETS, "PYTHONPATH": str(SRC),
            "DJANGO_SETTINGS_MODULE": "marginalia.settings",
            "MARGINALIA_VAR_DIR": str(tmp_path / "var"), **extra}


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SRC / "manage.py"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=START_TIMEOUT)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    checked = _manage(_production_env(tmp_path, **PRODUCTION),
                      "check", "--deploy", "--fail-level", "WARNING")

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout + checked.stderr


def test_check_deploy_names_what_a_production_run_lacks(tmp_path):
    """The check is not vacuous: without HTTPS settings it fails, naming them."""
    checked = _manage(_production_env(tmp_path, DJANGO_ALLOWED_HOSTS="example.org"),
                      "check", "--deploy", "--fail-level", "WARNING")

    assert checked.returncode != 0
    assert "security.W004" in checked.stderr and "security.W008" in checked.stderr


@pytest.mark.parametrize("value", [None, "", " , "])
def test_without_allowed_hosts_outside_debug_the_api_refuses_to_start(tmp_path, value):
    env = _production_env(tmp_path, **({} if value is None else {"DJANGO_ALLOWED_HOSTS": value}))
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    started = subprocess.run(
        [gunicorn, "marginalia.wsgi", "--chdir", str(SRC), "--bind", f"127.0.0.1:{free_port()}",
         "--workers", "2"], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=START_TIMEOUT)

    output = started.stdout + started.stderr
    assert started.returncode != 0, output
    assert "DJANGO_ALLOWED_HOSTS is not set" in output, output
    assert "Traceback" not in output, output
    assert output.count("DJANGO_ALLOWED_HOSTS is not set") == 1, output


def test_a_malformed_https_setting_stops_the_process_at_start(tmp_path):
    for variable, value, said in [
        ("SECURE_SSL_REDIRECT", "true", "SECURE_SSL_REDIRECT='true': use 1 or 0"),
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded Proto", "is not a header name"),
    ]:
        checked = _manage(_production_env(tmp_path, **{**PRODUCTION, variable: value}), "check")
        assert checked.returncode != 0
        assert said in checked.stderr


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_the_procfile_processes_start_answer_and_stop(tmp_path):
    """Each line of the Procfile run as a platform would (through a shell, with PORT set),
    with production settings: HTTPS enforced behind a proxy that says so."""
    commands = {name: command.strip() for name, command in _procfile().items()}
    assert set(commands) == {"api", "poll", "relay", "release"}
    api_port, poll_port, metrics_port = free_port(), free_port(), free_port()
    stack = Stack(tmp_path, "procfile", redis_db=6)
    env = {**stack.env, **PRODUCTION,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PORT": str(api_port), "WEB_CONCURRENCY": "2", "REALTIME_POLL_PORT": str(poll_port),
           "RELAY_METRICS_PORT": str(metrics_port)}
    env.pop("DJANGO_DEBUG", None)
    stack._reset_database()
    stack._reset_redis()
    processes: dict[str, subprocess.Popen] = {}
    logs = tmp_path / "logs"
    logs.mkdir()
    try:
        release = subprocess.run(["bash", "-c", commands["release"]], env=env, cwd=ROOT,
                                 capture_output=True, text=True, timeout=120)
        assert release.returncode == 0, release.stdout + release.stderr
        for name in ("api", "poll", "relay"):
            with open(logs / f"{name}.log", "wb") as log:
                processes[name] = subprocess.Popen(["bash", "-c", f"exec {commands[name]}"],
                                                   env=env, cwd=ROOT, stdout=log,
                                                   stderr=subprocess.STDOUT)
        api = f"http://127.0.0.1:{api_port}"
        wait_until(lambda: port_open(api_port), timeout=START_TIMEOUT, message="the API")
        wait_until(lambda: port_open(metrics_port), timeout=START_TIMEOUT, message="the relay")

        def poll_server_ready():
            try:
                return httpx.get(f"http://127.0.0.1:{poll_port}/ready", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(poll_server_ready, timeout=START_TIMEOUT, message="the poll server")
        # Probes reach the process directly over plain HTTP and get their answer.
        assert httpx.get(f"{api}/api/health", timeout=5).status_code == 200
        assert httpx.get(f"{api}/api/ready", timeout=5).json()["status"] == "ready"
        # Anything else over plain HTTP is sent to HTTPS; through the proxy, HSTS.
        plain = httpx.get(f"{api}/api/communities", timeout=5)
        assert plain.status_code == 301
        assert plain.headers["location"] == f"https://127.0.0.1:{api_port}/api/communities"
        secure = httpx.get(f"{api}/api/communities", headers={"X-Forwarded-Proto": "https"},
                           timeout=5)
        assert secure.status_code == 200
        assert secure.headers["strict-transport-security"] == (
            "max-age=31536000; includeSubDomains; preload")
        assert httpx.get(f"{api}/api/health", headers={"Host": "evil.example"},
                         timeout=5).status_code == 400
        relay_metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
        assert "marginalia_relay_backlog_events 0.0" in relay_metrics

        # The API's metrics add up gunicorn's workers: each id-bearing path counted under
        # its route, never under the path.
        for community_id in range(1, 21):
            httpx.get(f"{api}/api/communities/{community_id}", timeout=5,
                      headers={"X-Forwarded-Proto": "https"})
        metrics = httpx.get(f"{api}/api/metrics", timeout=5).text
        assert _sample(metrics, "marginalia_api_responses_total", route="/api/communities/<community_id>",
                       method="GET", status="404") == 20
        assert _sample(metrics, "marginalia_api_request_seconds_count",
                       route="/api/communities/<community_id>", method="GET") == 20
        assert _sample(metrics, "marginalia_api_db_queries_count",
                       route="/api/communities/<community_id>") == 20
        assert _sample(metrics, "marginalia_api_responses_total", route="/api/communities",
                       method="GET", status="301") == 1
        assert "/api/communities/7" not in metrics
        assert "marginalia_render_formulas" in metrics

        for name, process in processes.items():
            process.send_signal(signal.SIGTERM)
        for name, process in processes.items():
            assert process.wait(20) == 0, (name, (logs / f"{name}.log").read_text())
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        stack.stop()


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text `text`; 0 when absent."""
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}", 1)[0]))
        if found == labels:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _pids_of(var_dir: Path) -> dict[int, str]:
    """Live processes started for this bin/run (they carry its MARGINALIA_VAR_DIR)."""
    marker = f"MARGINALIA_VAR_DIR={var_dir}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
    return found


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def _gunicorn_masters(processes: dict[int, str]) -> list[int]:
    """Started by bin/run's supervisor (a bash carrying the same environment)."""
    return [pid for pid, argv in processes.items() if "gunicorn" in argv
            and "bash" in processes.get(_parent(pid), "")]


class InteractiveBinRun(BinRun):
    """bin/run in a process group of its own, as a terminal runs a command: Ctrl-C
    sends SIGINT to the whole group."""

    def start(self) -> "InteractiveBinRun":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([str(ROOT / "bin" / "run")], env=self.env, cwd=ROOT,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        wait_until(self._answers, timeout=120, message="bin/run's API")
        return self

    def interrupt(self):
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(30)


def test_bin_run_brings_a_killed_poll_server_back_and_nothing_is_lost(tmp_path):
    run = InteractiveBinRun(tmp_path)
    run.env.pop("DJANGO_ALLOWED_HOSTS", None)  # bin/run needs no configuration
    redis_base = run.env["REALTIME_REDIS_URL"].rsplit("/", 1)[0]
    run.env["REALTIME_REDIS_URL"] = f"{redis_base}/7"
    redis.Redis.from_url(run.env["REALTIME_REDIS_URL"]).flushdb()
    poll = f"http://127.0.0.1:{run.env['REALTIME_POLL_PORT']}"

    def poll_server_healthy():
        try:
            return httpx.get(f"{poll}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        run.start()
        wait_until(poll_server_healthy, timeout=START_TIMEOUT, message="the poll server")
        client = httpx.Client(base_url=run.api_url, timeout=10)
        tokens = {name: client.post("/api/auth/login", json={
            "login": name, "password": f"{name}-demo-pass-1"}).json()["access"]
            for name in ("alice", "bob")}
        alice = {"Authorization": f"Bearer {tokens['alice']}"}
        bob = {"Authorization": f"Bearer {tokens['bob']}"}

        def items(url):  # lists answer a list, or a page {items, ...}
            answer = client.get(url, headers=alice).json()
            return answer["items"] if isinstance(answer, dict) else answer

        lab = next(c for c in items("/api/communities?mine=true") if c["type"] == "private")
        article = items(f"/api/communities/{lab['id']}/articles")[0]
        discussion = items(f"/api/communities/{lab['id']}/articles/{article['id']}/discussions")[0]
        queue = client.post("/api/realtime/register", headers=bob).json()

        [poll_server] = [pid for pid, argv in _pids_of(run.var).items() if "-m pollserver" in argv]
        os.kill(poll_server, signal.SIGKILL)
        wait_until(lambda: not poll_server_healthy(), message="the poll server to be gone")
        written = []
        for n in range(5):
            written.append(client.post(
                f"/api/discussions/{discussion['id']}/comments", headers=alice,
                json={"content": f"while the poll server is down {n}"}).json()["id"])
            if n == 0:  # bin/run waits a second before starting it again
                assert not poll_server_healthy(), "written while it was down"

        wait_until(poll_server_healthy, timeout=START_TIMEOUT, message="the poll server back")
        received, cursor = [], queue["last_event_id"]
        deadline = time.monotonic() + 20
        while len(received) < len(written) and time.monotonic() < deadline:
            answer = httpx.get(f"{poll}/realtime/poll", timeout=70, params={
                "queue_id": queue["queue_id"], "last_event_id": cursor}).json()
            assert "catchup_required" not in answer, answer
            received += [e["data"]["comment"]["id"] for e in answer["events"]
                         if e["type"] == "new_comment"]
            cursor = answer["last_event_id"]
        assert received == written
        log = run.log.read_text()
        assert re.search(r"bin/run: poll server exited with status 137 after \d+ s; "
                         r"restarting in 1 s", log), log
        assert "bin/run: api" not in log and "bin/run: relay" not in log, log

        # The API too: its gunicorn killed outright, it answers again on its own.
        processes = _pids_of(run.var)
        [gunicorn] = _gunicorn_masters(processes)
        workers = {pid for pid in processes if _parent(pid) == gunicorn}
        os.kill(gunicorn, signal.SIGKILL)

        def api_back():
            processes = _pids_of(run.var)
            return (not workers & processes.keys()  # they noticed their master gone, and left
                    and _gunicorn_masters(processes) not in ([], [gunicorn]) and run._answers())

        wait_until(api_back, timeout=START_TIMEOUT, interval=0.2, message="a new API")
        assert "bin/run: api exited with status 137" in run.log.read_text()
        assert client.get("/api/auth/me", headers=bob).status_code == 200

        restarts = run.log.read_text().count("restarting in")
        run.interrupt()  # Ctrl-C
        wait_until(lambda: not _pids_of(run.var), timeout=10,
                   message="every process of bin/run to end")
        assert run.log.read_text().count("restarting in") == restarts, run.log.read_text()
    finally:
        run.stop()
