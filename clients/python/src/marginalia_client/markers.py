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
    """Short-lived state from the poll server (docs/realtime.md): for a client created
    with `signals=True`, `type` "presence", "typing" or "join_requests"; with
    `notifications=True`, "notification" (a line arrived in the user's inbox) or
    "notifications_read" (the unread count changed). `id` orders them ("<ms>-<seq>").
    Signals carry no event_id and never move the cursor."""

    id: str
    type: str
    data: dict
