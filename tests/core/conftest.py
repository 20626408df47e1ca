import os

import pytest
import redis


@pytest.fixture
def store():
    """A real Redis database of these tests' own, emptied before and after each test."""
    base = os.environ.get("REALTIME_REDIS_URL", "redis://127.0.0.1:6379/8").rsplit("/", 1)[0]
    client = redis.Redis.from_url(f"{base}/7")
    client.flushdb()
    yield client
    client.flushdb()
