"""The queue registry: one Redis hash per queue, expiring with the queue.

A queue id is a capability (the poll carries no credentials), so it holds 128
random bits. The record names the owner; everything else a poll needs (the
user's memberships, the events) lives elsewhere and is shared by the user's
queues.
"""

import re
import secrets
import time

from limits import RateLimitItemPerMinute
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from . import keys


def new_queue_id() -> str:
    return secrets.token_urlsafe(16)  # 128 bits


_QUEUE_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def looks_like_queue_id(value: str) -> bool:
    """Cheap shape check so malformed ids never reach Redis (ASCII url-safe base64 only)."""
    return _QUEUE_ID_SHAPE.fullmatch(value) is not None


class RegistrationLimitExceeded(Exception):
    """The user registered too many queues in the last minute."""

    def __init__(self, retry_after: float):
        super().__init__(f"registration limit reached; retry in {retry_after:.0f} s")
        self.retry_after = retry_after  # seconds until the oldest counted registration ages out


# Rewrites the user's membership set unless the user's access was just revoked:
# a registration authorised before the revocation must not bring the set back.
WRITE_MEMBERSHIPS_SCRIPT = """
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if #ARGV > 0 then redis.call('SADD', KEYS[1], unpack(ARGV)) end
return 1
"""


class QueueRegistry:
    """Synchronous registry used by the Django side.

    A user holds at most `max_per_user` live queues (one per tab or device is
    plenty); registering another evicts the oldest, so a leaky client cannot
    grow Redis without bound. Registrations are also rate limited per user, in
    a moving window of the `limits` library (the API's abuse limits count the
    same way), kept in the registry's own Redis.
    """

    def __init__(
        self, redis_client, ttl: int, max_per_user: int = 20, registrations_per_minute: int = 60
    ):
        self._redis = redis_client
        self._ttl = ttl
        self._max_per_user = max_per_user
        self._registrations = RateLimitItemPerMinute(registrations_per_minute)
        # The URL only tells `limits` which client library to use: connections come
        # from the registry's pool, with its address, timeouts and credentials.
        storage = RedisStorage(
            "redis://", connection_pool=redis_client.connection_pool, key_prefix=keys.REGISTRATIONS
        )
        self._registration_limiter = MovingWindowRateLimiter(storage)
        self._write_memberships = redis_client.register_script(WRITE_MEMBERSHIPS_SCRIPT)

    def _count_registration(self, user_id: int) -> None:
        """Counting and deciding are one atomic step (a Lua script of `limits`)."""
        user = str(user_id)
        if not self._registration_limiter.hit(self._registrations, user):
            stats = self._registration_limiter.get_window_stats(self._registrations, user)
            raise RegistrationLimitExceeded(retry_after=stats.reset_time - time.time())

    def create(
        self, user_id: int, private_community_ids: list[int], login_id: str | None = None
    ) -> str:
        """Register a queue and publish the user's current private memberships.

        If the user's access was revoked while this registration was under way,
        the queue is deleted again: its first poll is answered 404. `login_id`: the
        login that registered it, whose end ends it too (`end_login`).
        """
        self._count_registration(user_id)
        queue_id = new_queue_id()
        index = keys.user_queues(user_id)
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(keys.queue(queue_id), user_id, ex=self._ttl)
        self._write_memberships_in(pipe, user_id, private_community_ids)
        pipe.zadd(index, {queue_id: time.time()})
        pipe.zrange(index, 0, -(self._max_per_user + 1))  # all but the newest max_per_user
        pipe.expire(index, self._ttl)
        if login_id is not None:
            pipe.sadd(keys.login_queues(login_id), queue_id)
            pipe.expire(keys.login_queues(login_id), self._ttl)
        _, written, _, evicted, *_ = pipe.execute()
        if not written:
            evicted = [*evicted, queue_id.encode()]
        if evicted:
            self._delete_queues(index, evicted)
        return queue_id

    def replace_memberships(self, user_id: int, private_community_ids: list[int]) -> None:
        """Rewrite the user's membership set (`create` read the database too early)."""
        self._write_memberships_in(self._redis, user_id, private_community_ids)

    def end_all(self, user_id: int) -> None:
        """Delete every queue of the user (their access was revoked, or every login ended)."""
        index = keys.user_queues(user_id)
        queue_ids = self._redis.zrange(index, 0, -1)
        self._redis.delete(index, *(keys.queue(q.decode()) for q in queue_ids))

    def end_login(self, user_id: int, login_id: str) -> None:
        """Delete the queues one login registered (it ended: signed out)."""
        login = keys.login_queues(login_id)
        self._delete_queues(keys.user_queues(user_id), list(self._redis.smembers(login)))
        self._redis.delete(login)

    def owner(self, queue_id: str) -> int | None:
        if not looks_like_queue_id(queue_id):
            return None
        raw = self._redis.get(keys.queue(queue_id))
        return int(raw) if raw is not None else None

    def touch(self, queue_id: str, user_id: int) -> bool:
        """Renew the queue if it exists and belongs to user_id."""
        if self.owner(queue_id) != user_id:
            return False
        return bool(self._redis.expire(keys.queue(queue_id), self._ttl))

    def _write_memberships_in(self, client, user_id: int, private_community_ids: list[int]):
        return self._write_memberships(
            keys=[keys.memberships(user_id), keys.revoked(user_id)],
            args=private_community_ids,
            client=client,
        )

    def _delete_queues(self, index: str, queue_ids: list[bytes]) -> None:
        if not queue_ids:
            return
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(*(keys.queue(q.decode()) for q in queue_ids))
        pipe.zrem(index, *queue_ids)
        pipe.execute()
