"""Which events of a poll answer the caller has not seen yet, and in what order."""

from collections.abc import Iterable


def unseen_in_order(events: Iterable[dict], cursor: int) -> list[dict]:
    """The events with an event_id above `cursor`, each event_id once, in event_id order.

    The server already answers with events after the cursor; a second poll racing the
    first, or a retried request, can still hand over an event twice.
    """
    unseen: dict[int, dict] = {}
    for event in events:
        if event["event_id"] > cursor:
            unseen.setdefault(event["event_id"], event)
    return [unseen[event_id] for event_id in sorted(unseen)]
