"""Redis URLs: one factory reads redis://, rediss:// and redis+sentinel://, and the
abuse limits get the `limits` library's own form of the same URL."""

import pytest
import redis
import redis.asyncio
from limits.storage import RedisSentinelStorage, storage_from_string

from realtime_core.connections import (
    RedisUrlError,
    async_client,
    is_sentinel,
    limits_storage_args,
    parse_sentinel_url,
    sync_client,
)
from toolkit.rate_limits import limits_storage_url

SENTINELS = "10.0.0.1:26379,10.0.0.2:26380,sentinel-c:26381"
SENTINEL_URL = f"redis+sentinel://:s3cret@{SENTINELS}/marginalia/3"


def test_a_sentinel_url_names_the_sentinels_the_service_and_the_database():
    target = parse_sentinel_url(SENTINEL_URL)
    assert target.sentinels == (("10.0.0.1", 26379), ("10.0.0.2", 26380), ("sentinel-c", 26381))
    assert (target.service, target.db) == ("marginalia", 3)
    assert (target.username, target.password) == (None, "s3cret")


def test_the_database_defaults_to_0_and_credentials_are_unquoted():
    target = parse_sentinel_url("redis+sentinel://app:p%40ss@h1:1,h2:2/svc")
    assert (target.service, target.db) == ("svc", 0)
    assert (target.username, target.password) == ("app", "p@ss")
    assert parse_sentinel_url("redis+sentinel://[::1]:26379/svc/2").sentinels == (("::1", 26379),)


@pytest.mark.parametrize(
    "url",
    [
        "redis+sentinel:///svc/0",  # no sentinel
        "redis+sentinel://h1:26379",  # no service
        "redis+sentinel://h1:26379/svc/db",  # the database is a number
        "redis+sentinel://h1:26379/svc/0/extra",
        "redis+sentinel://h1:notaport/svc",
        "redis+sentinel://h1/svc/0",  # a sentinel's port is not implied (nor is it for `limits`)
    ],
)
def test_malformed_sentinel_urls_are_refused(url):
    with pytest.raises(RedisUrlError):
        parse_sentinel_url(url)


def test_an_unknown_scheme_is_refused_rather_than_guessed():
    with pytest.raises(RedisUrlError):
        sync_client("http://localhost:6379/0")
    with pytest.raises(RedisUrlError):
        async_client("memcached://localhost:11211")


def test_single_node_urls_build_plain_clients():
    assert not is_sentinel("redis://localhost:6379/3")
    client = sync_client("rediss://localhost:6380/2", socket_timeout=1)
    kwargs = client.connection_pool.connection_kwargs
    assert (kwargs["db"], kwargs["port"], kwargs["socket_timeout"]) == (2, 6380, 1)
    assert "SSL" in client.connection_pool.connection_class.__name__
    bounded = async_client("redis://localhost:6379/3", max_connections=7, pool_timeout=2)
    assert isinstance(bounded.connection_pool, redis.asyncio.BlockingConnectionPool)
    assert bounded.connection_pool.max_connections == 7


def test_sentinel_urls_build_clients_of_the_service_primary():
    client = sync_client(SENTINEL_URL, socket_timeout=2)
    pool = client.connection_pool
    assert pool.service_name == "marginalia" and pool.is_master
    assert pool.connection_kwargs["db"] == 3 and pool.connection_kwargs["password"] == "s3cret"
    sentinels = pool.sentinel_manager.sentinels
    assert [s.connection_pool.connection_kwargs["port"] for s in sentinels] == [26379, 26380, 26381]
    assert sentinels[0].connection_pool.connection_kwargs["password"] == "s3cret"
    # The poll server's bounded pool keeps its bound and its wait behind a Sentinel.
    bounded = async_client(SENTINEL_URL, max_connections=5, pool_timeout=1)
    assert isinstance(bounded.connection_pool, redis.asyncio.BlockingConnectionPool)
    assert bounded.connection_pool.service_name == "marginalia"
    assert bounded.connection_pool.max_connections == 5


def test_the_limits_library_reads_the_same_target_from_the_sentinel_url():
    url, options = limits_storage_args(SENTINEL_URL)
    assert url == f"redis+sentinel://:s3cret@{SENTINELS}/marginalia"
    assert options == {"db": 3}
    # The toolkit (which may not import realtime_core) reads it the same way.
    toolkit_url, toolkit_options = limits_storage_url(SENTINEL_URL)
    assert toolkit_options == options
    for form in (url, toolkit_url):
        storage = storage_from_string(form, **options)
        assert isinstance(storage, RedisSentinelStorage)
        assert storage.service_name == "marginalia"
        assert storage.storage.connection_pool.connection_kwargs["db"] == 3
    assert limits_storage_url("redis://localhost:6379/3") == ("redis://localhost:6379/3", {})
    assert limits_storage_args("rediss://localhost:6380/1") == ("rediss://localhost:6380/1", {})


def test_a_node_url_still_reaches_redis(store):
    url = "redis://{host}:{port}/{db}".format(**store.connection_pool.connection_kwargs)
    assert sync_client(url).ping()
    assert isinstance(sync_client(url), redis.Redis)
