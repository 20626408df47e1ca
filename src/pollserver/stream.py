"""Following one Redis stream: the loop the event log and the signal stream share.

A `StreamFollower` reads its stream with a blocking XREAD on a connection of
its own, decodes each entry once and hands every read's batch (possibly empty,
so a caller can check the stream's state at each block period) to a callback.
While Redis is away it retries with growing delays and logs the outage once,
not once per attempt. Where to start reading is the caller's: `start` is called
before the first read and again after `restart()` (the event log reloads its
tail after Redis lost data).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

RECONNECT_DELAYS = (0.1, 0.2, 0.5, 1.0, 2.0)  # seconds between attempts while Redis is away


def decode_entries(raw_entries, decode: Callable[[bytes, dict], Any], what: str) -> list:
    """Decode entries, skipping (and reporting) any a faulty writer left unreadable."""
    entries = []
    for stream_id, fields in raw_entries:
        try:
            entries.append(decode(stream_id, fields))
        except (ValueError, KeyError, TypeError):
            log.error("skipping an undecodable entry of the %s: %s", what, stream_id.decode())
    return entries


class StreamFollower:
    def __init__(
        self,
        stream_redis,
        key: str,
        decode: Callable[[bytes, dict], Any],
        what: str,
        start: Callable[[], Awaitable[bytes]],
        on_batch: Callable[[list, bytes | None, list], None],
        batch_size: int,
        block_ms: int,
        also_read: Callable[[Any], None] | None = None,
    ):
        """`start` returns the stream id to read after; `on_batch(entries, newest_id,
        also)` gets each read's decoded entries, the newest stream id read (None when
        nothing came) and the replies of the commands `also_read` queued after the XREAD."""
        self._redis = stream_redis  # its connection is held by the blocking XREAD
        self._key = key
        self._decode = decode
        self._what = what  # names the stream in log lines
        self._start = start
        self._on_batch = on_batch
        self._batch_size = batch_size
        self._block_ms = block_ms
        self._also_read = also_read
        self._position: bytes | None = None  # newest stream id read; None: ask `start`
        self.readable = False  # the last attempt reached Redis
        self.errors = 0  # failed attempts since the process started

    def restart(self) -> None:
        """Read from wherever `start` says next, instead of after the newest id read."""
        self._position = None

    async def run(self) -> None:
        failures = 0
        task = asyncio.current_task()
        while True:
            if task.cancelling():  # a read returned as if its cancellation had not happened
                raise asyncio.CancelledError
            try:
                await self._read_next()
                if failures:
                    log.info("%s readable again", self._what)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                # A client library that turns the cancellation of a read into an error of
                # its own (a closed connection, a timeout) must not keep this task alive.
                if task.cancelling():
                    raise asyncio.CancelledError from exc
                if failures == 0:
                    log.warning(
                        "%s unreadable, retrying: %s: %s", self._what, type(exc).__name__, exc
                    )
                self.readable = False
                self.errors += 1
                await asyncio.sleep(RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)])
                failures += 1

    async def _read_next(self) -> None:
        if self._position is None:
            self._position = await self._start()
            self.readable = True
        pipe = self._redis.pipeline(transaction=False)
        pipe.xread({self._key: self._position}, count=self._batch_size, block=self._block_ms)
        if self._also_read is not None:
            self._also_read(pipe)
        streams, *also = await pipe.execute()
        self.readable = True
        raw_entries = streams[0][1] if streams else []
        newest_id = raw_entries[-1][0] if raw_entries else None
        if newest_id is not None:
            self._position = newest_id
        self._on_batch(decode_entries(raw_entries, self._decode, self._what), newest_id, also)
