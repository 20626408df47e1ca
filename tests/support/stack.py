"""Start the real system for integration and browser tests.

A Stack runs gunicorn (the Django API), the Tornado poll server and the
outbox relay as separate processes against a fresh PostgreSQL database (or a
SQLite file when no PostgreSQL is configured) and a Redis database of its own.
With `own_redis=True` it also runs a private redis-server that a test may stop
and start again.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import redis

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
# What the servers sign with when the caller set none (bin/test sets them): outside
# DJANGO_DEBUG they refuse to start without secrets.
TEST_SECRETS = {
    "DJANGO_SECRET_KEY": "test-only-django-secret-0123456789abcdef0123456789",
    "JWT_SECRET": "test-only-jwt-secret-0123456789abcdef0123456789",
}


# The tests write far faster than any person: the abuse limits stay on (their
# code runs) but out of reach, unless a test passes lower ones in `env`.
GENEROUS_RATE_LIMITS = {
    f"RATE_LIMIT_{name}": "1000000/minute"
    for name in (
        "SIGNUPS_PER_IP",
        "LOGINS_PER_IP",
        "LOGIN_FAILURES_PER_ACCOUNT",
        "WRITES_PER_USER",
        "COMMUNITIES_PER_USER",
        "PRESENCE_PER_TAB",
        "PRESENCE_PER_USER",
        "TYPING_PER_USER",
    )
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def relay_waiting(redis_url: str) -> bool:
    """Whether a relay has made its pass and waits for the next write (blocked on its
    wake-up list)."""
    client = redis.Redis.from_url(redis_url)
    try:
        return any(connection["cmd"] == "blpop" for connection in client.client_list())
    finally:
        client.close()


def wait_until(condition, timeout: float = 10.0, interval: float = 0.02, message: str = ""):
    """Poll `condition` until it returns a truthy value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message or condition}")
        time.sleep(interval)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    """A private redis-server. By default with an append-only file, so a restart keeps the
    log: `appendfsync` is "always" unless a test sets the production setting ("everysec",
    see docs/deployment.md). `persistent=False` keeps nothing on disk (a failover test's
    nodes); `replica_of` makes it a replica of the server on that port.
    """

    def __init__(
        self,
        directory: Path,
        appendfsync: str = "always",
        persistent: bool = True,
        replica_of: int | None = None,
    ):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        persistence = ("yes", "--appendfsync", appendfsync) if persistent else ("no",)
        self.options = ["--appendonly", *persistence, "--save", ""]
        if replica_of is not None:
            self.options += ["--replicaof", "127.0.0.1", str(replica_of)]

    @property
    def url_base(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.url_base}/0"

    def start(self) -> "RedisServer":
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                *self.options,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), message="redis-server to listen")
        return self

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def stop(self, sig=signal.SIGTERM):
        """SIGTERM is a clean shutdown (Redis syncs its file); SIGKILL is a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(10)
        self.process = None

    def lose_data(self):
        """Stopped, and its files gone: it starts again empty, like a lost disk."""
        self.stop()
        shutil.rmtree(self.directory)


class Stack:
    def __init__(
        self,
        workdir: Path,
        name: str,
        redis_db: int,
        own_redis: bool = False,
        env: dict | None = None,
        sqlite: bool = False,
        api_threads: int = 4,
        redis_url: str | None = None,
    ):
        self.workdir = workdir
        self.sqlite = sqlite  # SQLite (bin/run's default) even where PostgreSQL is set up
        self.api_threads = api_threads
        self.name = name
        self.api_port = free_port()
        self.poll_port = free_port()
        # A front end on an origin of its own (as the seed's runs on :3000), allowed by CORS.
        self.frontend_port = free_port()
        self.redis = RedisServer(workdir / "redis") if own_redis else None
        base_redis = os.environ.get("REALTIME_REDIS_URL", "redis://127.0.0.1:6379/8")
        redis_base = self.redis.url_base if own_redis else base_redis.rsplit("/", 1)[0]
        # `redis_url` (a redis+sentinel:// one, say) overrides the node and the database.
        self.redis_url = redis_url or f"{redis_base}/{redis_db}"
        # Database names carry the test run's id: runs beside each other never collide.
        run = os.environ.get("MARGINALIA_TEST_RUN", "local")
        self.database_name = f"it_{name}_{run}".lower()
        self.database_url = self._database_url()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(SRC),
            "DJANGO_SETTINGS_MODULE": "marginalia.settings",
            "DATABASE_URL": self.database_url,
            "REALTIME_REDIS_URL": self.redis_url,
            "REALTIME_POLL_PORT": str(self.poll_port),
            "REALTIME_PUBLIC_URL": f"http://127.0.0.1:{self.poll_port}",
            "CORS_ALLOWED_ORIGINS": ",".join(
                (
                    f"http://127.0.0.1:{self.api_port}",
                    f"http://localhost:{self.api_port}",
                    self.frontend_origin,
                )
            ),
            "MARGINALIA_VAR_DIR": str(workdir / "var"),
            # Outside DJANGO_DEBUG the API names the hosts it answers; tests reach it on loopback.
            "DJANGO_ALLOWED_HOSTS": os.environ.get("DJANGO_ALLOWED_HOSTS") or "127.0.0.1,localhost",
            **{name: os.environ.get(name) or value for name, value in TEST_SECRETS.items()},
            **GENEROUS_RATE_LIMITS,
            **(env or {}),
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = workdir / "logs"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def frontend_origin(self) -> str:
        return f"http://127.0.0.1:{self.frontend_port}"

    @property
    def poll_url(self) -> str:
        return f"http://127.0.0.1:{self.poll_port}"

    def _database_url(self) -> str:
        configured = os.environ.get("DATABASE_URL", "")
        if configured.startswith("postgres") and not self.sqlite:
            parts = urlsplit(configured)
            return urlunsplit(parts._replace(path=f"/{self.database_name}"))
        return f"sqlite:///{self.workdir / 'stack.sqlite3'}"

    def _admin_sql(self, *statements: str):
        if not self.database_url.startswith("postgres"):
            return
        admin = urlsplit(self.database_url)._replace(path="/postgres")
        with psycopg.connect(urlunsplit(admin), autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def _reset_database(self):
        self._admin_sql(
            f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)',
            f'CREATE DATABASE "{self.database_name}"',
        )

    def _reset_redis(self):
        from realtime_core.connections import sync_client

        client = sync_client(self.redis_url)
        client.flushdb()
        client.close()

    def manage(self, *args: str):
        subprocess.run(
            [sys.executable, str(SRC / "manage.py"), *args],
            env=self.env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )

    def _spawn(self, name: str, argv: list[str]):
        self.logs.mkdir(parents=True, exist_ok=True)
        log = open(self.logs / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )

    def start(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.redis:
            self.redis.start()
        self._reset_database()
        self._reset_redis()
        self.manage("migrate", "--no-input", "-v", "0")
        self.start_api()
        self.start_relay()
        self.start_poll_server()
        return self

    def start_api(self):
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        self._spawn(
            "api",
            [
                gunicorn,
                "marginalia.wsgi",
                "--chdir",
                str(SRC),
                "--bind",
                f"127.0.0.1:{self.api_port}",
                "--workers",
                "2",
                "--threads",
                str(self.api_threads),
                "--graceful-timeout",
                "3",
                "--limit-request-line",
                "8190",
            ],
        )
        wait_until(lambda: port_open(self.api_port), timeout=20, message="the API to listen")

    def start_relay(self, interval: float = 0.1):
        self._spawn(
            "relay",
            [sys.executable, str(SRC / "manage.py"), "relay_outbox", "--interval", str(interval)],
        )

    def start_poll_server(self):
        self._spawn("poll", [sys.executable, "-m", "pollserver", "--port", str(self.poll_port)])
        wait_until(self.poll_server_healthy, timeout=20, message="the poll server to be healthy")

    def poll_server_healthy(self) -> bool:
        try:
            return httpx.get(f"{self.poll_url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop_process(self, name: str, sig=signal.SIGTERM, timeout: float = 10):
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def stop(self):
        for name in list(self.processes):
            self.stop_process(name)
        if self.redis:
            self.redis.stop()
        self._admin_sql(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')


def publish_direct(redis_url: str, community_id: int, count: int, maxlen: int = 100_000) -> int:
    """Append `count` comment events straight into the log, bypassing the API.

    For tests about the log's limits, where thousands of real writes would only
    be slow. Returns the last event_id.
    """
    import uuid

    import redis

    from realtime_core.events import content_event
    from realtime_core.log import EventLog

    log = EventLog(redis.Redis.from_url(redis_url), maxlen=maxlen, dedupe_ttl=60)
    last = 0
    for n in range(count):
        data = {"comment": {"id": n}, "article_id": 0, "community_id": community_id}
        meta, body = content_event("new_comment", data, community_id, None, None)
        last, _ = log.append(str(uuid.uuid4()), meta, body, floor=0)
    return last
