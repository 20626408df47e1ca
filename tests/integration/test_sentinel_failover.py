"""A Sentinel failover under load: the primary is killed with SIGKILL while writes
stream to 200 polling clients, and the replica that may have missed its last
writes takes over (docs/realtime.md, "Redis failover").

Afterwards every committed write has reached every client exactly once, or that
client was told `catchup_required` (and then every write made after it was told
reaches it exactly once); no event id is ever given to two events; writes never
fail; deliveries resume within seconds of the promotion.
"""

import asyncio
import json
import signal
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from marginalia_client.protocol import CATCHUP, poll_target, read_poll_answer
from realtime_core.connections import sync_client
from realtime_core.events import content_event
from realtime_core.keys import SEQUENCE
from realtime_core.log import EventLog
from tests.support.api import Api
from tests.support.lean_http import LeanConnection
from tests.support.sentinel import SentinelCluster
from tests.support.stack import Stack, wait_until

pytestmark = [pytest.mark.solo, pytest.mark.slow]

# 200 polling clients: eight tabs of each of 25 members (a signup hashes a password,
# which a busy two-core machine does a few times a second at best).
MEMBERS, TABS = 25, 8
WRITE_PAUSE = 0.08  # seconds between writes: about ten a second on an idle machine
RETRY_PAUSE = 0.25  # a client's pause after a failed poll


class Client:
    """One tab's queue, long-polling on the shared event loop."""

    def __init__(self, poll_url: str, queue_id: str, cursor: int):
        self.connection = LeanConnection.to(poll_url)
        self.queue_id, self.cursor = queue_id, cursor
        self.events: list[tuple[int, str, int, float]] = []  # id, type, discussion, when
        self.catchups: list[float] = []
        self.errors: list[int] = []
        self.failures = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                status, body = await self.connection.request(
                    "GET", poll_target(self.queue_id, self.cursor)
                )
            except (OSError, asyncio.IncompleteReadError, ValueError):
                self.failures += 1
                self.connection.close()
                await asyncio.sleep(RETRY_PAUSE)
                continue
            if status != 200:
                self.errors.append(status)
                await asyncio.sleep(RETRY_PAUSE)
                continue
            action, events, cursor = read_poll_answer(200, json.loads(body))
            now = time.monotonic()
            if action == CATCHUP:
                self.catchups.append(now)
            for event in events:
                discussion = event["data"].get("discussion", {}).get("id")
                self.events.append((event["event_id"], event["type"], discussion, now))
            if cursor is not None:
                self.cursor = cursor

    def received(self, discussion_id: int) -> int:
        return sum(
            1 for _, kind, d, _ in self.events if kind == "new_discussion" and d == discussion_id
        )

    def first_after(self, written: dict[int, float], since: float) -> float | None:
        """When this client first received a discussion written after `since`."""
        times = [
            when
            for _, kind, d, when in self.events
            if kind == "new_discussion" and written.get(d, 0) > since
        ]
        return min(times, default=None)


class Clients:
    """200 clients on one event loop in a thread of their own."""

    def __init__(self, clients: list[Client]):
        self.clients = clients
        self.loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._main())

    async def _main(self):
        self._stop = asyncio.Event()
        await asyncio.gather(*(client.run(self._stop) for client in self.clients))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        for client in self.clients:
            self.loop.call_soon_threadsafe(client.connection.close)
        self._thread.join(15)


