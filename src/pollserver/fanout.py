"""The registry of waiting polls and the delivery of new events to them.

Waiters are indexed by user, and users with waiting polls by the communities
they belong to, so an event only looks at the waiters of its community's
members. Events arrive already encoded (`LogEntry.wire`); a response is built
by joining those bytes, never by encoding an event per recipient.

An answer carries as many whole events as fit in `answer_bytes` (at least
one). When some do not fit, its `last_event_id` is the id of the last event it
carries, so the client's next poll, sent at once, continues right after it:
no event is skipped or repeated across pages.
"""

import asyncio
import time

from realtime_core.config import ANSWER_BYTES
from realtime_core.events import LogEntry

from .memberships import with_membership
from .metrics import PollMetrics


def events_body(wires: list[bytes], last_event_id: int) -> bytes:
    return b'{"events":[' + b",".join(wires) + b'],"last_event_id":%d}' % last_event_id


# The bytes of an answer around its events, with last_event_id at its longest (2^53).
_ENVELOPE_BYTES = len(events_body([], 2**53))


def events_page(entries: list[LogEntry], head: int, budget: int) -> tuple[bytes, int]:
    """(answer, events in it): the first entries whose answer fits in `budget` bytes.

    Every entry fits: `last_event_id` is `head`, the newest id looked at. Else the
    answer ends at the last entry that fits (the first one always goes, whatever
    its size), and so does its `last_event_id`.
    """
    size = _ENVELOPE_BYTES
    for count, entry in enumerate(entries):
        size += len(entry.wire) + 1  # and its comma
        if size > budget and count:
            included = entries[:count]
            return events_body([e.wire for e in included], included[-1].event_id), count
    return events_body([e.wire for e in entries], head), len(entries)


def catchup_body(last_event_id: int) -> bytes:
    return b'{"catchup_required":true,"last_event_id":%d}' % last_event_id


def is_echo(entry: LogEntry, user_id: int, queue_id: str) -> bool:
    """Whether the event is its author's own write coming back.

    A write made with `X-Realtime-Queue-Id` spares only that queue, so the
    author's other tabs still update; a write without it spares all the
    author's queues, which is what older clients expect.
    """
    if entry.origin_queue_id is not None:
        return entry.origin_queue_id == queue_id
    return entry.author_id == user_id


def is_for(entry: LogEntry, user_id: int, queue_id: str, communities: frozenset[int]) -> bool:
    """Whether a queue of `user_id`, a member of `communities`, receives the event."""
    return (
        entry.is_client_event
        and entry.community_id in communities
        and not is_echo(entry, user_id, queue_id)
    )


class Waiter:
    """One waiting poll. `cursor` is the newest event id it has already been shown."""

    __slots__ = ("user_id", "queue_id", "cursor", "future", "deadline")

    def __init__(self, user_id: int, queue_id: str, cursor: int, future: asyncio.Future):
        self.user_id = user_id
        self.queue_id = queue_id
        self.cursor = cursor
        self.future = future  # resolves to the response body
        self.deadline = 0  # the timeout sweep's step in which the poll is answered anyway


class _WaitingUser:
    """The waiters of one user and the communities the user is indexed under."""

    __slots__ = ("waiters", "communities")

    def __init__(self, communities: frozenset[int]):
        # A list, not a set: a user has one or a few waiting polls (at most the queue
        # limit), and thousands of users wait at once, so the smaller container wins.
        self.waiters: list[Waiter] = []
        # Immutable and replaced on change, so it may be shared with `Memberships`:
        # the index always matches what was added under it.
        self.communities = communities


TIMEOUT_STEP = 0.25  # seconds; polls time out together per step, at most this late


