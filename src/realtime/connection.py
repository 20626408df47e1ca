"""The Django side's Redis client and the core objects bound to it."""

from functools import cache

import redis
from django.conf import settings

from realtime_core import connections
from realtime_core.config import RealtimeConfig
from realtime_core.log import EventLog
from realtime_core.queues import QueueRegistry
from realtime_core.signals import Signals

# Redis errors the API turns into "realtime unavailable" instead of failing a write.
REDIS_ERRORS = (redis.RedisError, OSError)


def config() -> RealtimeConfig:
    return settings.REALTIME


@cache
def client() -> redis.Redis:
    return connections.sync_client(
        config().redis_url, socket_connect_timeout=1, socket_timeout=2, health_check_interval=30
    )


@cache
def event_log() -> EventLog:
    return EventLog(client(), maxlen=config().log_maxlen, dedupe_ttl=config().dedupe_ttl)


@cache
def queue_registry() -> QueueRegistry:
    realtime = config()
    return QueueRegistry(
        client(),
        ttl=realtime.queue_ttl,
        max_per_user=realtime.max_queues_per_user,
        registrations_per_minute=realtime.registrations_per_minute,
    )


@cache
def signals() -> Signals:
    return Signals(client())
