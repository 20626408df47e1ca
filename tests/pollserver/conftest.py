"""Shared fixtures: a clean Redis test database, publishing helpers, and real
poll-server processes (`python -m pollserver`) started and stopped per test."""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
import redis
import redis.asyncio

from realtime_core.events import content_event, membership_event
from realtime_core.log import EventLog
from realtime_core.queues import QueueRegistry
from tests.support.stack import RedisServer, free_port, wait_until

# The Redis that bin/test chose (REALTIME_REDIS_URL), in a database of these tests' own.
_REDIS_SERVER = os.environ.get("REALTIME_REDIS_URL", "redis://127.0.0.1:6379/8").rsplit("/", 1)[0]
REDIS_URL = f"{_REDIS_SERVER}/9"
SRC = Path(__file__).resolve().parents[2] / "src"
ALLOWED_ORIGIN = "http://allowed.example"
JWT_SECRET = "pollserver-test-secret-0123456789abcdef"
LOG_MAXLEN = 100_000
QUEUE_TTL = 120


async def eventually(predicate, timeout: float = 5.0, interval: float = 0.02, message: str = ""):
    """Async `wait_until`; `predicate` may be a coroutine function."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message or predicate}")
        await asyncio.sleep(interval)


class PollServerProcess:
    """One `python -m pollserver` subprocess with its own port and log file."""

    def __init__(self, log_path: Path, redis_url: str, **settings):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.allowed_origin = ALLOWED_ORIGIN
        self.log_path = log_path
        self.env = {
            **os.environ,
            "PYTHONPATH": str(SRC),
            "PYTHONUNBUFFERED": "1",
            "REALTIME_REDIS_URL": redis_url,
            "REALTIME_POLL_TIMEOUT": "2",
            "REALTIME_QUEUE_TTL": str(QUEUE_TTL),
            "CORS_ALLOWED_ORIGINS": ALLOWED_ORIGIN,
            "JWT_SECRET": JWT_SECRET,
            **{key: str(value) for key, value in settings.items()},
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> "PollServerProcess":
        with open(self.log_path, "ab") as log_file:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pollserver",
                    "--port",
                    str(self.port),
                    "--host",
                    "127.0.0.1",
                ],
                env=self.env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._answers_health, timeout=10, message=f"poll server on port {self.port}")
        return self

    def _answers_health(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"poll server exited early:\n{self.log()}")
        try:
            return httpx.get(self.url + "/health", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def health(self) -> dict:
        return httpx.get(self.url + "/health", timeout=2).json()

    async def poll(self, http: httpx.AsyncClient, queue_id: str, last_event_id, **kwargs):
        params = {"queue_id": queue_id, "last_event_id": last_event_id}
        return await http.get(self.url + "/realtime/poll", params=params, **kwargs)

    async def pending_polls(self, http: httpx.AsyncClient) -> int:
        return (await http.get(self.url + "/health")).json()["pending_polls"]

    async def has_read(self, http: httpx.AsyncClient, event_id: int) -> None:
        """Wait until the server's log reader got to `event_id`, so a poll sees all of it."""

        async def head_reached():
            return (await http.get(self.url + "/health")).json()["head_event_id"] >= event_id

        await eventually(head_reached, message=f"the server to read event {event_id}")

    def terminate(self, timeout: float = 10) -> float:
        """SIGTERM and wait for exit; returns how long the exit took."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout)
        return time.monotonic() - started

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


class Realtime:
    """What the Django side does to Redis, through realtime_core, for the tests."""

    def __init__(self, client: redis.Redis, log_maxlen: int = LOG_MAXLEN):
        self.redis = client
        self.log = EventLog(client, maxlen=log_maxlen, dedupe_ttl=3600)
        # These tests open many queues per user; the per-user limits are tested elsewhere.
        self.queues = QueueRegistry(
            client, ttl=QUEUE_TTL, max_per_user=10_000, registrations_per_minute=1_000_000
        )

    def register(self, user_id: int, communities: list[int]) -> tuple[str, int]:
        """A new queue for the user and the cursor register would return."""
        queue_id = self.queues.create(user_id, communities)
        head, _ = self.log.head(floor=0)
        return queue_id, head

    def publish(
        self,
        community_id: int,
        author_id: int | None = 999,
        origin_queue_id: str | None = None,
        event_type: str = "new_comment",
        text: str = "hello",
    ) -> int:
        meta, body = content_event(
            event_type,
            {"text": text, "community_id": community_id},
            community_id,
            author_id,
            origin_queue_id,
        )
        event_id, _ = self.log.append(uuid.uuid4().hex, meta, body, floor=0)
        return event_id

    def set_membership(self, user_id: int, community_id: int, is_member: bool) -> int:
        meta, body = membership_event(user_id, community_id, is_member)
        event_id, _ = self.log.append(
            uuid.uuid4().hex, meta, body, floor=0, membership=(user_id, community_id, is_member)
        )
        return event_id


@pytest.fixture(autouse=True)
def jwt_secret(monkeypatch):
    """Tokens the tests issue are signed like the servers they start expect."""
    monkeypatch.setenv("JWT_SECRET", JWT_SECRET)


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def realtime(redis_client) -> Realtime:
    return Realtime(redis_client)


@pytest.fixture
def realtime_at():
    """Factory: a Realtime on another Redis URL or with another log length."""
    clients = []

    def make(url: str = REDIS_URL, log_maxlen: int = LOG_MAXLEN) -> Realtime:
        clients.append(redis.Redis.from_url(url))
        return Realtime(clients[-1], log_maxlen)

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def start_server(tmp_path):
    """Factory: start_server(**env) starts a poll server against the test database."""
    started: list[PollServerProcess] = []

    def start(redis_url: str = REDIS_URL, **settings) -> PollServerProcess:
        log_path = tmp_path / f"pollserver-{len(started)}.log"
        server = PollServerProcess(log_path, redis_url, **settings)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        if server.process.poll() is None:
            server.kill()


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip(reason="redis-server is not installed")
    server = RedisServer(
        tmp_path
    ).start()  # for tests that stop Redis (the shared one serves others)
    yield server
    server.stop(signal.SIGKILL)


@pytest.fixture
async def async_redis(redis_client):
    client = redis.asyncio.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture
async def http():
    async with httpx.AsyncClient(timeout=15) as client:
        yield client


@pytest.fixture(name="eventually")
def eventually_fixture():
    return eventually
