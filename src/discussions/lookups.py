"""Fetching objects by id for a user. An object in a private community the
user cannot read is reported as not found, so ids reveal nothing."""

from communities import access
from communities.models import Community
from toolkit.errors import not_found

from .models import Article, Comment, Discussion


def readable_community(user, community_id: int, write: bool = False) -> Community:
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise not_found("Community")
    access.require_contents_access(user, community, write=write)
    return community


def article_in(community: Community, article_id: int) -> Article:
    article = Article.objects.filter(pk=article_id, placements__community=community).first()
    if article is None:
        raise not_found("Article")
    return article


def readable_article(user, article_id: int) -> tuple[Article, list[Community]]:
    """The article and the communities, among those it is in, that the user can read."""
    article = Article.objects.select_related("submitter").filter(pk=article_id).first()
    if article is None:
        raise not_found("Article")
    communities = [c for c in article.communities.all() if access.can_read_contents(user, c)]
    if not communities:
        raise not_found("Article")
    return article, communities


def readable_discussion(user, discussion_id: int, lock: bool = False) -> Discussion:
    queryset = Discussion.objects.select_related("community", "author")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    discussion = queryset.filter(pk=discussion_id, is_deleted=False).first()
    if discussion is None or not access.can_read_contents(user, discussion.community):
        raise not_found("Discussion")
    return discussion


def readable_comment(user, comment_id: int, lock: bool = False) -> Comment:
    queryset = Comment.objects.select_related("discussion__community", "author")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    comment = queryset.filter(pk=comment_id, is_deleted=False, discussion__is_deleted=False).first()
    if comment is None or not access.can_read_contents(user, comment.discussion.community):
        raise not_found("Comment")
    return comment
