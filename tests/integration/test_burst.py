"""A burst of 10,000 writes through the real API while 1,000 clients poll:
every event reaches every member's queue exactly once, in the same order for
everyone, and nothing reaches a queue of another community.

BURST_WRITES sets the number of writes: CI runs a smaller burst (.ci/run) to stay
within its time budget, since on two cores the API takes minutes for 10,000; the
properties checked are the same at any size.
"""

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

import httpx
import pytest

from realtime_core import tokens
from tests.support.lean_http import LeanConnection
from tests.support.stack import ROOT, SRC, Stack, wait_until

WRITES = int(os.environ.get("BURST_WRITES", 10_000))
CLIENTS = 1_000
COMMUNITIES = 8  # private, so each event goes to the 125 queues of one community
WRITERS = 12  # concurrent API connections writing
REGISTRARS = 16

# Users, communities and articles go straight into the database: 1,000 signups
# would spend minutes hashing passwords and test nothing the burst is about.
SEED = """
import json
import uuid
from accounts.models import RefreshTokenFamily, User
from communities.models import Community, Membership
from discussions.models import Article, Placement


communities, clients = {communities}, {clients}
users = User.objects.bulk_create(
    User.unsaved(f"burst{{n}}", email=f"burst{{n}}@example.org", password="!")
    for n in range(communities + clients)
)
logins = RefreshTokenFamily.objects.bulk_create(
    RefreshTokenFamily(id=uuid.uuid4(), user=u, current_jti=uuid.uuid4().hex) for u in users)
out = []
for c in range(communities):
    writer = users[c]
    community = Community.objects.create(name=f"Burst {{c}}", slug=f"burst-{{c}}",
                                         type=Community.PRIVATE, created_by=writer)
    members = users[communities + c::communities]
    Membership.objects.bulk_create(
        [Membership(community=community, user=writer, role=Membership.ADMIN)]
        + [Membership(community=community, user=u, role=Membership.MEMBER) for u in members]
    )
    article = Article.objects.create(title=f"Burst article {{c}}")
    Placement.objects.create(article=article, community=community)
    out.append({{"id": community.id, "article_id": article.id, "writer_id": writer.id,
                "member_ids": [u.id for u in members]}})
print(json.dumps({{"communities": out,
                  "logins": {{u.id: str(login.id) for u, login in zip(users, logins)}}}}))
"""


pytestmark = [pytest.mark.slow, pytest.mark.solo]


@dataclass
class Queue:
    community_id: int
    queue_id: str
    cursor: int
    received: list[tuple[int, int]] = field(default_factory=list)  # (event_id, discussion_id)
    received_at: list[float] = field(default_factory=list)
    catchups: int = 0
    errors: list[int] = field(default_factory=list)


@pytest.fixture(scope="module")
def burst_stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("burst"), "burst", redis_db=0, own_redis=True).start()
    yield stack
    stack.stop()


