"""The one place that turns a Redis URL into a client, for every process.

Three URL forms:

- `redis://[[user]:password@]host:port/db`: one node;
- `rediss://...`: one node over TLS (redis-py's own query options, such as
  `ssl_cert_reqs`, apply);
- `redis+sentinel://[[user]:password@]host1:26379,host2:26379,host3:26379/service/db`:
  the primary of the Sentinel-monitored `service`, found by asking the sentinels
  and found again after a failover. The password authenticates both to the
  sentinels and to Redis (as the `limits` library's own storage does, so that one
  URL serves the event log and the abuse limits). The database defaults to 0.

redis-py's own Sentinel support (`redis.sentinel`, `redis.asyncio.sentinel`)
does the discovery and the reconnecting; this module only parses the URL once
and chooses the right constructor. Framework-free: the poll server imports it.
"""

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import redis
import redis.asyncio
import redis.asyncio.sentinel
import redis.sentinel

SENTINEL_SCHEMES = ("redis+sentinel",)
NODE_SCHEMES = ("redis", "rediss", "unix")


class RedisUrlError(ValueError):
    pass


@dataclass(frozen=True)
class SentinelTarget:
    sentinels: tuple[tuple[str, int], ...]
    service: str
    db: int
    username: str | None
    password: str | None

    def limits_url(self) -> str:
        """The same target in the form the `limits` library's RedisSentinelStorage
        reads (no database in the path: it is passed as an option)."""
        auth = ""
        if self.password is not None or self.username is not None:
            auth = f"{self.username or ''}:{self.password or ''}@"
        hosts = ",".join(f"{_bracket(host)}:{port}" for host, port in self.sentinels)
        return f"redis+sentinel://{auth}{hosts}/{self.service}"


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def parse_sentinel_url(url: str) -> SentinelTarget:
    parts = urlsplit(url)
    if parts.scheme not in SENTINEL_SCHEMES:
        raise RedisUrlError(f"not a Sentinel URL: {parts.scheme}://")
    hosts = parts.netloc.rpartition("@")[2]
    sentinels = []
    for location in hosts.split(","):
        location = location.strip()
        if not location:
            continue
        try:
            sub = urlsplit(f"//{location}")
            host, port = sub.hostname, sub.port
        except ValueError as exc:
            raise RedisUrlError(f"bad sentinel address {location!r}") from exc
        if not host or port is None:
            # As `limits` requires: the same URL configures the abuse limits.
            raise RedisUrlError(f"a sentinel address is host:port, not {location!r}")
        sentinels.append((host, port))
    if not sentinels:
        raise RedisUrlError("a Sentinel URL names at least one sentinel")
    path = [segment for segment in parts.path.split("/") if segment]
    if not path or len(path) > 2:
        raise RedisUrlError("a Sentinel URL's path is /<service_name>[/<db>]")
    try:
        db = int(path[1]) if len(path) == 2 else 0
    except ValueError as exc:
        raise RedisUrlError(f"database must be a number, not {path[1]!r}") from exc
    return SentinelTarget(
        sentinels=tuple(sentinels),
        service=unquote(path[0]),
        db=db,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def is_sentinel(url: str) -> bool:
    return urlsplit(url).scheme in SENTINEL_SCHEMES


def _check_node_url(url: str) -> None:
    if urlsplit(url).scheme not in NODE_SCHEMES:
        raise RedisUrlError(
            f"unsupported Redis URL scheme {urlsplit(url).scheme!r}: "
            "use redis://, rediss:// or redis+sentinel://"
        )


def _sentinel_kwargs(target: SentinelTarget, kwargs: dict) -> dict:
    """How to talk to the sentinels themselves: the same credentials and timeouts
    (a sentinel that does not answer must not hold a request longer than Redis may)."""
    options = {
        name: kwargs[name]
        for name in ("socket_timeout", "socket_connect_timeout")
        if kwargs.get(name) is not None
    }
    options.setdefault("socket_connect_timeout", 1.0)
    options.setdefault("socket_timeout", 1.0)
    if target.username:
        options["username"] = target.username
    if target.password is not None:
        options["password"] = target.password
    return options


def _auth(target: SentinelTarget) -> dict:
    auth = {"db": target.db}
    if target.username:
        auth["username"] = target.username
    if target.password is not None:
        auth["password"] = target.password
    return auth


def sync_client(url: str, **kwargs) -> redis.Redis:
    """A redis-py client for the URL; keyword arguments go to its connections."""
    if is_sentinel(url):
        target = parse_sentinel_url(url)
        sentinel = redis.sentinel.Sentinel(
            target.sentinels, sentinel_kwargs=_sentinel_kwargs(target, kwargs)
        )
        return sentinel.master_for(target.service, **_auth(target), **kwargs)
    _check_node_url(url)
    return redis.Redis.from_url(url, **kwargs)


class _SentinelBlockingPool(
    redis.asyncio.sentinel.SentinelConnectionPool, redis.asyncio.BlockingConnectionPool
):
    """The Sentinel pool with the blocking pool's bound: past `max_connections` a
    command waits up to `timeout` for a free connection instead of failing."""


def async_client(
    url: str, *, max_connections: int | None = None, pool_timeout: float | None = None, **kwargs
) -> redis.asyncio.Redis:
    """An asyncio redis-py client for the URL.

    With `max_connections` its pool is bounded and blocking: a command waits up
    to `pool_timeout` seconds for a free connection.
    """
    blocking = max_connections is not None
    pool_options = (
        {"max_connections": max_connections, "timeout": pool_timeout or 20} if blocking else {}
    )
    if is_sentinel(url):
        target = parse_sentinel_url(url)
        sentinel = redis.asyncio.sentinel.Sentinel(
            target.sentinels, sentinel_kwargs=_sentinel_kwargs(target, kwargs)
        )
        pool_class = (
            _SentinelBlockingPool if blocking else redis.asyncio.sentinel.SentinelConnectionPool
        )
        return sentinel.master_for(
            target.service,
            connection_pool_class=pool_class,
            **_auth(target),
            **pool_options,
            **kwargs,
        )
    _check_node_url(url)
    if blocking:
        pool = redis.asyncio.BlockingConnectionPool.from_url(url, **pool_options, **kwargs)
        return redis.asyncio.Redis(connection_pool=pool)
    return redis.asyncio.from_url(url, **kwargs)


def limits_storage_args(url: str) -> tuple[str, dict]:
    """The `limits` storage URL and extra options for the same Redis.

    A single-node URL is `limits`' own `redis://`/`rediss://` form as it is; a
    Sentinel URL becomes `limits`' `redis+sentinel://hosts/service`, with the
    database and the sentinels' timeouts passed as options.
    """
    if not is_sentinel(url):
        _check_node_url(url)
        return url, {}
    target = parse_sentinel_url(url)
    return target.limits_url(), {"db": target.db}
