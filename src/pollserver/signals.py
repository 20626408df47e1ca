"""Presence, typing and join-request signals, handed to the polls that wait right now.

Signals are not events: they have no event_id, never move a poll's
`last_event_id`, never count toward the pending limit, and are kept only a
few seconds. A background task follows the signal stream (`keys.SIGNALS`) and
answers the waiting polls of the signal's community members, except the
author's own (a typist never sees their own indicator), or only those of the
members it names (join requests go to admins). Only polls that ask
for signals (`signal_cursor` given) receive them, so older clients are never
woken for something they would ignore. Personal signals (notifications) go to
the people they name, whatever their communities, and only to polls that also
ask for them (`notifications=1`).

A poll that arrives just after its previous answer must not miss what came in
between, so the last few seconds of signals are kept in memory and replayed to
a poll whose `signal_cursor` is older. A signal is a state snapshot, so one
seen twice does no harm.
"""

import collections
import time

from realtime_core import keys
from realtime_core.signals import LOGINS_ENDED, SignalEntry, decode_signal

from .fanout import Fanout, Waiter
from .stream import StreamFollower

REPLAY_SECONDS = 3.0  # how long a signal is replayed to polls arriving after it


def signals_body(wires: list[bytes], signal_cursor: tuple[int, int], last_event_id: int) -> bytes:
    return b'{"events":[],"signals":[%s],"signal_cursor":"%d-%d","last_event_id":%d}' % (
        b",".join(wires),
        signal_cursor[0],
        signal_cursor[1],
        last_event_id,
    )


class SignalRelay:
    def __init__(
        self,
        stream_redis,
        fanout: Fanout,
        block_ms: int = 500,
        batch_size: int = 1000,
        on_logins_ended=None,
    ):
        self._stream_redis = stream_redis
        self._fanout = fanout
        # Called with the user of a `logins_ended` signal, after the polls it woke: their
        # ended logins' queues are deleted, and what this process knew of them must go.
        self._on_logins_ended = on_logins_ended
        self._recent: collections.deque[tuple[float, SignalEntry]] = collections.deque()
        # Waiting polls that asked for signals: user id -> {waiter: signal cursor}.
        self._watchers: dict[int, dict[Waiter, tuple[int, int]]] = {}
        self._personal: set[Waiter] = set()  # those of them that asked for personal ones
        self._follower = StreamFollower(
            stream_redis,
            keys.SIGNALS,
            decode_signal,
            "signal stream",
            start=self._start_from_now,
            on_batch=self._read,
            batch_size=batch_size,
            block_ms=block_ms,
        )

    def watch(self, waiter: Waiter, cursor: tuple[int, int], personal: bool = False) -> None:
        """Let signals newer than `cursor` answer this waiting poll."""
        self._watchers.setdefault(waiter.user_id, {})[waiter] = cursor
        if personal:
            self._personal.add(waiter)
        waiter.future.add_done_callback(lambda _: self._unwatch(waiter))

    def recent_for(
        self,
        user_id: int,
        communities: frozenset[int],
        cursor: tuple[int, int],
        last_event_id: int,
        personal: bool = False,
    ) -> bytes | None:
        """An answer with the replayable signals newer than `cursor`, if there are any."""
        self._forget_old(time.monotonic())
        newer = []  # the buffer is in id order: walk back only as far as the cursor
        for _, entry in reversed(self._recent):
            if entry.id <= cursor:
                break
            if _is_for(entry, user_id, communities, personal):
                newer.append(entry)
        if not newer:
            return None
        newer.reverse()
        return signals_body([entry.wire for entry in newer], newer[-1].id, last_event_id)

    async def run(self) -> None:
        await self._follower.run()

    async def _start_from_now(self) -> bytes:
        # Older signals are past their replay time anyway.
        newest = await self._stream_redis.xrevrange(keys.SIGNALS, count=1)
        return newest[0][0] if newest else b"0-0"

    def _read(self, entries: list[SignalEntry], newest_stream_id: bytes | None, also: list) -> None:
        if entries:
            self.deliver(entries)

    def deliver(self, entries: list[SignalEntry]) -> None:
        """Keep the signals for replay and answer the waiting polls they are for."""
        now = time.monotonic()
        self._recent.extend((now, entry) for entry in entries)
        self._forget_old(now)
        woken: dict[Waiter, list[SignalEntry]] = {}
        for entry in entries:
            if entry.personal:
                self._match_personal(entry, woken)
                continue
            # The fan-out's index holds the users with waiting polls who belong
            # to the community now: membership is checked at delivery.
            for user_id in self._fanout.users_in(entry.community_id):
                if not entry.is_for(user_id):
                    continue
                for waiter, cursor in self._watchers.get(user_id, {}).items():
                    if entry.id > cursor:
                        woken.setdefault(waiter, []).append(entry)
        for waiter, matched in woken.items():
            body = signals_body(
                [entry.wire for entry in matched],
                matched[-1].id,
                max(waiter.cursor, self._fanout.head),
            )
            self._fanout.answer(waiter, body)
        if self._on_logins_ended is not None:
            for entry in entries:
                if entry.type == LOGINS_ENDED:
                    for user_id in entry.recipients or ():
                        self._on_logins_ended(user_id)

    def _match_personal(self, entry: SignalEntry, woken: dict) -> None:
        watchers = self._watchers
        for user_id in entry.recipients or ():
            for waiter, cursor in watchers.get(user_id, {}).items():
                if entry.id > cursor and waiter in self._personal:
                    woken.setdefault(waiter, []).append(entry)

    def _forget_old(self, now: float) -> None:
        recent = self._recent
        while recent and recent[0][0] < now - REPLAY_SECONDS:
            recent.popleft()

    def _unwatch(self, waiter: Waiter) -> None:
        self._personal.discard(waiter)
        watchers = self._watchers.get(waiter.user_id)
        if watchers is not None:
            watchers.pop(waiter, None)
            if not watchers:
                del self._watchers[waiter.user_id]


def _is_for(entry: SignalEntry, user_id: int, communities: frozenset[int], personal: bool) -> bool:
    if entry.personal:
        return personal and entry.is_for(user_id)
    return entry.community_id in communities and entry.is_for(user_id)
