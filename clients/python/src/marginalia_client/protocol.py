"""The poll step of the realtime protocol (docs/protocol.md, version 1), with no I/O.

What to ask the poll server, and what its answer means for the next step. The Python
client, the integration tests' poller and the benchmark's load generator all call
this, so they cannot drift apart; the browser client passes the same conformance
fixtures (tests/protocol/). Cheap on purpose: the load generator calls it for every
poll of thousands of clients.
"""

from urllib.parse import quote

from .backoff import is_transient

POLL_PATH = "/realtime/poll"

# What a poll answer tells the client to do next.
DELIVER = "deliver"  # hand over `events`, then poll again at once from `last_event_id`
CATCHUP = "catchup"  # refetch state (resync), then poll again at once from `last_event_id`
# (a catch-up without a `last_event_id`, allowed by the seed contract, comes with None:
# a new registration tells where the stream starts)
REGISTER = "register"  # the queue is unusable: register a new one, then refetch state
RETRY = "retry"  # an outage: wait (backoff, or Retry-After) and poll again
FAIL = "fail"  # retrying cannot help: report the error


# Signals addressed to the user rather than to a community: a poll gets them only
# with `&notifications=1`, while every poll with a signal cursor gets the others.
PERSONAL_SIGNAL_TYPES = frozenset({"notification", "notifications_read", "logins_ended"})


def poll_target(queue_id: str, last_event_id: int, signal_cursor: str | None = None,
                notifications: bool = False) -> str:
    """Path and query of the poll: `/realtime/poll?queue_id=&last_event_id=`, plus
    `&signal_cursor=` for a client that asks for signals, and `&notifications=1` when
    it asks for the user's personal ones too (they come only with a signal cursor)."""
    target = f"{POLL_PATH}?queue_id={quote(queue_id, safe='')}&last_event_id={last_event_id}"
    if signal_cursor is not None:
        target += f"&signal_cursor={quote(signal_cursor, safe='')}"
        if notifications:
            target += "&notifications=1"
    return target


def read_poll_answer(status: int, body: dict | None) -> tuple[str, list, int | None]:
    """`(action, events, last_event_id)` for a poll answered with `status` and the
    JSON `body` (None when it was not JSON).

    404 and 400 both mean REGISTER: the queue id or cursor came from an earlier
    registration, so a 400 says that state is corrupt (or the cursor ran past what
    the server accepts), and a fresh registration is the one thing that repairs it.
    """
    if status == 200 and isinstance(body, dict):
        cursor = body.get("last_event_id")
        if body.get("catchup_required"):
            return CATCHUP, [], cursor if _is_cursor(cursor) else None
        if _is_cursor(cursor):
            return DELIVER, body.get("events") or [], cursor
    if status == 200:
        return RETRY, [], None  # not a poll answer (a proxy's page): try again
    if status in (404, 400):
        return REGISTER, [], None
    if is_transient(status):
        return RETRY, [], None
    return FAIL, [], None


def read_signals(body: dict) -> tuple[list[dict], str] | None:
    """`(signals, signal_cursor)` of an answer to a poll that asked for signals, or None
    when it carries none (an answer from the event log alone keeps the old cursor)."""
    signals, cursor = body.get("signals"), body.get("signal_cursor")
    if not isinstance(signals, list) or not isinstance(cursor, str):
        return None
    return [s for s in signals if isinstance(s, dict) and isinstance(s.get("id"), str)
            and isinstance(s.get("type"), str)], cursor


def retry_after(status_code: int, header: str | None) -> float | None:
    """Seconds a 429 or 503 asks the client to wait (`Retry-After` in seconds), or None
    when the answer says nothing usable; the HTTP-date form is not sent by our servers."""
    if status_code not in (429, 503) or header is None:
        return None
    try:
        seconds = float(header)
    except ValueError:
        return None
    return seconds if 0 <= seconds < 86_400 else None


def _is_cursor(value) -> bool:
    return type(value) is int and value >= 0
