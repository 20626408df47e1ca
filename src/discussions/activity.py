"""What is going on in a community's articles, as one reader sees it: how many
live discussions and comments there are, when the latest was written, how many
the reader has not read, and what is new since a given time.

Unread: a discussion or comment is unread by a reader when it is not deleted
(nor, for a comment, is its discussion), the reader did not write it, and it
was written after the reader last opened its article (ArticleVisit.seen_at)
or, for an article they never opened, after they joined the community
(Membership.joined_at). Only members have unread items; for anyone else the
count is null, not 0: "nothing unread" would claim they are up to date.

Every figure is a correlated subquery annotated on the outer query (over
communities or over articles), so a page of them costs the same queries
however many communities, articles and posts there are.
"""

from datetime import datetime

from django.db.models import (
    Case,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from communities.models import Community, Membership

from .models import ArticleVisit, Comment, Discussion

UNREAD_COUNT = (
    "Live discussions and comments the caller has not read: not theirs, written "
    "after they last opened the article or, for an article never opened, after "
    "they joined the community. Null unless the caller is a member"
)


class _CountOf(Subquery):
    """How many rows a correlated queryset holds, as one column of the outer query
    (a plain COUNT in the subquery would need a GROUP BY on the correlated column)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def _count(queryset: QuerySet) -> _CountOf:
    return _CountOf(queryset.order_by().values("pk"))


def _latest(queryset: QuerySet) -> Subquery:
    return Subquery(
        queryset.order_by("-created_at").values("created_at")[:1], output_field=DateTimeField()
    )


def _live_discussions() -> QuerySet:
    return Discussion.objects.filter(is_deleted=False)


def _live_comments() -> QuerySet:
    return Comment.objects.filter(is_deleted=False, discussion__is_deleted=False)


def _unread(queryset: QuerySet, reader, article: str, community: str) -> QuerySet:
    """The items of `queryset` that `reader` has not read; `article` and
    `community` are the paths from an item to its article and community."""
    last_visit = ArticleVisit.objects.filter(user=reader, article=OuterRef(article)).values(
        "seen_at"
    )[:1]
    joined = Membership.objects.filter(user=reader, community=OuterRef(community)).values(
        "joined_at"
    )[:1]
    read_until = Coalesce(Subquery(last_visit), Subquery(joined), output_field=DateTimeField())
    return queryset.exclude(author=reader).filter(created_at__gt=read_until)


def _unread_count(discussions: QuerySet, comments: QuerySet, reader):
    return _count(_unread(discussions, reader, "article", "community")) + _count(
        _unread(comments, reader, "discussion__article", "discussion__community")
    )


NOT_A_MEMBER = Value(None, output_field=IntegerField())


def community_unread_count(reader, member: Q):
    """An annotation of a query over communities: what `reader` has not read in
    each, for the rows matching `member` (those the reader belongs to); null
    for the others, whose subqueries the database then does not run."""
    if reader is None:
        return NOT_A_MEMBER
    count = _unread_count(
        _live_discussions().filter(community=OuterRef("pk")),
        _live_comments().filter(discussion__community=OuterRef("pk")),
        reader,
    )
    return Case(When(member, then=count), default=NOT_A_MEMBER, output_field=IntegerField())


def article_activity(community: Community, reader, is_member: bool) -> dict:
    """Annotations of a query over the articles of `community`: its live
    discussions and comments on each, when the latest was written (the
    article's own time before any), and what `reader` has not read (null
    unless `is_member`)."""
    discussions = _live_discussions().filter(community=community, article=OuterRef("pk"))
    comments = _live_comments().filter(
        discussion__community=community, discussion__article=OuterRef("pk")
    )
    # Coalesced one by one: SQLite's MAX of several values is null when any is.
    last_activity_at = Greatest(
        F("created_at"),
        Coalesce(_latest(discussions), F("created_at")),
        Coalesce(_latest(comments), F("created_at")),
    )
    return {
        "discussion_count": _count(discussions),
        "comment_count": _count(comments),
        "last_activity_at": last_activity_at,
        "unread_count": _unread_count(discussions, comments, reader) if is_member else NOT_A_MEMBER,
    }


def new_since(community: Community, reader, after: datetime) -> QuerySet:
    """The articles of `community` with discussions or comments written after
    `after` by anyone but `reader` and not deleted, with how many of each,
    the latest change first."""
    discussions = _live_discussions().filter(
        community=community, article=OuterRef("pk"), created_at__gt=after
    )
    comments = _live_comments().filter(
        discussion__community=community, discussion__article=OuterRef("pk"), created_at__gt=after
    )
    if reader is not None:
        discussions, comments = discussions.exclude(author=reader), comments.exclude(author=reader)
    newest_discussion, newest_comment = _latest(discussions), _latest(comments)
    return (
        community.articles.annotate(
            new_discussion_count=_count(discussions),
            new_comment_count=_count(comments),
            # Either may be null, never both once filtered.
            latest_new_at=Greatest(
                Coalesce(newest_discussion, newest_comment),
                Coalesce(newest_comment, newest_discussion),
            ),
        )
        .filter(Q(new_discussion_count__gt=0) | Q(new_comment_count__gt=0))
        .order_by("-latest_new_at", "-id")
    )
