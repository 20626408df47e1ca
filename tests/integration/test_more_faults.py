"""More faults against real processes: one of two poll servers dies, the API
dies between commit and publish, a client goes away longer than its queue
lives. Never a lost, duplicated or silently skipped event."""

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import redis

from marginalia_client.protocol import CATCHUP, DELIVER, REGISTER, read_poll_answer
from realtime_core import keys
from tests.support.api import Api
from tests.support.article_state import ArticleState
from tests.support.poller import Poller, poll_once
from tests.support.stack import ROOT, SRC, Stack, free_port, port_open, wait_until

QUEUE_TTL = 6  # seconds a queue lives without a poll or a heartbeat


@pytest.fixture(scope="module")
def robust(tmp_path_factory):
    """Queues live 6 s (scaled down from 120 s) and polls wait at most 1 s."""
    stack = Stack(
        tmp_path_factory.mktemp("robust"),
        "robust_faults",
        redis_db=13,
        env={
            "REALTIME_QUEUE_TTL": str(QUEUE_TTL),
            "REALTIME_POLL_TIMEOUT": "1",
        },
    ).start()
    extra: list[subprocess.Popen] = []
    yield stack, Api(stack.api_url), extra
    for process in extra:
        if process.poll() is None:
            process.kill()
            process.wait()
    stack.stop()


