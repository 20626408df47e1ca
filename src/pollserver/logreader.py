"""The process's one reader of the Redis event log.

A background task follows the log stream with a blocking XREAD, decodes each
entry once, keeps the newest ones in an in-memory ring (the backlog most polls
need), applies membership events to the membership cache, ends a revoked
user's polls and cached queues, and hands client events to the fan-out. The
ring holds at most `ring_size` entries and `ring_bytes` bytes of encoded
events, whichever is reached first. Each read also checks the epoch marker and
the sequence: a missing or changed epoch, or a sequence below what was already
read, means Redis lost data, and then everything this process knew is dropped.
Following the stream (XREAD, reconnecting) is `stream.StreamFollower`'s job.
"""

import asyncio
import collections
import logging
from collections.abc import AsyncIterator, Callable

from realtime_core import keys
from realtime_core.events import MEMBERSHIP, REVOCATION, LogEntry, decode_entry

from .fanout import Fanout
from .memberships import Memberships
from .queues import QueueCache
from .stream import StreamFollower, decode_entries

log = logging.getLogger(__name__)

# A poll's first read of older events from Redis; each further one doubles, up to the batch
# size. A page of an answer is often all the poll needs, and holds few events of the largest size.
FIRST_PAGE_ENTRIES = 16
# Polls reading older events from Redis at once; the others wait their turn, so pages in
# memory stay few (each at most batch_size events of the largest size) however many poll.
BACKLOG_READS_AT_ONCE = 4


class LogTrimmed(Exception):
    """Events after the cursor are no longer in the log."""


