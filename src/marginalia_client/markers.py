"""Items `RealtimeClient.events()` yields besides events: markers telling the caller to
refetch, and (when asked for) signals."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CatchupRequired:
    """The server cannot replay what happened since the cursor (log trimmed, too many
    events waiting, or Redis lost its data). Refetch your state; events continue after
    `last_event_id`."""

    last_event_id: int


@dataclass(frozen=True)
class Reregistered:
    """The queue expired or became unknown, and a new one was registered. Events may
    have been missed in between: refetch your state; events continue after
    `last_event_id` on `queue_id`."""

    queue_id: str
    last_event_id: int


@dataclass(frozen=True)
class Signal:
    """Short-lived state from the poll server, for a client created with `signals=True`:
    `type` is "presence", "typing" or "join_requests" (docs/realtime.md); `id` orders
    them ("<ms>-<seq>"). Signals carry no event_id and never move the cursor."""

    id: str
    type: str
    data: dict
