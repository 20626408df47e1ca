"""Unit tests of BatchedReader: one read per event-loop turn, shared answers, shared failures."""

import asyncio

import pytest

from pollserver.batching import BatchedReader


class Recorder:
    def __init__(self, fail: bool = False):
        self.batches: list[list] = []
        self.fail = fail
        self.release = asyncio.Event()
        self.release.set()

    async def read_many(self, keys: list) -> list:
        self.batches.append(keys)
        await self.release.wait()
        if self.fail:
            raise ConnectionError("Redis is away")
        return [f"value of {key}" for key in keys]


async def test_keys_asked_for_in_one_turn_are_read_together():
    recorder = Recorder()
    reader = BatchedReader(recorder.read_many)
    values = await asyncio.gather(reader.read("a"), reader.read("b"), reader.read("a"))
    assert values == ["value of a", "value of b", "value of a"]
    assert recorder.batches == [["a", "b"]]
    assert await reader.read("a") == "value of a"  # answered: a later call reads again
    assert recorder.batches == [["a", "b"], ["a"]]


async def test_a_key_in_flight_is_not_read_again():
    recorder = Recorder()
    recorder.release.clear()
    reader = BatchedReader(recorder.read_many)
    first = asyncio.ensure_future(reader.read("a"))
    await asyncio.sleep(0.01)  # the first batch is now waiting for Redis
    second = asyncio.ensure_future(reader.read("a"))
    await asyncio.sleep(0.01)
    recorder.release.set()
    assert await first == await second == "value of a"
    assert recorder.batches == [["a"]]


async def test_a_failed_read_fails_every_caller_of_the_batch():
    reader = BatchedReader(Recorder(fail=True).read_many)
    results = await asyncio.gather(reader.read("a"), reader.read("b"), return_exceptions=True)
    assert all(isinstance(result, ConnectionError) for result in results)
    with pytest.raises(ConnectionError):
        await reader.read("a")  # not stuck on the failed attempt: tried again