class Writer:
    """Writes discussions one after another, recording which ones committed and when."""

    def __init__(self, api: Api, admin, community_id: int, article_id: int):
        self.api, self.admin = api, admin
        self.path = f"/api/communities/{community_id}/articles/{article_id}/discussions"
        self.sent_at: dict[int, float] = {}  # discussion id -> when its request was sent
        self.done_at: dict[int, float] = {}  # discussion id -> when its 201 came back
        self.failed: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def write_one(self) -> int | None:
        sent = time.monotonic()
        try:
            response = self.api.call(
                "POST", self.path, self.admin, json={"topic": "Failover", "content": "streamed"}
            )
        except Exception as exc:  # noqa: BLE001 - recorded, the test asserts there are none
            self.failed.append(type(exc).__name__)
            return None
        if response.status_code != 201:
            self.failed.append(str(response.status_code))
            return None
        discussion_id = response.json()["id"]
        self.sent_at[discussion_id], self.done_at[discussion_id] = sent, time.monotonic()
        return discussion_id

    def _run(self):
        while not self._stop.is_set():
            self.write_one()
            self._stop.wait(WRITE_PAUSE)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(30)

    def latencies(self, since: float, until: float) -> list[float]:
        return [
            self.done_at[d] - sent for d, sent in self.sent_at.items() if since <= sent <= until
        ]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = SentinelCluster(tmp_path_factory.mktemp("sentinel")).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def failover_stack(cluster, tmp_path_factory):
    stack = Stack(
        tmp_path_factory.mktemp("sentinel_stack"),
        "sentinel_failover",
        redis_db=0,
        redis_url=cluster.url(0),
        env={"REALTIME_POLL_TIMEOUT": "5"},
    )
    stack.start()
    yield stack
    stack.stop()


def _measure_wait(cluster, rounds: int = 40, batch: int = 50) -> dict[str, float]:
    """What `WAIT 1 <timeout>` adds to a relay batch, on a database of its own (docs)."""
    client = sync_client(cluster.url(1), socket_timeout=2)
    client.flushdb()
    log = EventLog(client, maxlen=10_000, dedupe_ttl=60)
    meta, body = content_event(
        "new_comment", {"comment": {"id": 1}, "article_id": 1, "community_id": 1}, 1, None, None
    )

    def batch_seconds(wait: bool) -> float:
        started = time.perf_counter()
        for _ in range(batch):
            log.append(str(uuid.uuid4()), meta, body, floor=0)
        if wait:
            client.execute_command("WAIT", 1, 100)
        return time.perf_counter() - started

    def wait_alone() -> float:
        log.append(str(uuid.uuid4()), meta, body, floor=0)
        started = time.perf_counter()
        client.execute_command("WAIT", 1, 100)
        return time.perf_counter() - started

    batch_seconds(False)  # warm-up: the script is loaded, the connection open
    without, with_wait = [], []
    for _ in range(rounds):  # interleaved, so a busy moment of the machine hits both
        without.append(batch_seconds(False))
        with_wait.append(batch_seconds(True))
    alone = statistics.median(wait_alone() for _ in range(rounds * 5))
    without, with_wait = statistics.median(without), statistics.median(with_wait)
    client.flushdb()
    client.close()
    return {"batch_ms": without * 1000, "batch_wait_ms": with_wait * 1000, "wait_ms": alone * 1000}