def _seed(stack: Stack) -> tuple[list[dict], dict[int, str]]:
    """The communities, and each user's login (an access token names its login)."""
    code = SEED.format(communities=COMMUNITIES, clients=CLIENTS)
    done = subprocess.run(
        [sys.executable, str(SRC / "manage.py"), "shell", "-c", code],
        env=stack.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    seeded = json.loads(done.stdout.strip().splitlines()[-1])
    return seeded["communities"], {int(user): login for user, login in seeded["logins"].items()}


def _bearer(user_id: int, logins: dict[int, str]) -> dict[str, str]:
    token = tokens.issue(user_id, tokens.ACCESS, fam=logins[user_id])
    return {"Authorization": f"Bearer {token}"}


async def _in_parallel(connections: list[LeanConnection], jobs: list, run) -> list:
    """Run `run(connection, job)` for every job, each connection one job at a time."""
    results = [None] * len(jobs)
    cursor = iter(range(len(jobs)))

    async def worker(connection):
        for index in cursor:
            results[index] = await run(connection, jobs[index])

    await asyncio.gather(*(worker(c) for c in connections))
    for connection in connections:
        connection.close()
    return results


async def _register(api_url: str, communities: list[dict], logins: dict[int, str]) -> list[Queue]:
    members = [(c["id"], m) for c in communities for m in c["member_ids"]]

    async def register(connection, member):
        community_id, user_id = member
        status, body = await connection.request(
            "POST", "/api/realtime/register", headers=_bearer(user_id, logins)
        )
        assert status == 200, body
        queue = json.loads(body)
        assert queue["communities"] == [community_id]
        return Queue(community_id, queue["queue_id"], queue["last_event_id"])

    connections = [LeanConnection.to(api_url) for _ in range(REGISTRARS)]
    return await _in_parallel(connections, members, register)


async def _poll_forever(poll_url: str, queue: Queue) -> None:
    connection = LeanConnection.to(poll_url)
    try:
        while True:
            status, body = await connection.request(
                "GET", f"/realtime/poll?queue_id={queue.queue_id}&last_event_id={queue.cursor}"
            )
            if status != 200:
                queue.errors.append(status)
                await asyncio.sleep(0.1)  # back off as a real client does
                continue
            answer = json.loads(body)
            now = time.monotonic()
            if answer.get("catchup_required"):
                queue.catchups += 1
            for event in answer.get("events", ()):
                queue.received.append((event["event_id"], event["data"]["discussion"]["id"]))
                queue.received_at.append(now)
            queue.cursor = answer["last_event_id"]
    finally:
        connection.close()


async def _write(
    api_url: str, communities: list[dict], logins: dict[int, str]
) -> dict[int, tuple[int, float]]:
    """WRITES discussions round robin over the communities; discussion id -> (community, sent)."""
    jobs = [communities[n % len(communities)] for n in range(WRITES)]
    headers = {c["id"]: _bearer(c["writer_id"], logins) for c in communities}

    async def write(connection, community):
        sent = time.monotonic()
        status, body = await connection.request(
            "POST",
            f"/api/communities/{community['id']}/articles/{community['article_id']}/discussions",
            body={"topic": "Burst", "content": "x"},
            headers=headers[community["id"]],
        )
        assert status == 201, body
        return json.loads(body)["id"], community["id"], sent

    connections = [LeanConnection.to(api_url) for _ in range(WRITERS)]
    return {d: (c, sent) for d, c, sent in await _in_parallel(connections, jobs, write)}


def _pending_polls(poll_url: str) -> int:
    return httpx.get(f"{poll_url}/health", timeout=5).json()["pending_polls"]


def _percentile(values: list[float], fraction: float) -> float:
    return sorted(values)[min(len(values) - 1, int(fraction * len(values)))]


async def test_burst_of_writes_reaches_every_member_queue_once_in_order(burst_stack):
    stack = burst_stack
    communities, logins = _seed(stack)
    queues = await _register(stack.api_url, communities, logins)
    assert len(queues) == CLIENTS

    pollers = [asyncio.create_task(_poll_forever(stack.poll_url, q)) for q in queues]
    try:
        await asyncio.to_thread(
            wait_until,
            lambda: _pending_polls(stack.poll_url) >= CLIENTS,
            timeout=60,
            message="every client's poll to be waiting",
        )
        started = time.monotonic()
        written = await _write(stack.api_url, communities, logins)
        write_seconds = time.monotonic() - started
        expected_count = {
            c["id"]: sum(1 for cid, _ in written.values() if cid == c["id"]) for c in communities
        }

        async def all_delivered():
            while any(len(q.received) < expected_count[q.community_id] for q in queues):
                if any(
                    q.catchups or len(q.received) > expected_count[q.community_id] for q in queues
                ):
                    return  # the assertions below say what went wrong
                await asyncio.sleep(0.1)

        await asyncio.wait_for(all_delivered(), timeout=120)
        delivered_seconds = time.monotonic() - started
    finally:
        for poller in pollers:
            poller.cancel()
        await asyncio.gather(*pollers, return_exceptions=True)

    assert len(written) == WRITES
    order_of = {}
    for queue in queues:
        assert queue.catchups == 0 and queue.errors == [], queue
        event_ids = [event_id for event_id, _ in queue.received]
        assert event_ids == sorted(set(event_ids)), "in order, no duplicate"
        discussions = [d for _, d in queue.received]
        assert all(written[d][0] == queue.community_id for d in discussions), "own community only"
        assert len(discussions) == expected_count[queue.community_id], "nothing missing"
        # Every queue of a community sees the same events in the same order.
        assert order_of.setdefault(queue.community_id, queue.received) == queue.received

    latencies = [
        received_at - written[d][1]
        for queue in queues
        for (_, d), received_at in zip(queue.received, queue.received_at)
    ]
    deliveries = len(latencies)
    assert deliveries == sum(expected_count[q.community_id] for q in queues)
    print(
        f"\nburst: {WRITES} writes by {WRITERS} connections in {write_seconds:.1f}s "
        f"({WRITES / write_seconds:.0f}/s); {CLIENTS} clients in {COMMUNITIES} communities; "
        f"{deliveries} deliveries complete after {delivered_seconds:.1f}s; latency from "
        f"write sent to delivery p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {_percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"p99 {_percentile(latencies, 0.99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
