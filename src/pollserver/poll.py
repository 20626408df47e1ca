"""The answer to one poll (docs/realtime.md, steps 2 to 6), apart from HTTP.

Either a body to send at once (matching events, a catch-up, or the current
state while shutting down) or a `Waiter` that the fan-out answers later.
"""

import time
from contextlib import aclosing

from redis.exceptions import RedisError

from realtime_core.events import LogEntry

from .fanout import Fanout, Waiter, catchup_body, events_body, events_page, is_for
from .logreader import LogReader, LogTrimmed
from .memberships import Memberships
from .queues import QueueCache
from .signals import SignalRelay


class QueueNotFound(Exception):
    """Unknown, expired, or not the queue of the user the token names."""


class Unavailable(Exception):
    """Redis is needed to answer and does not respond, or the event log is not loaded yet."""


class Poller:
    def __init__(
        self,
        reader: LogReader,
        queues: QueueCache,
        memberships: Memberships,
        fanout: Fanout,
        pending_limit: int,
        signals: SignalRelay | None = None,
    ):
        self._reader = reader
        self._queues = queues
        self._memberships = memberships
        self._fanout = fanout
        self._pending_limit = pending_limit
        self._signals = signals
        self.accepting_waits = True  # False once shutting down

    async def poll(
        self,
        queue_id: str,
        cursor: int,
        token_user_id: int | None,
        signal_cursor: tuple[int, int] | None = None,
        personal: bool = False,
    ) -> bytes | Waiter:
        """`signal_cursor`, when given, asks for presence and typing signals newer than it;
        `personal` for the owner's own (notifications) too."""
        reader = self._reader
        if not reader.ready:
            raise Unavailable
        generation = reader.generation
        try:
            owner = await self._queues.owner(queue_id)
            if owner is None or (token_user_id is not None and token_user_id != owner):
                raise QueueNotFound
            communities = self._memberships.of(owner)
            if communities is None:
                communities = await self._memberships.load(owner)
            # A cursor past what this process has read is usually just a few
            # milliseconds of reader lag; past what Redis ever assigned, it is
            # foreign or from before a data loss.
            if cursor > reader.head and cursor > await reader.redis_head():
                return await self._catchup()
            # A cursor from before the user's latest join: the client's picture of that
            # community may predate the join, and what happened there while the user
            # was out is not theirs to see. It refetches instead.
            if cursor < self._memberships.joined_at(owner):
                return await self._catchup()
            if cursor >= reader.head:
                matches = []  # the usual repoll: nothing newer has been read yet
            else:
                matches = await self._matching_backlog(owner, queue_id, cursor, communities)
            if matches is None:
                return await self._catchup()
        except RedisError as exc:
            raise Unavailable from exc
        metrics = self._fanout.metrics
        if generation != reader.generation:
            metrics.catchups += 1
            return catchup_body(reader.head)
        if matches:
            body, count = events_page(matches, reader.head, self._fanout.answer_bytes)
            metrics.answered(count)
            now = time.time()
            for entry in matches[:count]:
                metrics.reached(entry.wire, 1, now)
            return body
        seen = max(cursor, reader.head)
        if not self.accepting_waits:
            return events_body([], seen)
        # The set as it is now: a membership event read while this poll awaited Redis
        # replaced it, and the waiter must be indexed under the current one.
        current = self._memberships.of(owner)
        if current is not None:
            communities = current
        wants_signals = signal_cursor is not None and self._signals is not None
        if wants_signals:
            replay = self._signals.recent_for(owner, communities, signal_cursor, seen, personal)
            if replay is not None:
                return replay
        waiter = self._fanout.wait(owner, queue_id, seen, communities)
        if wants_signals:
            self._signals.watch(waiter, signal_cursor, personal)
        return waiter

    async def _catchup(self) -> bytes:
        """A catch-up answer naming the newest id Redis assigned.

        The reader may be a few events behind; the client refetches its state
        after a catch-up anyway, so it may skip straight to the true head.
        """
        self._fanout.metrics.catchups += 1
        return catchup_body(max(self._reader.head, await self._reader.redis_head()))

    async def _matching_backlog(
        self, owner: int, queue_id: str, cursor: int, communities: frozenset[int]
    ) -> list[LogEntry] | None:
        """The events after `cursor` for this queue, as far as one answer holds them.

        None when events cannot bring the client up to date: more than the
        pending limit wait, or the log no longer holds all of them. Past what
        one answer holds, matches are only counted, for the pending limit.
        """
        kept, kept_bytes, matched, full = [], 0, 0, False
        budget = self._fanout.answer_bytes
        async with aclosing(self._reader.entries_since(cursor)) as pages:
            try:
                async for page in pages:
                    for entry in page:
                        if is_for(entry, owner, queue_id, communities):
                            matched += 1
                            if not full:
                                kept.append(entry)
                                kept_bytes += len(entry.wire)
                                # Kept until they surely overflow one answer (two at least,
                                # as the first always goes), so that events_page cuts it.
                                full = kept_bytes > budget and len(kept) > 1
                    if matched > self._pending_limit:
                        return None
                    # Event ids have no gaps: once the answer is full, the entries left
                    # up to the head may be too few to pass the limit, and need no reading.
                    remaining = self._reader.head - page[-1].event_id if page else 0
                    if full and matched + remaining <= self._pending_limit:
                        break
            except LogTrimmed:
                return None
        return kept
