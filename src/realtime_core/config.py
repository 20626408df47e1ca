"""Realtime settings read from the environment, with defaults that work locally.

Every process reads them once, at start, and passes the values down: the poll
server in `pollserver.config`, the Django side in `marginalia.settings`.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass

# The web origins allowed to call the API and the poll server from a browser: the
# project's own pages, and the development server of a separate front end.
DEFAULT_ALLOWED_ORIGINS = "http://localhost:8000,http://127.0.0.1:8000,http://localhost:3000"
ANSWER_BYTES = 256 * 1024  # default size of one poll answer: three events of the largest size


class Environment:
    """Typed reads of environment variables; an unset or empty variable gives the default."""

    def __init__(self, environ: Mapping[str, str] | None = None):
        self._environ = os.environ if environ is None else environ

    def text(self, name: str, default: str) -> str:
        return self._environ.get(name) or default

    def integer(self, name: str, default: int) -> int:
        return int(self.text(name, str(default)))

    def number(self, name: str, default: float) -> float:
        return float(self.text(name, str(default)))

    def origins(self) -> tuple[str, ...]:
        """CORS_ALLOWED_ORIGINS: one allow-list for both servers; "*" allows any origin
        without credentials."""
        # Set but empty is an empty list (no browser origin allowed), not the default.
        origins = self._environ.get("CORS_ALLOWED_ORIGINS", DEFAULT_ALLOWED_ORIGINS)
        return tuple(o.strip() for o in origins.split(",") if o.strip())


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
    ring_size: int  # events a poll server keeps in memory, at most
    ring_bytes: int  # encoded events a poll server keeps in memory, in bytes
    answer_bytes: int  # one poll answer, in bytes (an answer always holds at least one event)

    @classmethod
    def from_env(cls, env: Environment | None = None) -> "RealtimeConfig":
        env = env or Environment()
        return cls(
            redis_url=env.text("REALTIME_REDIS_URL", "redis://localhost:6379/3"),
            queue_ttl=env.integer("REALTIME_QUEUE_TTL", 120),
            poll_timeout=env.number("REALTIME_POLL_TIMEOUT", 60.0),
            pending_limit=env.integer("REALTIME_PENDING_LIMIT", 1000),
            log_maxlen=env.integer("REALTIME_LOG_MAXLEN", 100_000),
            dedupe_ttl=env.integer("REALTIME_DEDUPE_TTL", 7 * 24 * 3600),
            allowed_origins=env.origins(),
            max_queues_per_user=env.integer("REALTIME_MAX_QUEUES_PER_USER", 20),
            registrations_per_minute=env.integer("REALTIME_REGISTRATIONS_PER_MINUTE", 60),
            ring_size=env.integer("REALTIME_RING_SIZE", 20_000),
            ring_bytes=env.integer("REALTIME_RING_BYTES", 32 * 1024 * 1024),
            answer_bytes=env.integer("REALTIME_ANSWER_BYTES", ANSWER_BYTES),
        )
