"""The shape of an event in the log and on the wire.

A log entry has two fields:
- `meta`: what the poll server needs to route the event and never sends on
  (kind, community, author, the queue spared from the echo, membership changes);
- `body`: the client-facing JSON without `event_id`, encoded once by the writer.
The poll server splices `event_id` in front of `body` once per event, so every
recipient gets the same bytes.
"""

import json
from dataclasses import dataclass
from datetime import datetime, timezone

CLIENT_EVENT_TYPES = (
    "new_discussion",
    "updated_discussion",
    "deleted_discussion",
    "new_comment",
    "updated_comment",
    "deleted_comment",
)
MEMBERSHIP = "membership"  # internal: a user joined or left a private community


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


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
    return _dumps(meta), _dumps(body)


def membership_event(user_id: int, community_id: int, is_member: bool) -> tuple[str, str]:
    meta = {
        "type": MEMBERSHIP,
        "community_id": community_id,
        "user_id": user_id,
        "is_member": is_member,
    }
    return _dumps(meta), ""


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One event as the poll server holds it in memory."""

    event_id: int
    type: str
    community_id: int
    author_id: int | None
    origin_queue_id: str | None
    member_user_id: int | None  # membership events only
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
