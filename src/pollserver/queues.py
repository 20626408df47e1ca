"""Which user owns each queue, cached per process, and the renewal of queue TTLs.

The queue record lives in Redis (`keys.queue`) and expires there by TTL; polls
and heartbeats through the Django API both renew it. A poll counts as a
heartbeat, but renewing on every poll would cost a Redis round trip, so polls
only mark their queue as touched and the touched queues are renewed together
every couple of seconds. A cached record not confirmed by Redis for a few
seconds is confirmed again before it is trusted, so a queue that expired in
Redis is answered 404 by every process, not only by the one that saw it last.
The caller runs `renew_touched` every `renew_interval` seconds.
"""

import time

from realtime_core import keys

from .batching import BatchedReader


class _CachedQueue:
    __slots__ = ("user_id", "confirmed_at", "used_at")

    def __init__(self, user_id: int, now: float):
        self.user_id = user_id
        self.confirmed_at = now  # when Redis last said the queue exists
        self.used_at = now  # when a poll last asked for it


class QueueCache:
    def __init__(self, redis, ttl: int, renew_interval: float, confirm_after: float = 5.0):
        self._redis = redis
        self._ttl = ttl
        # Never trust a record so long that it may have expired in Redis, or
        # expire before the next batched renewal reaches it.
        self._trust_for = max(0.0, min(confirm_after, ttl - renew_interval))
        self._queues: dict[str, _CachedQueue] = {}
        self._touched: set[str] = set()
        self._lookups = BatchedReader(self._read_and_renew)

    def __len__(self) -> int:
        return len(self._queues)

    async def owner(self, queue_id: str) -> int | None:
        """The owner of a live queue, or None when it is unknown or expired.

        Counts as a use of the queue: its TTL is renewed. Raises RedisError when
        the queue has to be looked up and Redis does not answer.
        """
        now = time.monotonic()
        queue = self._queues.get(queue_id)
        if queue is not None and now - queue.confirmed_at < self._trust_for:
            queue.used_at = now
            self._touched.add(queue_id)
            return queue.user_id
        return await self._lookups.read(queue_id)

    def owners(self) -> set[int]:
        return {queue.user_id for queue in self._queues.values()}

    async def renew_touched(self) -> None:
        """Renew the TTL of every queue polled since the last call; forget the expired ones."""
        if not self._touched:
            return
        touched, self._touched = list(self._touched), set()
        sent_at = time.monotonic()
        pipe = self._redis.pipeline(transaction=False)
        for queue_id in touched:
            pipe.expire(keys.queue(queue_id), self._ttl)
        try:
            renewed = await pipe.execute()
        except BaseException:
            self._touched.update(touched)  # try again next time
            raise
        for queue_id, still_exists in zip(touched, renewed):
            queue = self._queues.get(queue_id)
            if queue is None:
                continue
            if still_exists:
                queue.confirmed_at = max(queue.confirmed_at, sent_at)
            else:
                del self._queues[queue_id]

    def forget_idle(self) -> None:
        """Drop records no poll asked for during a whole TTL; they are probably gone."""
        idle_since = time.monotonic() - self._ttl
        for queue_id in [q for q, queue in self._queues.items() if queue.used_at < idle_since]:
            del self._queues[queue_id]

    def forget_user(self, user_id: int) -> None:
        """Drop the user's records (their access was revoked): the next poll asks Redis."""
        for queue_id in [q for q, queue in self._queues.items() if queue.user_id == user_id]:
            del self._queues[queue_id]
            self._touched.discard(queue_id)

    def clear(self) -> None:
        self._queues.clear()
        self._touched.clear()

    async def _read_and_renew(self, queue_ids: list[str]) -> list[int | None]:
        """Owners of the queues (None for unknown or expired ones), renewing them as well."""
        pipe = self._redis.pipeline(transaction=False)
        for queue_id in queue_ids:
            pipe.getex(keys.queue(queue_id), ex=self._ttl)
        results = await pipe.execute()
        now = time.monotonic()
        owners = []
        for queue_id, owner in zip(queue_ids, results):
            if owner is None:
                self._queues.pop(queue_id, None)
                owners.append(None)
            else:
                self._queues[queue_id] = _CachedQueue(int(owner), now)
                owners.append(int(owner))
        return owners
