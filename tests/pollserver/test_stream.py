"""The stream follower shared by the log reader and the signal relay, on a real Redis."""

import asyncio
import logging

import redis.asyncio
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from pollserver.stream import StreamFollower
from tests.pollserver.conftest import REDIS_URL

STREAM = "test:follower"


def decode(stream_id: bytes, fields: dict) -> bytes:
    if b"bad" in fields:
        raise ValueError("undecodable")
    return fields[b"value"]


class Recorder:
    """A follower of STREAM that starts after the stream's newest entry and keeps what it reads."""

    def __init__(self, url: str):
        self.redis = redis.asyncio.from_url(url, retry=Retry(NoBackoff(), 0))
        self.values: list[bytes] = []
        self.starts = 0
        self.follower = StreamFollower(
            self.redis,
            STREAM,
            decode,
            "test stream",
            start=self.start,
            on_batch=self.take,
            batch_size=10,
            block_ms=50,
        )

    async def start(self) -> bytes:
        self.starts += 1
        newest = await self.redis.xrevrange(STREAM, count=1)
        return newest[0][0] if newest else b"0-0"

    def take(self, entries: list[bytes], newest_id: bytes | None, also: list) -> None:
        self.values += entries


async def test_follows_from_the_start_skipping_undecodable_entries(
    redis_client, eventually, caplog
):
    redis_client.xadd(STREAM, {"value": "before the start"})
    recorder = Recorder(REDIS_URL)
    task = asyncio.create_task(recorder.follower.run())
    try:
        await eventually(lambda: recorder.follower.readable, message="the follower to start")
        redis_client.xadd(STREAM, {"bad": "1"})
        redis_client.xadd(STREAM, {"value": "one"})
        redis_client.xadd(STREAM, {"value": "two"})
        await eventually(lambda: recorder.values == [b"one", b"two"], message="both entries")
        assert "skipping an undecodable entry of the test stream" in caplog.text
        assert recorder.starts == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await recorder.redis.aclose()


async def test_redis_away_is_logged_once_and_reading_resumes_where_it_stopped(
    private_redis, eventually, caplog
):
    caplog.set_level(logging.INFO, logger="pollserver.stream")
    writer = redis.Redis.from_url(private_redis.url)
    recorder = Recorder(private_redis.url)
    task = asyncio.create_task(recorder.follower.run())
    try:
        await eventually(lambda: recorder.follower.readable, message="the follower to start")
        writer.xadd(STREAM, {"value": "before"})
        await eventually(lambda: recorder.values == [b"before"], message="the first entry")

        private_redis.stop()
        await eventually(
            lambda: recorder.follower.errors >= 3, timeout=15, message="several failed attempts"
        )
        assert not recorder.follower.readable
        assert caplog.text.count("test stream unreadable, retrying") == 1

        private_redis.start()  # it saved its data on SIGTERM: the stream comes back
        writer.xadd(STREAM, {"value": "after"})
        await eventually(
            lambda: recorder.values == [b"before", b"after"],
            timeout=15,
            message="the entry written while it was reconnecting",
        )
        assert recorder.follower.readable and recorder.starts == 1
        assert caplog.text.count("test stream readable again") == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await recorder.redis.aclose()
        writer.close()


class CancellationAsError:
    """A client whose blocking read turns its task's cancellation into a connection error,
    as a client library may when it closes the connection on the way out."""

    def __init__(self):
        self.reads = 0

    def pipeline(self, transaction: bool):
        return self

    def xread(self, *args, **kwargs) -> None:
        pass

    async def execute(self) -> list:
        self.reads += 1
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            raise ConnectionError("Connection closed by server.") from None
        return [[]]


async def test_a_cancelled_follower_stops_even_when_the_client_hides_the_cancellation():
    client = CancellationAsError()

    async def start() -> bytes:
        return b"0-0"

    follower = StreamFollower(
        client,
        STREAM,
        decode,
        "test stream",
        start=start,
        on_batch=lambda *batch: None,
        batch_size=10,
        block_ms=50,
    )
    task = asyncio.create_task(follower.run())
    while client.reads == 0:
        await asyncio.sleep(0.01)
    task.cancel()
    done, _ = await asyncio.wait([task], timeout=5)
    assert done and task.cancelled()
    assert client.reads == 1
