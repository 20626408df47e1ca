"""The log reader in process against the real test Redis: ring, gaps, trims, data loss."""

import asyncio

import pytest

from pollserver.fanout import Fanout
from pollserver.logreader import LogReader, LogTrimmed
from pollserver.memberships import Memberships
from pollserver.queues import QueueCache
from realtime_core.events import revocation_event


class Harness:
    def __init__(self, async_redis, ring_size: int, ring_bytes: int):
        self.fanout = Fanout(pending_limit=1000, poll_timeout=60)
        self.memberships = Memberships(async_redis)
        self.queues = QueueCache(async_redis, ttl=120, renew_interval=2)
        self.data_lost_at: list[int] = []
        self.reader = LogReader(
            async_redis,
            async_redis,
            self.fanout,
            self.memberships,
            on_data_lost=self.data_lost_at.append,
            ring_size=ring_size,
            ring_bytes=ring_bytes,
            queues=self.queues,
            batch_size=4,
            block_ms=100,
        )

    async def entries_since(self, cursor: int) -> list[int]:
        return [e.event_id async for page in self.reader.entries_since(cursor) for e in page]


@pytest.fixture
async def harness(async_redis):
    harnesses = []

    async def start(ring_size: int = 100, ring_bytes: int = 10**9) -> Harness:
        harness = Harness(async_redis, ring_size, ring_bytes)
        harness.task = asyncio.create_task(harness.reader.run())
        harnesses.append(harness)
        return harness

    yield start
    for harness in harnesses:
        harness.task.cancel()
        await asyncio.gather(harness.task, return_exceptions=True)


async def test_loads_the_tail_then_follows_the_log(realtime, harness, eventually):
    for _ in range(3):
        realtime.publish(10)
    h = await harness(ring_size=100)
    await eventually(lambda: h.reader.ready and h.reader.head == 3)
    realtime.publish(10)
    await eventually(lambda: h.reader.head == 4)
    assert await h.entries_since(1) == [2, 3, 4]
    assert await h.entries_since(4) == []


async def test_cursors_older_than_the_ring_are_served_from_redis(realtime, harness, eventually):
    for _ in range(10):
        realtime.publish(10)
    h = await harness(ring_size=3)
    await eventually(lambda: h.reader.head == 10)
    assert h.reader.ring_floor == 7
    assert await h.entries_since(0) == list(range(1, 11))  # pages of 4 from Redis, then the ring
    assert await h.entries_since(5) == [6, 7, 8, 9, 10]


async def test_cursors_older_than_the_log_are_trimmed(realtime, harness, eventually):
    for _ in range(10):
        realtime.publish(10)
    realtime.redis.xtrim("rt:{rt}:log", minid="6-0", approximate=False)
    h = await harness(ring_size=3)
    await eventually(lambda: h.reader.head == 10)
    assert await h.entries_since(5) == [6, 7, 8, 9, 10]
    with pytest.raises(LogTrimmed):
        await h.entries_since(4)


async def test_membership_events_update_loaded_users(realtime, harness, eventually):
    realtime.register(1, [10])
    h = await harness()
    await eventually(lambda: h.reader.ready)
    assert await h.memberships.load(1) == {10}
    realtime.set_membership(1, 20, True)
    realtime.set_membership(1, 10, False)
    await eventually(lambda: h.memberships.of(1) == {20})


async def test_flushed_redis_is_detected_as_data_loss(realtime, harness, eventually):
    realtime.publish(10)
    h = await harness()
    await eventually(lambda: h.reader.head == 1)
    generation = h.reader.generation
    realtime.redis.flushdb()
    await eventually(lambda: h.data_lost_at == [0])
    assert h.reader.generation == generation + 1
    await eventually(lambda: h.reader.ready)
    realtime.publish(10)  # a fresh epoch starts and is adopted without another reset
    await eventually(lambda: h.reader.head == 1)
    realtime.publish(10)
    await eventually(lambda: h.reader.head == 2)
    assert h.data_lost_at == [0]


async def test_sequence_going_backwards_is_data_loss(realtime, harness, eventually):
    for _ in range(5):
        realtime.publish(10)
    h = await harness()
    await eventually(lambda: h.reader.head == 5)
    # Redis restarted from an older snapshot: its log and its sequence both end at 2.
    snapshot = realtime.redis.xrange("rt:{rt}:log", max="2-0")
    pipe = realtime.redis.pipeline(transaction=True)
    pipe.delete("rt:{rt}:log")
    for stream_id, fields in snapshot:
        pipe.xadd("rt:{rt}:log", fields, id=stream_id)
    pipe.set("rt:{rt}:seq", 2)
    pipe.execute()
    await eventually(lambda: h.data_lost_at == [2] and h.reader.ready)
    assert h.reader.head == 2 and await h.entries_since(0) == [1, 2]
    realtime.publish(10)  # the snapshot's history goes on without another reset
    await eventually(lambda: h.reader.head == 3)
    assert h.data_lost_at == [2]


async def test_the_ring_holds_at_most_its_bytes_and_older_events_come_from_redis(
    realtime, harness, eventually
):
    for _ in range(10):
        realtime.publish(10, text="x" * 1000)
    h = await harness(ring_size=100, ring_bytes=3500)  # three of these events
    await eventually(lambda: h.reader.head == 10)
    assert h.reader.ring_size == 3 and h.reader.ring_bytes <= 3500
    assert h.reader.ring_floor == 7
    for _ in range(5):
        realtime.publish(10, text="x" * 1000)
    await eventually(lambda: h.reader.head == 15)
    assert h.reader.ring_size == 3 and h.reader.ring_bytes <= 3500
    assert await h.entries_since(0) == list(range(1, 16))


async def test_a_revocation_forgets_the_users_queues_and_memberships(realtime, harness, eventually):
    queue_id, _ = realtime.register(1, [10])
    other_id, _ = realtime.register(2, [10])
    h = await harness()
    await eventually(lambda: h.reader.ready)
    assert await h.queues.owner(queue_id) == 1 and await h.queues.owner(other_id) == 2
    await h.memberships.load(1)
    realtime.log.append("revoke-1", *revocation_event(1), floor=0, revoked_user_id=1)
    await eventually(lambda: h.memberships.of(1) is None)
    assert len(h.queues) == 1  # user 2's record stays
