"""The shape of an event in the log and on the wire.

A log entry has two fields:
- `meta`: what the poll server needs to route the event and never sends on
  (kind, community, author, the queue spared from the echo, membership changes);
- `body`: the client-facing JSON without `event_id`, encoded once by the writer.
The poll server splices `event_id` in front of `body` once per event, so every
recipient gets the same bytes.

An encoded event is at most `MAX_EVENT_BYTES` long, whatever a writer put in
it: the poll server's memory and its answers are sized by that figure. The API
limits every field a user writes well below it, so only a writer that slipped
past those limits meets the bound; its event then carries the object with its
longest texts cut to fit and `"truncated": true` in `data`, which tells
clients to fetch the object from the API instead (docs/realtime.md).
"""

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

CLIENT_EVENT_TYPES = (
    "new_discussion",
    "updated_discussion",
    "deleted_discussion",
    "new_comment",
    "updated_comment",
    "deleted_comment",
)
MEMBERSHIP = "membership"  # internal: a user joined or left a private community
REVOCATION = "revocation"  # internal: a deactivated or deleted user's access ends

MAX_EVENT_BYTES = 64 * 1024  # an event as a client receives it, event_id included
# Room for the `"event_id":N,` the poll server splices in, with N at its largest (2^53).
_EVENT_ID_ROOM = len(b'"event_id":9007199254740992,')
MAX_BODY_BYTES = MAX_EVENT_BYTES - _EVENT_ID_ROOM

log = logging.getLogger(__name__)


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def content_event(
    event_type: str,
    data: dict,
    community_id: int,
    author_id: int | None,
    origin_queue_id: str | None,
    timestamp: str | None = None,
) -> tuple[str, str]:
    """(meta, body) strings for a discussion or comment event."""
    if event_type not in CLIENT_EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    meta = {
        "type": event_type,
        "community_id": community_id,
        "author_id": author_id,
        "origin_queue_id": origin_queue_id,
    }
    body = {
        "type": event_type,
        "data": data,
        "community_ids": [community_id],
        "timestamp": timestamp or now_iso(),
    }
    encoded = _dumps(body)
    if _size(encoded) > MAX_BODY_BYTES:
        log.warning(
            "event=event_truncated type=%s community_id=%s bytes=%d",
            event_type,
            community_id,
            _size(encoded),
        )
        encoded = _truncated(body)
    return _dumps(meta), encoded


def _size(text: str) -> int:
    return len(text.encode())


def _truncated(body: dict) -> str:
    """The body cut to MAX_BODY_BYTES: the longest strings of `data` shortened, longest first.

    Every key stays, so a client that ignores the flag still finds the fields
    it expects; `truncated` tells the others to fetch the object from the API.
    """
    data = json.loads(_dumps(body["data"]))  # a deep copy with the types the wire has
    data["truncated"] = True
    body = {**body, "data": data}
    while True:
        encoded = _dumps(body)
        excess = _size(encoded) - MAX_BODY_BYTES
        if excess <= 0:
            return encoded
        holder, key, text = max(
            _strings(data), key=lambda found: _size(_dumps(found[2])), default=(None, None, "")
        )
        if not text:
            raise ValueError("event cannot be cut to MAX_EVENT_BYTES")
        holder[key] = _prefix_within(text, _size(_dumps(text)) - excess)


def _strings(value):
    """(container, key, string) for every string inside `value`, at any depth."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(item, str):
            yield value, key, item
        elif isinstance(item, dict | list):
            yield from _strings(item)


def _prefix_within(text: str, encoded_limit: int) -> str:
    """The longest prefix of `text` whose JSON encoding takes at most `encoded_limit` bytes.

    Cut on a character, never inside a UTF-8 sequence or an escape.
    """
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _size(_dumps(text[:middle])) <= encoded_limit:
            low = middle
        else:
            high = middle - 1
    return text[:low]


def membership_event(user_id: int, community_id: int, is_member: bool) -> tuple[str, str]:
    meta = {
        "type": MEMBERSHIP,
        "community_id": community_id,
        "user_id": user_id,
        "is_member": is_member,
    }
    return _dumps(meta), ""


def revocation_event(user_id: int) -> tuple[str, str]:
    """The user's every queue and membership ends (deactivated or deleted)."""
    meta = {"type": REVOCATION, "community_id": 0, "user_id": user_id}
    return _dumps(meta), ""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One event as the poll server holds it in memory."""

    event_id: int
    type: str
    community_id: int
    author_id: int | None
    origin_queue_id: str | None
    member_user_id: int | None  # membership and revocation events only
    is_member: bool
    wire: bytes  # the client JSON with event_id; empty for internal events

    @property
    def is_client_event(self) -> bool:
        return bool(self.wire)


def decode_entry(stream_id: bytes | str, fields: dict) -> LogEntry:
    """Build a LogEntry from an XRANGE/XREAD entry (bytes or str fields)."""
    if isinstance(stream_id, bytes):
        stream_id = stream_id.decode()
    event_id = int(stream_id.split("-", 1)[0])
    meta_raw = fields.get(b"meta", fields.get("meta"))
    body_raw = fields.get(b"body", fields.get("body")) or b""
    meta = json.loads(meta_raw)
    if isinstance(body_raw, str):
        body_raw = body_raw.encode()
    wire = b'{"event_id":%d,%s' % (event_id, body_raw[1:]) if body_raw else b""
    return LogEntry(
        event_id=event_id,
        type=meta["type"],
        community_id=int(meta["community_id"]),
        author_id=meta.get("author_id"),
        origin_queue_id=meta.get("origin_queue_id"),
        member_user_id=meta.get("user_id"),
        is_member=bool(meta.get("is_member")),
        wire=wire,
    )
