"""The one place where changes become realtime events.

Services call these inside the transaction of their change. Events exist only
for private communities; each is stored as an outbox row in that transaction
and handed to the relay when the transaction commits, so an event is published
if and only if its change is committed.
"""

from django.db import transaction

from discussions.representations import comment_json, discussion_json, discussions_with_counts

from realtime_core import events as wire
from realtime_core.queues import looks_like_queue_id

from . import relay
from .models import OutboxEvent

NEW_DISCUSSION = "new_discussion"
UPDATED_DISCUSSION = "updated_discussion"
DELETED_DISCUSSION = "deleted_discussion"
NEW_COMMENT = "new_comment"
UPDATED_COMMENT = "updated_comment"
DELETED_COMMENT = "deleted_comment"


def _store(meta: str, body: str, **membership) -> None:
    OutboxEvent.objects.create(meta=meta, body=body, **membership)
    transaction.on_commit(relay.publish_after_commit)


def _record(event_type: str, data: dict, community_id: int, actor, origin_queue_id) -> None:
    if origin_queue_id is not None and not looks_like_queue_id(origin_queue_id):
        origin_queue_id = None
    meta, body = wire.content_event(event_type, data, community_id, actor.id, origin_queue_id)
    _store(meta, body)


def discussion_changed(event_type: str, discussion, actor, origin_queue_id) -> None:
    if not discussion.community.is_private:
        return
    fresh = discussions_with_counts().get(pk=discussion.pk)
    data = {
        "discussion": discussion_json(fresh),
        "article_id": discussion.article_id,
        "community_id": discussion.community_id,
    }
    _record(event_type, data, discussion.community_id, actor, origin_queue_id)


def discussion_deleted(discussion, actor, origin_queue_id) -> None:
    if not discussion.community.is_private:
        return
    data = {
        "discussion": {"id": discussion.id, "version": discussion.version},
        "discussion_id": discussion.id,
        "article_id": discussion.article_id,
        "community_id": discussion.community_id,
    }
    _record(DELETED_DISCUSSION, data, discussion.community_id, actor, origin_queue_id)


def comment_changed(event_type: str, comment, discussion, actor, origin_queue_id) -> None:
    if not discussion.community.is_private:
        return
    data = {
        "comment": comment_json(comment),
        "comment_id": comment.id,
        "discussion_id": discussion.id,
        "parent_id": comment.parent_id,
        "article_id": discussion.article_id,
        "community_id": discussion.community_id,
    }
    _record(event_type, data, discussion.community_id, actor, origin_queue_id)


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