@pytest.mark.timeout(240)
def test_primary_killed_under_load_loses_nothing_silently(cluster, failover_stack):
    stack, api = failover_stack, Api(failover_stack.api_url)
    api.http.timeout = httpx.Timeout(60)  # setup on a loaded machine; writes are timed apart
    wait_cost = _measure_wait(cluster)

    admin = api.signup("fo_admin")
    community = api.community(admin, "private")
    article = api.article(admin, community["id"])
    with ThreadPoolExecutor(4) as pool:
        members = list(pool.map(lambda n: api.signup(f"fo_member{n}_"), range(MEMBERS)))
        list(pool.map(lambda m: api.add_member(admin, community["id"], m), members))
        queues = list(pool.map(api.register, [m for m in members for _ in range(TABS)]))
    clients = [Client(stack.poll_url, q["queue_id"], q["last_event_id"]) for q in queues]
    writer = Writer(api, admin, community["id"], article["id"])

    with Clients(clients):
        # Every client is polling once all have received a first write.
        first = writer.write_one()
        assert first is not None
        wait_until(
            lambda: all(c.received(first) for c in clients),
            timeout=60,
            interval=0.2,
            message="all 200 clients to receive the first write",
        )

        writer.start()
        time.sleep(3)  # writes streaming to every client
        # The replica misses the primary's last writes, as asynchronous replication
        # allows: its link is cut (a wrong masterauth keeps it from coming back), the
        # writes go on reaching clients from the primary for a moment, then it dies.
        primary, replica = cluster.primary.client(), cluster.replica.client()
        replica.config_set("masterauth", "cut-off")
        primary.client_kill_filter(_type="replica")

        def sequences():
            return int(primary.get(SEQUENCE)), int(replica.get(SEQUENCE) or 0)

        wait_until(
            lambda: sequences()[0] >= sequences()[1] + 3,
            timeout=20,
            message="writes the replica does not have",
        )
        head_at_kill, replica_head = sequences()
        cluster.primary.stop(signal.SIGKILL)
        killed = time.monotonic()
        wait_until(
            lambda: cluster.primary_port_by_sentinels() == cluster.replica.port,
            timeout=60,
            interval=0.1,
            message="the sentinels to promote the replica",
        )
        promoted = time.monotonic()
        # Deliveries resume: every client receives a write sent after the promotion.
        wait_until(
            lambda: all(c.first_after(writer.sent_at, promoted) for c in clients),
            timeout=60,
            interval=0.2,
            message="every client to receive a write made after the promotion",
        )
        time.sleep(1)
        writer.stop()

        def owed(client: Client) -> list[int]:
            """The writes this client must have received exactly once."""
            told = max(client.catchups, default=0.0)
            return [d for d, sent in writer.sent_at.items() if sent > told]

        wait_until(
            lambda: all(all(c.received(d) >= 1 for d in owed(c)) for c in clients),
            timeout=60,
            interval=0.2,
            message="every owed write to arrive",
        )
        time.sleep(1)  # a duplicate would come now

    unreplicated = head_at_kill - replica_head
    assert unreplicated >= 3
    received_lost = {e[0] for c in clients for e in c.events if replica_head < e[0] <= head_at_kill}
    # Never an event id for two events, across every client.
    identity: dict[int, tuple[str, int]] = {}
    for client in clients:
        for event_id, kind, discussion, _ in client.events:
            assert identity.setdefault(event_id, (kind, discussion)) == (kind, discussion), (
                f"event id {event_id} given to two events"
            )
    lost = sum(1 for c in clients for d in owed(c) if c.received(d) == 0)
    duplicated = sum(1 for c in clients for d in owed(c) if c.received(d) > 1)
    assert (lost, duplicated) == (0, 0), "each owed write reaches its client exactly once"
    assert writer.failed == [], "writes never fail while Redis fails over"
    assert all(set(c.errors) <= {503} for c in clients), "only 'retry' answers, never 404"

    committed = len(writer.sent_at)
    written_during = sum(1 for sent in writer.sent_at.values() if killed <= sent <= promoted)
    catchups = [len(c.catchups) for c in clients]
    untold = sum(1 for c in clients if not c.catchups)
    resumed = [c.first_after(writer.sent_at, killed) - killed for c in clients]
    latencies = writer.latencies(killed, promoted + 2)
    # The bounds docs/realtime.md states, with room for a loaded machine: promotion takes
    # down-after (1 s here) and an election; the poll server reconnects within 2 s more.
    assert max(resumed) < 20, "deliveries resume within seconds of the kill"
    assert max(latencies, default=0) < 10, "a write never waits for the failover"
    print(
        f"\nSentinel failover, {len(clients)} polling clients, {committed} writes committed "
        f"({written_during} while no primary was known):"
        f"\n  events the primary handed out that the replica never received: {unreplicated} "
        f"(link cut before the kill), {len(received_lost)} of them delivered to clients from "
        f"the old primary; ids after the failover start above them"
        f"\n  replica promoted {promoted - killed:.2f}s after SIGKILL of the primary"
        f"\n  writes: none failed; slowest during the failover {max(latencies, default=0):.2f}s"
        f"\n  deliveries resumed {min(resumed):.2f}s (first client) to {max(resumed):.2f}s "
        f"(last client) after the kill"
        f"\n  events lost: 0; catch-ups per client: min {min(catchups)}, max {max(catchups)}, "
        f"mean {statistics.mean(catchups):.2f}; clients never told to catch up: {untold}"
        f"\n  WAIT 1 100 per relay batch of 50: {wait_cost['batch_ms']:.2f} ms without, "
        f"{wait_cost['batch_wait_ms']:.2f} ms with; WAIT alone {wait_cost['wait_ms']:.3f} ms"
    )
