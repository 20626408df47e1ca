"""Abuse limits kept in Redis, answered with 429, a JSON `{message}` and `Retry-After`.

A Limit is named after its entry in settings.RATE_LIMITS, which holds one or
more rules ("30/minute;500/hour"), all of which must hold; an empty string
turns it off. Counting uses the `limits` package's moving window: its Lua
scripts count atomically across every API process, and the oldest counted
attempt says exactly when a slot frees, which is the Retry-After we send.

When Redis cannot be reached the limits fail open: writes and logins go on
unlimited (a line `event=rate_limit_unavailable` says so) rather than the API
failing with Redis. Writes must survive a Redis outage (the outbox publishes
their events later), and logins stay slow to guess through the password hasher.
"""

import functools
import ipaddress
import logging
import time
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import redis
from django.conf import settings
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .errors import too_many_requests
from .log_lines import log_event

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_UNAVAILABLE = (StorageError, redis.RedisError, OSError)


@lru_cache(maxsize=4)
def _limiter(redis_url: str) -> MovingWindowRateLimiter:
    # Short timeouts: an unreachable Redis costs a request half a second per limit at most.
    # The `limits` library's own storage for the URL: RedisStorage, or for a
    # redis+sentinel:// URL RedisSentinelStorage, which finds the primary again after
    # a failover. Short timeouts for the sentinels too.
    timeouts = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    url, options = limits_storage_url(redis_url)
    if url.startswith("redis+sentinel:"):
        options["sentinel_kwargs"] = timeouts
    storage = storage_from_string(
        url, key_prefix="marginalia-limits", wrap_exceptions=True, **options, **timeouts
    )
    return MovingWindowRateLimiter(storage)


def limits_storage_url(redis_url: str) -> tuple[str, dict]:
    """The `limits` storage URL and options for one of our Redis URLs.

    `redis://` and `rediss://` are `limits`' own forms as they are. Our Sentinel form,
    `redis+sentinel://[:password@]host:port,.../<service>/<db>` (realtime_core.connections,
    which the toolkit may not import), differs from `limits`' only by the database
    in the path, which `limits` reads as part of the service name: it becomes an option.
    """
    if not redis_url.startswith("redis+sentinel://"):
        return redis_url, {}
    parts = urlsplit(redis_url)
    segments = [segment for segment in parts.path.split("/") if segment]
    if len(segments) != 2:
        return redis_url, {}
    return urlunsplit(parts._replace(path=f"/{segments[0]}")), {"db": int(segments[1])}


def limiter() -> MovingWindowRateLimiter:
    """The counters live in the Redis at settings.RATE_LIMIT_REDIS_URL (the realtime
    one unless configured apart), read per call so a test may point it elsewhere."""
    return _limiter(settings.RATE_LIMIT_REDIS_URL)


@lru_cache(maxsize=64)
def _parse(rules: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(rules)) if rules.strip() else ()


class Limit:
    def __init__(self, name: str, message: str):
        self.name = name
        self.message = message

    @property
    def rules(self) -> tuple[RateLimitItem, ...]:
        return _parse(settings.RATE_LIMITS[self.name])

    def hit(self, identifier: str) -> None:
        """Count one attempt; 429 when a rule has no room left. Counting and
        deciding are one atomic step, so concurrent attempts never slip past."""
        try:
            for rule in self.rules:
                if not limiter().hit(rule, self.name, identifier):
                    raise self._refusal(identifier)
        except _UNAVAILABLE:
            self._unavailable()

    def clear(self, identifier: str) -> None:
        try:
            for rule in self.rules:
                limiter().clear(rule, self.name, identifier)
        except _UNAVAILABLE:
            self._unavailable()

    def _refusal(self, identifier: str):
        """429 saying how long until every exhausted rule has room again (with
        tiers, the longest wait, so a client retrying then is not refused again)."""
        now = time.time()
        waits = [
            limiter().get_window_stats(rule, self.name, identifier).reset_time - now
            for rule in self.rules
            if not limiter().test(rule, self.name, identifier)
        ]
        log_event("rate_limited", logging.WARNING, limit=self.name)
        return too_many_requests(self.message, max(waits, default=1))

    def _unavailable(self) -> None:
        log_event("rate_limit_unavailable", logging.WARNING, limit=self.name)


def client_address(request) -> str:
    """The address a request's limits count against.

    The connection's address, or, behind RATE_LIMIT_TRUSTED_PROXIES proxies that
    each append to X-Forwarded-For, the address the outermost of them saw (what
    the client wrote further left is not to be trusted). An IPv6 client counts
    by its /64: one host usually holds a whole /64 and could rotate through it.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.RATE_LIMIT_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


WRITES_PER_USER = Limit("writes_per_user", "Too many changes in a short time")


def limit_writes(operation):
    """Router decorator: every write (any method but GET, HEAD, OPTIONS) of a
    signed-in caller counts against writes_per_user, before the operation runs."""

    @functools.wraps(operation)
    def counted(request, *args, **kwargs):
        user_id = getattr(request.auth, "pk", None)
        if request.method not in SAFE_METHODS and user_id is not None:
            WRITES_PER_USER.hit(f"user:{user_id}")
        return operation(request, *args, **kwargs)

    return counted
