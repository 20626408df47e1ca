"""One Redis round trip for many lookups.

When thousands of polls arrive together (all timing out at once, or every
client reconnecting after a restart), each needing its queue record or its
user's memberships read from Redis, one pipeline per event-loop turn costs a
fraction of one round trip per poll and keeps the connection pool small.
"""

import asyncio
from collections.abc import Awaitable, Callable, Hashable


class BatchedReader:
    """Reads the keys asked for during one event-loop turn together.

    `read_many(keys)` returns one value per key, in order. A key already being
    read is not read again: its callers share the answer in flight.
    """

    def __init__(self, read_many: Callable[[list], Awaitable[list]]):
        self._read_many = read_many
        self._in_flight: dict[Hashable, asyncio.Future] = {}
        self._next_batch: dict[Hashable, asyncio.Future] | None = None
        self._tasks: set[asyncio.Task] = set()

    async def read(self, key: Hashable):
        future = self._in_flight.get(key)
        if future is None:
            loop = asyncio.get_running_loop()
            future = self._in_flight[key] = loop.create_future()
            if self._next_batch is None:
                self._next_batch = {}
                loop.call_soon(self._send_next_batch)
            self._next_batch[key] = future
        # Shielded: one caller giving up must not cancel the answer for the others.
        return await asyncio.shield(future)

    def _send_next_batch(self) -> None:
        batch, self._next_batch = self._next_batch, None
        task = asyncio.create_task(self._read(batch))
        self._tasks.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._tasks.discard)

    async def _read(self, batch: dict[Hashable, asyncio.Future]) -> None:
        try:
            values = await self._read_many(list(batch))
        except Exception as exc:
            for key, future in batch.items():
                del self._in_flight[key]
                future.set_exception(exc)
        else:
            for (key, future), value in zip(batch.items(), values):
                del self._in_flight[key]
                future.set_result(value)
