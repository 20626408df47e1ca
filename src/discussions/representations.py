"""The one representation of a discussion and a comment.

The REST API returns DiscussionOut and CommentOut objects and realtime events
carry them, rendered to JSON the same way, so a client can put an event's
object where the fetched one was.
"""

import json

from django.db.models import Count, Q
from ninja.renderers import JSONRenderer

from .models import Comment, Discussion
from .schemas import CommentOut, DiscussionOut


def discussions_with_counts():
    """Live discussions annotated with their live comment count, authors joined."""
    return (
        Discussion.objects.filter(is_deleted=False)
        .select_related("author")
        .annotate(comments_count=Count("comments", filter=Q(comments__is_deleted=False)))
    )


def comment_tree(discussion: Discussion) -> list[Comment]:
    """Live comments, plus deleted ones that still have a visible reply; one query.

    Parents come before replies. A deleted comment disappears with its last
    visible reply, a rule clients can apply to events as well.
    """
    comments = list(
        Comment.objects.filter(discussion=discussion).select_related("author").order_by("id")
    )
    has_visible_reply: set[int] = set()
    visible = []
    for comment in reversed(comments):
        if not comment.is_deleted or comment.id in has_visible_reply:
            comment.discussion = discussion
            visible.append(comment)
            if comment.parent_id is not None:
                has_visible_reply.add(comment.parent_id)
    visible.reverse()
    return visible


_encoder = JSONRenderer.encoder_class


def _as_json_value(schema, obj):
    """Render `obj` exactly as the API renders a response of `schema`."""
    dumped = schema.from_orm(obj).model_dump()
    return json.loads(json.dumps(dumped, cls=_encoder))


def discussion_json(discussion: Discussion):
    """`discussion` must come from discussions_with_counts()."""
    return _as_json_value(DiscussionOut, discussion)


def comment_json(comment: Comment):
    return _as_json_value(CommentOut, comment)
