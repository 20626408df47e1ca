"""Restarts, outages, expiry and the log's limits: never a silent gap."""

import signal

import httpx
import pytest
import redis

from realtime_core import keys
from tests.support.api import Api
from tests.support.poller import Poller, poll_once
from tests.support.stack import Stack, publish_direct, wait_until


def _ids(poller):
    return [e["data"]["discussion"]["id"] for e in poller.events]


def test_poll_server_killed_and_restarted_loses_nothing(stack, api, lab):
    admin, cid, aid = lab["admin"], lab["community"]["id"], lab["article"]["id"]
    queue = api.register(lab["member"])
    with Poller(stack.poll_url, queue["queue_id"], queue["last_event_id"]) as poller:
        first = api.discussion(admin, cid, aid)
        poller.wait_for(lambda e: e["data"]["discussion"]["id"] == first["id"])
        stack.stop_process("poll", signal.SIGKILL)
        during = [api.discussion(admin, cid, aid)["id"] for _ in range(3)]
        stack.start_poll_server()
        after = api.discussion(admin, cid, aid)
        poller.wait_for(lambda e: e["data"]["discussion"]["id"] == after["id"], timeout=10)
    assert _ids(poller) == [first["id"], *during, after["id"]]
    assert 404 not in poller.errors, "the queue survives a poll server restart"


def test_pending_over_the_limit_requires_catchup(stack, api, lab):
    queue = api.register(lab["member"])
    head = publish_direct(stack.redis_url, lab["community"]["id"], 1001)
    response = poll_once(stack.poll_url, queue["queue_id"], queue["last_event_id"])
    assert response.status_code == 200
    assert response.json() == {"catchup_required": True, "last_event_id": head}
    # Resuming from the returned id works normally.
    discussion = api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"])
    response = poll_once(stack.poll_url, queue["queue_id"], head)
    assert [e["data"]["discussion"]["id"] for e in response.json()["events"]] == [discussion["id"]]


def test_cursor_ahead_of_the_log_requires_catchup(stack, api, lab):
    queue = api.register(lab["member"])
    response = poll_once(stack.poll_url, queue["queue_id"], queue["last_event_id"] + 10_000)
    assert response.json() == {"catchup_required": True, "last_event_id": queue["last_event_id"]}


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory):
    """Queues that expire in 3 s and a log (and in-memory ring) of about 100 events."""
    stack = Stack(
        tmp_path_factory.mktemp("short"),
        "short",
        redis_db=12,
        env={
            "REALTIME_QUEUE_TTL": "3",
            "REALTIME_POLL_TIMEOUT": "1",
            "REALTIME_LOG_MAXLEN": "100",
            "REALTIME_RING_SIZE": "50",
        },
    ).start()
    yield stack, Api(stack.api_url)
    stack.stop()


def _private_pair(api):
    admin, member = api.signup("admin"), api.signup("member")
    community = api.community(admin, "private", members=[member])
    return admin, member, community, api.article(admin, community["id"])


def test_queue_expires_without_polls_and_reregistering_recovers(short_lived):
    stack, api = short_lived
    admin, member, community, article = _private_pair(api)
    queue = api.register(member)
    assert poll_once(stack.poll_url, queue["queue_id"], queue["last_event_id"]).status_code == 200
    store = redis.Redis.from_url(stack.redis_url)
    wait_until(
        lambda: not store.exists(keys.queue(queue["queue_id"])),
        timeout=10,
        message="the queue's TTL to run out",
    )

    expired = poll_once(stack.poll_url, queue["queue_id"], queue["last_event_id"])
    assert expired.status_code == 404 and "message" in expired.json()
    heartbeat = api.call("POST", f"/api/realtime/heartbeat?queue_id={queue['queue_id']}", member)
    assert heartbeat.status_code == 404

    fresh = api.register(member)
    discussion = api.discussion(admin, community["id"], article["id"])
    response = poll_once(stack.poll_url, fresh["queue_id"], fresh["last_event_id"])
    assert [e["data"]["discussion"]["id"] for e in response.json()["events"]] == [discussion["id"]]


def test_heartbeat_keeps_a_queue_alive(short_lived):
    stack, api = short_lived
    _, member, _, _ = _private_pair(api)
    queue = api.register(member)
    store = redis.Redis.from_url(stack.redis_url)
    key = keys.queue(queue["queue_id"])
    for _ in range(4):
        # Renew once a third of the TTL has gone (a busy machine's request still has two
        # seconds to arrive): four renewals outlast one TTL, so it would have run out.
        wait_until(lambda: 0 < store.pttl(key) < 2000, timeout=5, message="the TTL to run down")
        api.call(
            "POST", f"/api/realtime/heartbeat?queue_id={queue['queue_id']}", member, expect=200
        )
    assert poll_once(stack.poll_url, queue["queue_id"], queue["last_event_id"]).status_code == 200


def test_trimmed_log_requires_catchup(short_lived):
    stack, api = short_lived
    _, member, community, _ = _private_pair(api)
    queue = api.register(member)
    head = publish_direct(stack.redis_url, community["id"], 400, maxlen=100)
    response = poll_once(stack.poll_url, queue["queue_id"], queue["last_event_id"])
    assert response.json() == {"catchup_required": True, "last_event_id": head}


@pytest.fixture
def own_redis_stack(tmp_path):
    stack = Stack(
        tmp_path, "outage", redis_db=0, own_redis=True, env={"REALTIME_POLL_TIMEOUT": "2"}
    ).start()
    yield stack, Api(stack.api_url)
    stack.stop()


def test_writes_survive_a_redis_outage_and_are_delivered_once_in_order(own_redis_stack):
    stack, api = own_redis_stack
    admin, member, community, article = _private_pair(api)
    queue = api.register(member)
    with Poller(stack.poll_url, queue["queue_id"], queue["last_event_id"]) as poller:
        before = api.discussion(admin, community["id"], article["id"])
        poller.wait_for(lambda e: e["data"]["discussion"]["id"] == before["id"])

        stack.redis.stop()
        during = [api.discussion(admin, community["id"], article["id"])["id"] for _ in range(5)]
        stack.redis.start()

        poller.wait_for(
            lambda e: e["data"]["discussion"]["id"] == during[-1],
            timeout=15,
            message="the events written while Redis was down",
        )
        after = api.discussion(admin, community["id"], article["id"])
        poller.wait_for(lambda e: e["data"]["discussion"]["id"] == after["id"], timeout=5)
    assert _ids(poller) == [before["id"], *during, after["id"]]
    event_ids = [e["event_id"] for e in poller.events]
    assert event_ids == sorted(set(event_ids))
    health = httpx.get(f"{stack.poll_url}/health", timeout=2)
    assert health.status_code == 200