class LogReader:
    def __init__(
        self,
        stream_redis,
        redis,
        fanout: Fanout,
        memberships: Memberships,
        on_data_lost: Callable[[int], None],
        ring_size: int,
        ring_bytes: int,
        queues: QueueCache,
        batch_size: int = 250,
        block_ms: int = 500,
    ):
        self._stream_redis = stream_redis  # its connection is held by the blocking XREAD
        self._redis = redis  # for reading older parts of the log on behalf of polls
        self._fanout = fanout
        self._memberships = memberships
        self._queues = queues
        self._on_data_lost = on_data_lost
        self._ring: collections.deque[LogEntry] = collections.deque()
        self._ring_size = ring_size
        self._ring_bytes_limit = ring_bytes
        self.ring_bytes = 0  # encoded bytes of the events in the ring
        # Entries per read: at most this many maximum-size events are held at once by
        # one read of the log (the reader's, or one poll's older backlog).
        self._batch_size = batch_size
        self._backlog_reads = asyncio.Semaphore(BACKLOG_READS_AT_ONCE)
        self._follower = StreamFollower(
            stream_redis,
            keys.LOG,
            decode_entry,
            "event log",
            start=self._load_tail,
            on_batch=self._read,
            batch_size=batch_size,
            block_ms=block_ms,
            also_read=_epoch_and_sequence,
        )
        self.head = 0  # newest event id read
        self.epoch: bytes | None = None
        self.generation = 0  # bumped when Redis lost data; a poll spanning it must catch up
        self.ready = False  # the ring reflects the current epoch
        self.events_read = 0  # entries taken from the log since the process started

    @property
    def ring_size(self) -> int:
        return len(self._ring)

    def _keep_in_ring(self, entries) -> None:
        """Append the entries, then drop the oldest until both bounds hold."""
        ring = self._ring
        for entry in entries:
            ring.append(entry)
            self.ring_bytes += len(entry.wire)
        while ring and (len(ring) > self._ring_size or self.ring_bytes > self._ring_bytes_limit):
            self.ring_bytes -= len(ring.popleft().wire)

    @property
    def ring_floor(self) -> int:
        """Every log entry newer than this id is in the ring."""
        return self._ring[0].event_id - 1 if self._ring else self.head

    @property
    def redis_ok(self) -> bool:
        return self._follower.readable

    @property
    def redis_errors(self) -> int:
        """Failed reads of the log."""
        return self._follower.errors

    async def run(self) -> None:
        await self._follower.run()

    async def redis_head(self) -> int:
        """The newest event id assigned in Redis, which the reader may not have read yet."""
        return int(await self._redis.get(keys.SEQUENCE) or 0)

    async def entries_since(self, cursor: int) -> AsyncIterator[list[LogEntry]]:
        """Every entry newer than `cursor` up to the head, oldest first, page by page.

        Entries the ring no longer holds are read from Redis (LogTrimmed when
        the log no longer holds them either). The last page comes from the ring
        with no await after it, so a caller that registers a waiter right after
        the loop misses nothing.
        """
        position, count = cursor, FIRST_PAGE_ENTRIES
        while position < self.ring_floor:
            async with self._backlog_reads:  # held until the caller is done with the page
                page, position = await self._read_page(position, self.ring_floor, count)
                count = min(2 * count, self._batch_size)
                if page:
                    yield page
        yield self._ring_since(position)

    def _ring_since(self, cursor: int) -> list[LogEntry]:
        newer = []
        for entry in reversed(self._ring):
            if entry.event_id <= cursor:
                break
            newer.append(entry)
        newer.reverse()
        return newer

    async def _read_page(self, after: int, upto: int, count: int) -> tuple[list[LogEntry], int]:
        """Entries in (after, upto] from Redis, at most `count`; and how far that got."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.xrange(keys.LOG, count=1)
        pipe.xrange(keys.LOG, min=after + 1, max=upto, count=count)
        first, page = await pipe.execute()
        if not first or _event_id(first[0][0]) - 1 > after:
            raise LogTrimmed
        reached = _event_id(page[-1][0]) if len(page) == count else upto
        return _decode(page), reached

    async def _load_tail(self) -> bytes:
        """Fill the ring from the newest end of the log; returns where to follow it from."""
        pipe = self._stream_redis.pipeline(transaction=True)
        pipe.get(keys.EPOCH)
        pipe.get(keys.SEQUENCE)
        pipe.xrevrange(keys.LOG, count=self._batch_size)
        epoch, sequence, newest_first = await pipe.execute()
        tail = _decode(newest_first)  # newest first
        tail_bytes = sum(len(entry.wire) for entry in tail)
        # Older entries batch by batch, newest first, until the ring would be full:
        # the log only ever loses its oldest entries, so what is read stays contiguous.
        while (
            len(newest_first) == self._batch_size
            and len(tail) < self._ring_size
            and tail_bytes < self._ring_bytes_limit
        ):
            older_than = _event_id(newest_first[-1][0]) - 1
            newest_first = await self._stream_redis.xrevrange(
                keys.LOG, max=older_than, min="-", count=self._batch_size
            )
            older = _decode(newest_first)
            tail.extend(older)
            tail_bytes += sum(len(entry.wire) for entry in older)
        self._ring.clear()
        self.ring_bytes = 0
        self._keep_in_ring(reversed(tail))
        self.epoch = epoch
        self.head = max(int(sequence or 0), self._ring[-1].event_id if self._ring else 0)
        self._fanout.head = self.head
        self.ready = True
        log.info("event log loaded: head %d, %d events in memory", self.head, len(self._ring))
        return f"{self.head}-0".encode()

    def _read(self, entries: list[LogEntry], newest_stream_id: bytes | None, also: list) -> None:
        # The epoch and sequence are read after the XREAD returns, so a loss is
        # noticed within one block period even when no event arrives.
        epoch, sequence = also
        newest_id = _event_id(newest_stream_id) if newest_stream_id else self.head
        sequence = int(sequence or 0)
        if sequence < newest_id or (self.epoch is not None and epoch != self.epoch):
            self._forget_lost_data(sequence)
            return
        self.epoch = epoch  # the first event of a fresh Redis starts the epoch
        if newest_stream_id:
            self._take(entries, newest_id)

    def _take(self, entries: list[LogEntry], newest_id: int) -> None:
        self._keep_in_ring(entries)
        self.events_read += len(entries)
        self.head = newest_id
        for entry in entries:
            if entry.type == MEMBERSHIP:
                user_id, community_id = entry.member_user_id, entry.community_id
                if self._memberships.apply(user_id, community_id, entry.is_member, entry.event_id):
                    self._fanout.membership_changed(
                        user_id, community_id, entry.is_member, entry.event_id
                    )
            elif entry.type == REVOCATION:
                self._revoke(entry.member_user_id, entry.event_id)
            elif entry.is_client_event:
                self._fanout.route(entry)
        self._fanout.answer_woken(self.head)

    def _revoke(self, user_id: int, event_id: int) -> None:
        """The user's access ends: polls answered, queues and memberships forgotten.

        Redis holds no membership of theirs since this event, and the relay deletes
        their queues right after appending it: their next poll, here or on any
        process, is answered 404 (one arriving in between waits with no community).
        """
        self._memberships.revoke(user_id, event_id)
        self._queues.forget_user(user_id)
        self._fanout.revoke(user_id, event_id)

    def _forget_lost_data(self, head: int) -> None:
        log.warning("Redis lost the event log (epoch or sequence changed); starting over")
        self.generation += 1
        self.ready = False
        self._follower.restart()
        self._ring.clear()
        self.ring_bytes = 0
        self.head = head
        self._on_data_lost(head)


def _event_id(stream_id: bytes) -> int:
    return int(stream_id.split(b"-", 1)[0])


def _decode(raw_entries) -> list[LogEntry]:
    return decode_entries(raw_entries, decode_entry, "event log")


def _epoch_and_sequence(pipe) -> None:
    pipe.get(keys.EPOCH)
    pipe.get(keys.SEQUENCE)
