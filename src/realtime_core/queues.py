"""The queue registry: one Redis hash per queue, expiring with the queue.

A queue id is a capability (the poll carries no credentials), so it holds 128
random bits. The record names the owner; everything else a poll needs (the
user's memberships, the events) lives elsewhere and is shared by the user's
queues.
"""

import re
import secrets

from . import keys


def new_queue_id() -> str:
    return secrets.token_urlsafe(16)  # 128 bits


_QUEUE_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def looks_like_queue_id(value: str) -> bool:
    """Cheap shape check so malformed ids never reach Redis (ASCII url-safe base64 only)."""
    return _QUEUE_ID_SHAPE.fullmatch(value) is not None


class QueueRegistry:
    """Synchronous registry used by the Django side."""

    def __init__(self, redis_client, ttl: int):
        self._redis = redis_client
        self._ttl = ttl

    def create(self, user_id: int, private_community_ids: list[int]) -> str:
        """Register a queue and publish the user's current private memberships."""
        queue_id = new_queue_id()
        members_key = keys.memberships(user_id)
        pipe = self._redis.pipeline(transaction=True)
        pipe.hset(keys.queue(queue_id), mapping={"user_id": user_id})
        pipe.expire(keys.queue(queue_id), self._ttl)
        pipe.delete(members_key)
        if private_community_ids:
            pipe.sadd(members_key, *private_community_ids)
        pipe.execute()
        return queue_id

    def owner(self, queue_id: str) -> int | None:
        if not looks_like_queue_id(queue_id):
            return None
        raw = self._redis.hget(keys.queue(queue_id), "user_id")
        return int(raw) if raw is not None else None

    def touch(self, queue_id: str, user_id: int) -> bool:
        """Renew the queue if it exists and belongs to user_id."""
        if self.owner(queue_id) != user_id:
            return False
        return bool(self._redis.expire(keys.queue(queue_id), self._ttl))
