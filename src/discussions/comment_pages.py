"""A discussion's comments, a page at a time.

Comments come oldest first, which puts every parent before its replies, so a
client appending page after page always holds a reply's parent already. A page
ends after `limit` comments whatever the tree's shape (one thread of 10,000
replies is many pages), and the next starts after the last id sent, so comments
written meanwhile neither shift nor repeat what was sent.

A deleted comment is listed (as "[deleted]") while a reply under it is live, a
rule clients can apply to events as well. Replies go at most Comment.MAX_DEPTH
levels deep, so that is a live reply, or a live reply to a reply, and so on.
"""

from django.db.models import Exists, OuterRef, Q

from .models import Comment, Discussion


def _has_live_reply() -> Q:
    live = Comment.objects.filter(is_deleted=False)
    condition = Q()
    for level in range(1, Comment.MAX_DEPTH + 1):
        ancestor = "__".join(["parent"] * level)
        condition |= Exists(live.filter(**{ancestor: OuterRef("pk")}))
    return condition


def comment_page(
    discussion: Discussion, after: int, limit: int
) -> tuple[list[Comment], int | None]:
    """Up to `limit` listed comments with ids above `after`, and the id to continue
    after (None on the last page); one query."""
    rows = list(
        Comment.objects.filter(discussion=discussion, id__gt=after)
        .filter(Q(is_deleted=False) | _has_live_reply())
        .select_related("author")
        .order_by("id")[: limit + 1]
    )
    page = rows[:limit]
    for comment in page:
        comment.discussion = discussion
    return page, (page[-1].id if len(rows) > limit else None)