class Fanout:
    def __init__(
        self,
        pending_limit: int,
        poll_timeout: float,
        metrics: PollMetrics | None = None,
        answer_bytes: int = ANSWER_BYTES,
    ):
        self.metrics = metrics or PollMetrics()
        self._pending_limit = pending_limit
        self._poll_timeout = poll_timeout
        self.answer_bytes = answer_bytes  # an answer's size, unless its one event is larger
        self.head = 0  # newest event id routed to the waiters
        self.pending_polls = 0
        self._users: dict[int, _WaitingUser] = {}
        self._users_by_community: dict[int, set[int]] = {}
        self._woken: dict[Waiter, list[LogEntry]] = {}  # matches of the batch being routed
        self._routed: list[tuple[bytes, int]] = []  # (event, waiters it matched) in that batch
        # Waiters by the step they time out in. One loop timer per step, not one per
        # waiter: creating and cancelling timers was ~8 % of the CPU. Steps are only added at
        # the end (every poll has the same timeout), so the dict is in deadline order.
        self._deadlines: dict[int, set[Waiter]] = {}
        self._sweep: asyncio.TimerHandle | None = None

    def wait(self, user_id: int, queue_id: str, cursor: int, communities: frozenset[int]) -> Waiter:
        """Register a poll that has seen everything up to `cursor`."""
        loop = asyncio.get_running_loop()
        waiter = Waiter(user_id, queue_id, cursor, loop.create_future())
        waiter.deadline = step = int((loop.time() + self._poll_timeout) / TIMEOUT_STEP) + 1
        waiters = self._deadlines.get(step)
        if waiters is None:
            waiters = self._deadlines[step] = set()
            if self._sweep is None:
                self._sweep = loop.call_at(step * TIMEOUT_STEP, self._time_out)
        waiters.add(waiter)
        user = self._users.get(user_id)
        if user is None:
            user = self._users[user_id] = _WaitingUser(communities)
            for community_id in user.communities:
                self._users_by_community.setdefault(community_id, set()).add(user_id)
        user.waiters.append(waiter)
        self.pending_polls += 1
        return waiter

    def cancel(self, waiter: Waiter) -> None:
        """Forget the waiter of a closed connection."""
        if not waiter.future.done():
            self._detach(waiter)
            waiter.future.cancel()

    def waiting_users(self):
        return self._users.keys()

    def users_in(self, community_id: int) -> set[int]:
        """The users with waiting polls who belong to the community now."""
        return self._users_by_community.get(community_id, set())

    def answer(self, waiter: Waiter, body: bytes) -> None:
        """Answer a waiter with a body built elsewhere (presence and typing signals)."""
        if not waiter.future.done():
            self._detach(waiter)
            waiter.future.set_result(body)

    def release(self, user_id: int) -> None:
        """Answer the user's waiting polls with nothing new, so that each asks again and
        its queue is looked up afresh (one of their logins ended, and its queues with it)."""
        user = self._users.get(user_id)
        for waiter in list(user.waiters) if user is not None else ():
            self.answer(waiter, events_body([], max(waiter.cursor, self.head)))

    def membership_changed(
        self, user_id: int, community_id: int, is_member: bool, event_id: int
    ) -> None:
        """A join answers the user's waiting polls with a catch-up, as a poll from before
        the join is answered: what happened while the user was out is not theirs to be
        sent, and their pages refetch instead of keeping a picture with gaps in it."""
        user = self._users.get(user_id)
        if user is None:
            return
        if is_member:
            for waiter in [w for w in user.waiters if w.cursor < event_id]:
                self._woken.pop(waiter, None)  # what the batch matched before the join
                self.metrics.catchups += 1
                self.answer(waiter, catchup_body(event_id))
            user = self._users.get(user_id)
            if user is None:
                return  # every waiter was answered: the user is unindexed
        user.communities = with_membership(user.communities, community_id, is_member)
        if is_member:
            self._users_by_community.setdefault(community_id, set()).add(user_id)
        else:
            self._unindex(user_id, community_id)

    def route(self, entry: LogEntry) -> None:
        """Note which waiters the client event is for; `answer_woken` answers them."""
        user_ids = self._users_by_community.get(entry.community_id)
        if not user_ids:
            return
        event_id = entry.event_id
        matched = 0
        for user_id in user_ids:
            for waiter in self._users[user_id].waiters:
                if event_id > waiter.cursor and not is_echo(entry, user_id, waiter.queue_id):
                    entries = self._woken.get(waiter)
                    if entries is None:
                        self._woken[waiter] = [entry]
                    else:
                        entries.append(entry)
                    matched += 1
        if matched:
            self._routed.append((entry.wire, matched))

    def answer_woken(self, head: int) -> None:
        """Answer every waiter that matched since the last call; `head` is the newest id routed."""
        self.head = head
        if not self._woken:
            return
        woken, self._woken = self._woken, {}
        metrics, now = self.metrics, time.time()
        for wire, recipients in self._routed:
            metrics.reached(wire, recipients, now)
        self._routed.clear()
        # Waiters shown the same events get the same bytes: one answer in memory for a
        # whole community woken by one event, not one per member.
        shared: dict[tuple[int, ...], tuple[bytes, int]] = {}
        for waiter, entries in woken.items():
            self._detach(waiter)
            self._answer_matches(waiter, entries, head, shared)

    def revoke(self, user_id: int, event_id: int) -> None:
        """The user's access was revoked at `event_id`: answer their polls, route them nothing."""
        user = self._users.get(user_id)
        if user is None:
            return
        for waiter in list(user.waiters):
            self._detach(waiter)  # the last one unindexes the user
            # Events of the batch being routed came before the revocation: they are theirs.
            entries = self._woken.pop(waiter, None)
            if entries:
                self._answer_matches(waiter, entries, event_id, {})
            else:
                waiter.future.set_result(events_body([], max(waiter.cursor, event_id)))

    def _answer_matches(
        self,
        waiter: Waiter,
        entries: list[LogEntry],
        head: int,
        shared: dict[tuple[int, ...], tuple[bytes, int]],
    ) -> None:
        """Answer with the events matched (`shared`: answers already built for `head`)."""
        if len(entries) > self._pending_limit:
            self.metrics.catchups += 1
            waiter.future.set_result(catchup_body(head))
            return
        key = tuple(entry.event_id for entry in entries)
        page = shared.get(key)
        if page is None:
            page = shared[key] = events_page(entries, head, self.answer_bytes)
        body, count = page
        # Events left for the next page were counted by the latency histogram when
        # routed and will be again when that page goes: rare (a batch over the
        # budget for one poll), and only the histogram, never a delivery, is doubled.
        self.metrics.answered(count)
        waiter.future.set_result(body)

    def answer_all_with_current_state(self) -> None:
        """Shutting down: every waiter gets what a timeout would give it, now."""
        for waiter in self._all_waiters():
            self._answer_with_current_state(waiter)

    def answer_all_with_catchup(self, head: int) -> None:
        """Redis lost data: nobody can be sure what they missed."""
        self._woken.clear()
        self._routed.clear()
        self.head = head
        for waiter in self._all_waiters():
            self._detach(waiter)
            self.metrics.catchups += 1
            waiter.future.set_result(catchup_body(head))

    def _time_out(self) -> None:
        """Answer the polls whose timeout has come; wake again for the next ones."""
        loop = asyncio.get_running_loop()
        # The loop may run a timer up to its clock resolution early: allow for it.
        due = int(loop.time() / TIMEOUT_STEP + 0.01)
        self._sweep = None
        while self._deadlines:
            step = next(iter(self._deadlines))
            if step > due:
                self._sweep = loop.call_at(step * TIMEOUT_STEP, self._time_out)
                break
            for waiter in list(self._deadlines[step]):
                self._answer_with_current_state(waiter)
            self._deadlines.pop(step, None)

    def _answer_with_current_state(self, waiter: Waiter) -> None:
        self._detach(waiter)
        waiter.future.set_result(events_body([], max(waiter.cursor, self.head)))

    def _all_waiters(self) -> list[Waiter]:
        return [waiter for user in self._users.values() for waiter in user.waiters]

    def _detach(self, waiter: Waiter) -> None:
        waiters = self._deadlines.get(waiter.deadline)
        if waiters is not None:
            waiters.discard(waiter)
            if not waiters:
                del self._deadlines[waiter.deadline]
        self.pending_polls -= 1
        user = self._users[waiter.user_id]
        if waiter in user.waiters:
            user.waiters.remove(waiter)
        if not user.waiters:
            del self._users[waiter.user_id]
            for community_id in user.communities:
                self._unindex(waiter.user_id, community_id)

    def _unindex(self, user_id: int, community_id: int) -> None:
        user_ids = self._users_by_community.get(community_id)
        if user_ids is not None:
            user_ids.discard(user_id)
            if not user_ids:
                del self._users_by_community[community_id]
