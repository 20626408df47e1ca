"""Where discussion and comment changes become realtime events.

Services call these inside the transaction of their change. Events exist only
for private communities and carry the objects exactly as the REST API renders
them, so a client can put an event's object where the fetched one was. Storing
and relaying them is the realtime app's job (realtime.events.record_content).
"""

from realtime import events as outbox

from .representations import comment_json, discussion_json, discussions_with_counts

NEW_DISCUSSION = "new_discussion"
UPDATED_DISCUSSION = "updated_discussion"
DELETED_DISCUSSION = "deleted_discussion"
NEW_COMMENT = "new_comment"
UPDATED_COMMENT = "updated_comment"
DELETED_COMMENT = "deleted_comment"


def discussion_changed(event_type: str, discussion, actor, origin_queue_id) -> None:
    if not discussion.community.is_private:
        return
    fresh = discussions_with_counts().get(pk=discussion.pk)
    data = {
        "discussion": discussion_json(fresh),
        "article_id": discussion.article_id,
        "community_id": discussion.community_id,
    }
    outbox.record_content(event_type, data, discussion.community_id, actor.id, origin_queue_id)


def discussion_deleted(discussion, actor, origin_queue_id) -> None:
    if not discussion.community.is_private:
        return
    data = {
        "discussion": {"id": discussion.id, "version": discussion.version},
        "discussion_id": discussion.id,
        "article_id": discussion.article_id,
        "community_id": discussion.community_id,
    }
    outbox.record_content(
        DELETED_DISCUSSION, data, discussion.community_id, actor.id, origin_queue_id
    )


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
    outbox.record_content(event_type, data, discussion.community_id, actor.id, origin_queue_id)
