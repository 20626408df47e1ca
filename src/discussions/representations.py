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
