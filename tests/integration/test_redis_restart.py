"""Redis restarted: with the production persistence settings the log, the ids
and the queues survive; when its data is really lost, clients are told to
catch up (or to register again), never left with a silent gap."""

import json
import signal
import time

import pytest
import redis

from tests.support.api import Api
from tests.support.poller import Poller
from tests.support.stack import Stack, wait_until

LOG, SEQUENCE = "rt:{rt}:log", "rt:{rt}:seq"


@pytest.fixture(scope="module")
def persistent(tmp_path_factory):
    """A private redis-server with `appendonly yes`, `appendfsync everysec` (docs/deployment.md)."""
    stack = Stack(
        tmp_path_factory.mktemp("redis_restart"),
        "redis_restart",
        redis_db=0,
        own_redis=True,
        env={"REALTIME_POLL_TIMEOUT": "2"},
    )
    stack.redis.appendfsync = "everysec"
    stack.start()
    yield stack, Api(stack.api_url)
    stack.stop()


def _private_pair(api: Api):
    admin, member = api.signup("admin"), api.signup("member")
    community = api.community(admin, "private", members=[member])
    return admin, member, community, api.article(admin, community["id"])


def _discussion_ids(events) -> list[int]:
    return [e["data"]["discussion"]["id"] for e in events if "discussion" in e["data"]]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_restart_keeps_log_ids_and_queues(persistent, stop):
    """SIGKILL comes right after the last write: with `appendfsync everysec` its log entry is
    in the AOF file (written before Redis answered), though not yet fsynced; only a crash of
    the machine itself could lose that last second, and that is the data-loss test below."""
    stack, api = persistent
    admin, member, community, article = _private_pair(api)
    queue = api.register(member)
    store = redis.Redis.from_url(stack.redis_url)
    with Poller(stack.poll_url, queue["queue_id"], queue["last_event_id"]) as poller:
        before = [api.discussion(admin, community["id"], article["id"])["id"] for _ in range(5)]
        log_before, head_before = store.xrange(LOG), int(store.get(SEQUENCE))
        newest = json.loads(log_before[-1][1][b"body"])
        assert newest["data"]["discussion"]["id"] == before[-1], (
            "published on commit, before the API answered"
        )

        stack.redis.stop(stop)
        during = [api.discussion(admin, community["id"], article["id"])["id"] for _ in range(3)]
        stack.redis.start()
        restarted = time.monotonic()
        poller.wait_for(
            lambda e: e["data"]["discussion"]["id"] == during[-1],
            timeout=20,
            message="the events written while Redis restarted",
        )
        recovery = time.monotonic() - restarted
        after = api.discussion(admin, community["id"], article["id"])["id"]
        poller.wait_for(lambda e: e["data"]["discussion"]["id"] == after, timeout=10)

    assert store.xrange(LOG)[: len(log_before)] == log_before, "the log survived unchanged"
    event_ids = [e["event_id"] for e in poller.events]
    assert event_ids == list(range(event_ids[0], event_ids[0] + len(event_ids))), (
        "ids continue from before the restart: none repeated, none skipped"
    )
    assert event_ids[len(before) - 1] == head_before
    assert _discussion_ids(poller.events) == [*before, *during, after]
    assert poller.catchups == 0 and poller.errors == [], "the same queue carried on"
    print(
        f"\nRedis restart ({stop.name}): {len(during)} events written meanwhile delivered "
        f"{recovery:.2f}s after it came back"
    )


def _reregister_after(poller: Poller) -> bool:
    """The old queue said catch up or is gone: what a client does next is register again."""
    return poller.catchups > 0 or 404 in poller.errors


@pytest.mark.parametrize("loss", ["flushed", "files_lost"])
def test_lost_redis_data_tells_clients_to_catch_up_never_a_gap(persistent, loss):
    stack, api = persistent
    admin, member, community, article = _private_pair(api)
    queue = api.register(member)
    store = redis.Redis.from_url(stack.redis_url)
    with Poller(stack.poll_url, queue["queue_id"], queue["last_event_id"]) as old:
        first = api.discussion(admin, community["id"], article["id"])["id"]
        old.wait_for(lambda e: e["data"]["discussion"]["id"] == first)
        highest_before = int(store.get(SEQUENCE))

        if loss == "flushed":
            store.flushall()
        else:
            stack.redis.lose_data()
            stack.redis.start()
        lost_at = time.monotonic()
        after_loss = api.discussion(admin, community["id"], article["id"])["id"]
        wait_until(
            lambda: _reregister_after(old),
            timeout=20,
            message="catchup_required or 404 on the old queue",
        )
        told = time.monotonic() - lost_at

    assert after_loss not in _discussion_ids(old.events), "no event across the loss unannounced"
    assert _discussion_ids(old.events) == [first]

    # A poll server answers 503 until it has read the new log, as a balancer would see.
    wait_until(stack.poll_server_healthy, timeout=10, message="the poll server to be healthy")
    fresh = api.register(member)
    assert fresh["last_event_id"] >= highest_before, "the sequence restarted above the old ids"
    with Poller(stack.poll_url, fresh["queue_id"], fresh["last_event_id"]) as new:
        next_one = api.discussion(admin, community["id"], article["id"])["id"]
        event = new.wait_for(lambda e: e["data"]["discussion"]["id"] == next_one, timeout=10)
    assert event["event_id"] > highest_before, "an event id is never reused"
    # /health can answer 200 a moment before the reader notices the loss and reloads; a
    # poll in that moment gets 503 ("retry"), which clients retry. Anything else is a fault.
    assert new.catchups == 0 and set(new.errors) <= {503}
    print(
        f"\nRedis data {loss}: old queue told to catch up or re-register {told:.2f}s later "
        f"(catchup_required {old.catchups}x, 404 {old.errors.count(404)}x)"
    )
