"""Unit tests of the queue cache against the real test Redis."""

import asyncio

from pollserver.queues import QueueCache
from realtime_core import keys


async def test_first_poll_reads_the_owner_and_renews_the_queue(realtime, async_redis):
    queue_id, _ = realtime.register(7, [])
    realtime.redis.expire(keys.queue(queue_id), 30)
    cache = QueueCache(async_redis, ttl=120, renew_interval=2)
    assert await cache.owner(queue_id) == 7
    assert realtime.redis.ttl(keys.queue(queue_id)) > 100
    assert await cache.owner("unknown-queue-id-xxxxx") is None
    assert len(cache) == 1


async def test_lookups_of_one_loop_turn_share_one_pipeline(realtime, async_redis, monkeypatch):
    queue_ids = [realtime.register(user_id, [])[0] for user_id in range(1, 6)]
    cache = QueueCache(async_redis, ttl=120, renew_interval=2)
    pipelines = []
    original = async_redis.pipeline

    def counted_pipeline(**options):
        pipelines.append(options)
        return original(**options)

    monkeypatch.setattr(async_redis, "pipeline", counted_pipeline)
    owners = await asyncio.gather(*(cache.owner(q) for q in queue_ids + queue_ids))
    assert owners == [1, 2, 3, 4, 5] * 2
    assert len(pipelines) == 1


async def test_warm_polls_are_renewed_in_a_batch(realtime, async_redis):
    queue_id, _ = realtime.register(7, [])
    cache = QueueCache(async_redis, ttl=120, renew_interval=2)
    await cache.owner(queue_id)
    realtime.redis.expire(keys.queue(queue_id), 30)
    assert await cache.owner(queue_id) == 7  # from the cache: no renewal yet
    assert realtime.redis.ttl(keys.queue(queue_id)) <= 30
    await cache.renew_touched()
    assert realtime.redis.ttl(keys.queue(queue_id)) > 100


async def test_a_queue_gone_from_redis_is_forgotten_by_the_batch_renewal(realtime, async_redis):
    queue_id, _ = realtime.register(7, [])
    cache = QueueCache(async_redis, ttl=120, renew_interval=2)
    await cache.owner(queue_id)
    await cache.owner(queue_id)
    realtime.redis.delete(keys.queue(queue_id))
    await cache.renew_touched()
    assert len(cache) == 0
    assert await cache.owner(queue_id) is None


async def test_an_unconfirmed_cached_queue_is_checked_in_redis_again(realtime, async_redis):
    queue_id, _ = realtime.register(7, [])
    cache = QueueCache(async_redis, ttl=120, renew_interval=2, confirm_after=0.0)
    assert await cache.owner(queue_id) == 7
    realtime.redis.delete(keys.queue(queue_id))  # expired, as far as Redis is concerned
    assert await cache.owner(queue_id) is None


async def test_a_short_lived_queue_is_never_trusted_from_the_cache(realtime, async_redis):
    queue_id, _ = realtime.register(7, [])
    cache = QueueCache(async_redis, ttl=2, renew_interval=2)
    assert await cache.owner(queue_id) == 7
    realtime.redis.delete(keys.queue(queue_id))
    assert await cache.owner(queue_id) is None
