"""The outbox: events stored in the transaction of their change.

Each event is an outbox row written in the change's transaction and handed to the
relay when the transaction commits, so an event is published if and only if its
change is committed. What the content events hold is decided where the content
lives (discussions.events); this module only stores them.
"""

from django.db import transaction

from realtime_core import events as wire
from realtime_core.queues import looks_like_queue_id

from . import relay
from .models import OutboxEvent


def _store(meta: str, body: str, **membership) -> None:
    OutboxEvent.objects.create(meta=meta, body=body, **membership)
    transaction.on_commit(relay.publish_after_commit)


def record_content(
    event_type: str, data: dict, community_id: int, actor_id: int, origin_queue_id: str | None
) -> None:
    """A client event of a private community; `origin_queue_id` (the writer's
    X-Realtime-Queue-Id) is spared the echo when it looks like a queue id."""
    if origin_queue_id is not None and not looks_like_queue_id(origin_queue_id):
        origin_queue_id = None
    meta, body = wire.content_event(event_type, data, community_id, actor_id, origin_queue_id)
    _store(meta, body)


def record_membership(user_id: int, community_id: int, is_member: bool) -> None:
    """Poll servers learn of joins and removals from the log, in order with content."""
    meta, body = wire.membership_event(user_id, community_id, is_member)
    _store(
        meta,
        body,
        member_user_id=user_id,
        member_community_id=community_id,
        is_member=is_member,
    )


def record_revocation(user_id: int) -> None:
    """A deactivated or deleted user's queues and memberships end, in order with content.

    Stored like a membership event without a community, which the relay
    publishes as a revocation.
    """
    meta, body = wire.revocation_event(user_id)
    _store(meta, body, member_user_id=user_id)
