"""Realtime settings read from the environment, with defaults that work locally."""

import os
from dataclasses import dataclass


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


# The web origins allowed to call the API and the poll server from a browser: the
# project's own pages, and the development server of a separate front end.
DEFAULT_ALLOWED_ORIGINS = "http://localhost:8000,http://127.0.0.1:8000,http://localhost:3000"


def allowed_origins() -> tuple[str, ...]:
    """CORS_ALLOWED_ORIGINS: one allow-list for both servers; "*" allows any origin
    without credentials."""
    origins = os.environ.get("CORS_ALLOWED_ORIGINS", DEFAULT_ALLOWED_ORIGINS)
    return tuple(o.strip() for o in origins.split(",") if o.strip())


ANSWER_BYTES = 256 * 1024  # default size of one poll answer: three events of the largest size


@dataclass(frozen=True)
class RealtimeConfig:
    redis_url: str
    queue_ttl: int  # seconds a queue lives after its last poll or heartbeat
    poll_timeout: float  # seconds a poll waits before answering with no events
    pending_limit: int  # more matching events than this waiting: catch-up instead
    log_maxlen: int  # approximate number of events the Redis log retains
    dedupe_ttl: int  # seconds a relay retry is recognised as a duplicate
    allowed_origins: tuple[str, ...]
    max_queues_per_user: int  # registering one more evicts the oldest
    registrations_per_minute: int  # per user; more get 429
    ring_bytes: int  # encoded events a poll server keeps in memory, in bytes
    answer_bytes: int  # one poll answer, in bytes (an answer always holds at least one event)

    @classmethod
    def from_env(cls) -> "RealtimeConfig":
        return cls(
            redis_url=os.environ.get("REALTIME_REDIS_URL", "redis://localhost:6379/3"),
            queue_ttl=_int("REALTIME_QUEUE_TTL", 120),
            poll_timeout=_float("REALTIME_POLL_TIMEOUT", 60.0),
            pending_limit=_int("REALTIME_PENDING_LIMIT", 1000),
            log_maxlen=_int("REALTIME_LOG_MAXLEN", 100_000),
            dedupe_ttl=_int("REALTIME_DEDUPE_TTL", 7 * 24 * 3600),
            allowed_origins=allowed_origins(),
            max_queues_per_user=_int("REALTIME_MAX_QUEUES_PER_USER", 20),
            registrations_per_minute=_int("REALTIME_REGISTRATIONS_PER_MINUTE", 60),
            ring_bytes=_int("REALTIME_RING_BYTES", 32 * 1024 * 1024),
            answer_bytes=_int("REALTIME_ANSWER_BYTES", ANSWER_BYTES),
        )
