"""Unit tests of the membership cache, especially events that race a load."""

import asyncio

from pollserver.memberships import Memberships
from realtime_core import keys


class SlowRedis:
    """Answers SMEMBERS and GET only when the test says so, to interleave log events with a load.

    `values` holds the membership sets and the latest-join ids by key.
    """

    def __init__(self, values: dict[str, set[bytes] | bytes]):
        self.values = values
        self.pipelines = 0
        self.release = asyncio.Event()

    def pipeline(self, transaction: bool):
        self.pipelines += 1
        return SlowPipeline(self)


class SlowPipeline:
    def __init__(self, redis: SlowRedis):
        self.redis = redis
        self.commands: list[tuple[str, object]] = []  # (key, the reply when it is missing)

    def smembers(self, key: str) -> None:
        self.commands.append((key, set()))

    def get(self, key: str) -> None:
        self.commands.append((key, None))

    async def execute(self) -> list:
        # Redis answers with the state at the moment the commands arrive.
        snapshot = [self.redis.values.get(key, missing) for key, missing in self.commands]
        await self.redis.release.wait()
        return snapshot


async def test_events_seen_while_loading_are_applied_on_top_of_the_read():
    redis = SlowRedis({keys.memberships(1): {b"10", b"20"}})
    memberships = Memberships(redis)
    load = asyncio.ensure_future(memberships.load(1))
    await asyncio.sleep(0)  # the SMEMBERS is now in flight
    assert memberships.apply(1, 10, False, 5) is False  # not loaded yet: remembered, not applied
    memberships.apply(1, 30, True, 6)
    redis.release.set()
    assert await load == {20, 30}
    assert memberships.of(1) == {20, 30}


async def test_concurrent_loads_share_one_pipeline():
    redis = SlowRedis({keys.memberships(1): {b"10"}, keys.memberships(2): {b"20"}})
    memberships = Memberships(redis)
    loads = [asyncio.ensure_future(memberships.load(user)) for user in (1, 1, 2)]
    await asyncio.sleep(0)
    redis.release.set()
    assert await asyncio.gather(*loads) == [{10}, {10}, {20}]
    assert redis.pipelines == 1


async def test_apply_reports_changes_of_loaded_users_only():
    redis = SlowRedis({keys.memberships(1): {b"10"}})
    redis.release.set()
    memberships = Memberships(redis)
    assert memberships.apply(1, 20, True, 5) is False  # unknown user: nothing to keep current
    await memberships.load(1)
    assert memberships.apply(1, 10, True, 6) is False  # already a member
    assert memberships.apply(1, 10, False, 7) is True
    assert memberships.of(1) == set()


async def test_a_load_that_straddles_clear_is_not_cached():
    redis = SlowRedis({keys.memberships(1): {b"10"}})
    memberships = Memberships(redis)
    load = asyncio.ensure_future(memberships.load(1))
    await asyncio.sleep(0)
    memberships.clear()  # Redis lost data while the read was in flight
    redis.release.set()
    await load
    assert memberships.of(1) is None


async def test_retain_forgets_users_without_queues_or_polls():
    redis = SlowRedis({keys.memberships(1): {b"10"}, keys.memberships(2): {b"20"}})
    redis.release.set()
    memberships = Memberships(redis)
    await memberships.load(1)
    await memberships.load(2)
    memberships.retain({2})
    assert memberships.of(1) is None and memberships.of(2) == {20}


async def test_users_with_the_same_communities_share_one_immutable_set():
    redis = SlowRedis({keys.memberships(user): {b"10", b"20"} for user in (1, 2, 3)})
    redis.release.set()
    memberships = Memberships(redis)
    first, second, third = [await memberships.load(user) for user in (1, 2, 3)]
    assert first == {10, 20} and first is second is third
    assert isinstance(first, frozenset)
    assert memberships.apply(2, 30, True, 5) is True
    # The event replaced user 2's set; what others held (the fan-out's index) is untouched.
    assert memberships.of(2) == {10, 20, 30} and first == {10, 20}
    assert memberships.of(1) is first


async def test_the_latest_join_comes_from_redis_and_then_from_the_log():
    redis = SlowRedis({keys.memberships(1): {b"10"}, keys.joined(1): b"7"})
    memberships = Memberships(redis)
    load = asyncio.ensure_future(memberships.load(1))
    await asyncio.sleep(0)
    memberships.apply(1, 20, True, 9)  # read while loading
    redis.release.set()
    await load
    assert memberships.joined_at(1) == 9
    memberships.apply(1, 20, False, 11)
    memberships.apply(1, 20, True, 12)
    assert memberships.joined_at(1) == 12
    assert memberships.joined_at(2) == 0  # not loaded: nothing known


async def test_a_revocation_forgets_the_user_even_during_a_load():
    redis = SlowRedis({keys.memberships(1): {b"10"}, keys.joined(1): b"7"})
    memberships = Memberships(redis)
    load = asyncio.ensure_future(memberships.load(1))
    await asyncio.sleep(0)
    memberships.revoke(1, 8)  # the read in flight may predate it
    redis.release.set()
    assert await load == set()
    assert memberships.of(1) is None  # not cached: the next poll reads Redis again

    await memberships.load(1)
    memberships.revoke(1, 9)
    assert memberships.of(1) is None and memberships.joined_at(1) == 0