def _spawn(stack: Stack, extra: list, name: str, argv: list[str], env: dict | None = None):
    stack.logs.mkdir(parents=True, exist_ok=True)
    log = open(stack.logs / f"{name}.log", "ab")
    process = subprocess.Popen(
        argv, env={**stack.env, **(env or {})}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    extra.append(process)
    return process


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _private_pair(api: Api):
    admin, member = api.signup("admin"), api.signup("member")
    community = api.community(admin, "private", members=[member])
    return admin, member, community, api.article(admin, community["id"])


def _discussion_ids(events):
    return [e["data"]["discussion"]["id"] for e in events]


def test_one_of_two_poll_servers_killed_clients_continue_on_the_other(robust):
    stack, api, extra = robust
    admin, member, community, article = _private_pair(api)
    second_port = free_port()
    second = _spawn(
        stack, extra, "poll2", [sys.executable, "-m", "pollserver", "--port", str(second_port)]
    )
    second_url = f"http://127.0.0.1:{second_port}"
    wait_until(lambda: _healthy(second_url), timeout=20, message="the second poll server")

    clients = []
    for _ in range(3):
        queue = api.register(member)
        clients.append(
            Poller([stack.poll_url, second_url], queue["queue_id"], queue["last_event_id"])
        )
    written = []
    try:
        for client in clients:
            client.__enter__()
        for _ in range(4):
            written.append(api.discussion(admin, community["id"], article["id"])["id"])
        for client in clients:
            wait_until(
                lambda client=client: _discussion_ids(client.events) == written,
                timeout=10,
                message="events before the kill",
            )
        assert all(min(c.served_by.values()) > 0 for c in clients), "both servers served"

        stack.stop_process("poll", signal.SIGKILL)
        for _ in range(6):
            written.append(api.discussion(admin, community["id"], article["id"])["id"])
        for client in clients:
            wait_until(
                lambda client=client: _discussion_ids(client.events) == written,
                timeout=15,
                message="events after the kill, through the surviving server",
            )
    finally:
        for client in clients:
            client.stop()
        second.kill()
        second.wait()
        stack.start_poll_server()

    for client in clients:
        event_ids = [e["event_id"] for e in client.events]
        assert event_ids == sorted(set(event_ids)), "no duplicate, in order"
        assert _discussion_ids(client.events) == written, "nothing lost"
        assert client.catchups == 0 and 404 not in client.errors
        assert client.failures > 0, "some polls did hit the dead server"


def test_api_killed_after_commit_before_publish_the_relay_delivers(robust):
    stack, api, extra = robust
    admin, member, community, article = _private_pair(api)
    store = redis.Redis.from_url(stack.redis_url)

    # The relay is down and this API's Redis is unreachable: the commit
    # succeeds, the after-commit publish fails, nothing reaches the log.
    stack.stop_process("relay")
    dead_port, api_port = free_port(), free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    broken = _spawn(
        stack,
        extra,
        "api-dead-redis",
        [
            gunicorn,
            "marginalia.wsgi",
            "--chdir",
            str(SRC),
            "--bind",
            f"127.0.0.1:{api_port}",
            "--workers",
            "1",
        ],
        env={"REALTIME_REDIS_URL": f"redis://127.0.0.1:{dead_port}/13"},
    )
    try:
        wait_until(lambda: port_open(api_port), timeout=20, message="the second API")
        head_before = int(store.get("rt:{rt}:seq") or 0)
        created = Api(f"http://127.0.0.1:{api_port}").discussion(
            admin, community["id"], article["id"]
        )
        broken.send_signal(signal.SIGKILL)
        broken.wait(10)
        assert int(store.get("rt:{rt}:seq") or 0) == head_before, "not published yet"
        # Registered now, not before the second API started: this stack's queues live 3 s
        # without a poll, and that start alone took 3 s on a loaded machine. The write is
        # not in the log yet either way.
        queue = api.register(member)
    finally:
        stack.start_relay()

    with Poller(stack.poll_url, queue["queue_id"], queue["last_event_id"]) as poller:
        event = poller.wait_for(
            lambda e: e["data"]["discussion"]["id"] == created["id"],
            timeout=15,
            message="the relay to publish the committed write",
        )
        after = api.discussion(admin, community["id"], article["id"])
        poller.wait_for(lambda e: e["data"]["discussion"]["id"] == after["id"], timeout=10)
    assert event["type"] == "new_discussion"
    assert event["data"]["discussion"] == created
    assert _discussion_ids(poller.events) == [created["id"], after["id"]]


class Client:
    """A browser tab on one article: fetches, then applies what it polls."""

    def __init__(self, stack: Stack, api: Api, member, community, article):
        self.stack, self.api, self.member = stack, api, member
        self.cid, self.aid = community["id"], article["id"]
        self.reregistrations = 0
        self.start()

    def fetch(self):
        discussions = self.api.discussions(self.member, self.cid, self.aid)
        comments = {d["id"]: self.api.comments(self.member, d["id"]) for d in discussions}
        return discussions, comments

    def start(self):
        """Register first, then fetch: events after the cursor cover the fetch."""
        queue = self.api.register(self.member)
        self.queue_id, self.cursor = queue["queue_id"], queue["last_event_id"]
        self.state = ArticleState(self.aid, *self.fetch())

    def poll(self) -> bool:
        """One poll, read by the clients' own poll step; on a lost queue or
        catchup_required start over. True when nothing waited."""
        response = poll_once(self.stack.poll_url, self.queue_id, self.cursor)
        action, events, cursor = read_poll_answer(response.status_code, response.json())
        if action == REGISTER:
            self.reregistrations += 1
            self.start()
            return False
        if action == CATCHUP:
            self.start()
            return False
        assert action == DELIVER, response.text
        for event in events:
            self.state.apply(event)
        self.cursor = cursor
        return not events

    def drain(self):
        wait_until(self.poll, timeout=15, interval=0, message="the backlog to drain")

    def consistent(self) -> bool:
        return self.state.snapshot() == self.fetch()


def _write_some(api: Api, admin, community, article, rounds: int = 3):
    """Writes by someone else (a client's own writes are not echoed to it)."""
    for n in range(rounds):
        discussion = api.discussion(admin, community["id"], article["id"])
        top = api.comment(admin, discussion["id"], f"top {n}")
        reply = api.comment(admin, discussion["id"], f"reply {n}", parent_id=top["id"])
        api.comment(admin, discussion["id"], f"deep {n}", parent_id=reply["id"])
        api.call("DELETE", f"/api/comments/{top['id']}", admin, expect=204)


@pytest.mark.parametrize("away", ["within_ttl", "past_ttl"])
def test_client_away_gets_the_backlog_or_reregisters_never_a_gap(robust, away):
    stack, api, _ = robust
    admin, member, community, article = _private_pair(api)
    client = Client(stack, api, member, community, article)
    _write_some(api, admin, community, article, rounds=1)
    client.drain()
    assert client.consistent()

    # The client goes away: no polls, no heartbeats, while writes go on.
    store = redis.Redis.from_url(stack.redis_url)
    key = keys.queue(client.queue_id)
    _write_some(api, admin, community, article)
    if away == "within_ttl":
        # Longer than a poll's timeout, shorter than the queue's lifetime: the TTL running
        # 1.2 s below its full length means no poll renewed it for that long. (The renewal
        # of the last poll may land just after that poll answered, so the TTL can rise
        # once before it runs down; comparing with a reading taken then would be a race.)
        # The writes above must end within the TTL on a loaded machine: hence 6 s, not 3.
        wait_until(
            lambda: 0 < store.pttl(key) < QUEUE_TTL * 1000 - 1200,
            timeout=QUEUE_TTL,
            message="the queue's TTL to run down",
        )
    else:
        wait_until(
            lambda: not store.exists(key), timeout=3 * QUEUE_TTL, message="the queue to expire"
        )

    client.drain()
    assert client.reregistrations == (0 if away == "within_ttl" else 1)
    assert client.consistent(), "state from events matches a fresh fetch: no gap"

    _write_some(api, admin, community, article, rounds=1)
    client.drain()
    assert client.consistent()
