from django.db.models import Prefetch
from ninja import Header, Query, Router, Status
from ninja.pagination import paginate

from accounts.auth import current_user, jwt_auth, optional_jwt
from communities import access
from toolkit.paging import MAX_PAGE_SIZE, Pagination
from toolkit.rate_limits import limit_writes
from toolkit.types import MAX_ID, ObjectId

from . import activity, lookups, services
from .comment_pages import comment_page
from .pseudonyms import pseudonym
from .representations import discussions_with_counts
from .schemas import (
    ArticleIn,
    ArticleOut,
    CommentIn,
    CommentOut,
    CommentPatch,
    CommentTreeOut,
    CommunityArticleOut,
    ContentHtmlOut,
    DiscussionIn,
    DiscussionOut,
    DiscussionPatch,
    NewsOut,
    NewsQuery,
    PseudonymOut,
)

router = Router(tags=["articles and discussions"])
router.add_decorator(limit_writes)


# Sent by realtime clients on writes: that queue is spared the echo of the write.
OriginQueue = Header(default=None, alias="X-Realtime-Queue-Id")


def _readable_article(user, article_id: int):
    article, communities = lookups.readable_article(user, article_id)
    article.visible_communities = communities
    return article


@router.post("/articles", response={201: ArticleOut}, auth=jwt_auth)
def create_article(request, payload: ArticleIn):
    article = services.create_article(
        request.auth,
        payload.title,
        payload.abstract,
        payload.authors,
        str(payload.link) if payload.link else "",
        payload.community_ids,
    )
    return Status(201, _readable_article(request.auth, article.id))


@router.get("/articles/{article_id}", response=ArticleOut, auth=optional_jwt)
def get_article(request, article_id: ObjectId):
    return _readable_article(current_user(request), article_id)


@router.get("/articles/{article_id}/pseudonym", response=PseudonymOut, auth=jwt_auth)
def my_pseudonym(request, article_id: ObjectId):
    """The caller's pseudonym on this article, to recognise their own pseudonymous posts."""
    lookups.readable_article(request.auth, article_id)
    return {"pseudonym": pseudonym(article_id, request.auth.id)}


@router.get(
    "/communities/{community_id}/articles", response=list[CommunityArticleOut], auth=optional_jwt
)
@paginate(Pagination)
def list_articles(request, community_id: ObjectId):
    """The latest placed first, each with its discussions' figures (activity.py)."""
    user = current_user(request)
    community = lookups.readable_community(user, community_id)
    is_member = access.role_of(user, community) is not None
    return (
        community.articles.select_related("submitter")
        .annotate(**activity.article_activity(community, user, is_member))
        .prefetch_related(
            Prefetch(
                "communities",
                queryset=access.readable_communities(user),
                to_attr="visible_communities",
            )
        )
        .order_by("-placements__placed_at", "-id")
    )


@router.get("/communities/{community_id}/news", response=list[NewsOut], auth=optional_jwt)
@paginate(Pagination)
def community_news(request, community_id: ObjectId, query: Query[NewsQuery]):
    """The articles with discussions or comments written after `since` by others than
    the caller and not deleted, with how many of each, the latest change first: what a
    member's community page sums up since their previous visit."""
    user = current_user(request)
    community = lookups.readable_community(user, community_id)
    return activity.new_since(community, user, query.since)


@router.post(
    "/communities/{community_id}/articles/{article_id}", response={204: None}, auth=jwt_auth
)
def place_article(request, community_id: ObjectId, article_id: ObjectId):
    """Show an article the caller can read in another community too."""
    article, _ = lookups.readable_article(request.auth, article_id)
    community = lookups.readable_community(request.auth, community_id, write=True)
    services.place_article(request.auth, article, community)
    return Status(204, None)


@router.get(
    "/communities/{community_id}/articles/{article_id}/discussions",
    response=list[DiscussionOut],
    auth=optional_jwt,
)
@paginate(Pagination)
def list_discussions(request, community_id: ObjectId, article_id: ObjectId):
    """Newest first."""
    community = lookups.readable_community(current_user(request), community_id)
    article = lookups.article_in(community, article_id)
    return (
        discussions_with_counts()
        .filter(article=article, community=community)
        .order_by("-created_at", "-id")
    )


@router.post(
    "/communities/{community_id}/articles/{article_id}/discussions",
    response={201: DiscussionOut},
    auth=jwt_auth,
)
def create_discussion(
    request,
    community_id: ObjectId,
    article_id: ObjectId,
    payload: DiscussionIn,
    origin_queue: str | None = OriginQueue,
):
    community = lookups.readable_community(request.auth, community_id, write=True)
    article = lookups.article_in(community, article_id)
    discussion = services.create_discussion(
        request.auth,
        article,
        community,
        payload.topic,
        payload.content,
        payload.is_pseudonymous,
        origin_queue,
    )
    return Status(201, _discussion_out(discussion.id))


def _discussion_out(discussion_id: int):
    return discussions_with_counts().get(pk=discussion_id)


@router.get("/discussions/{discussion_id}", response=DiscussionOut, auth=optional_jwt)
def get_discussion(request, discussion_id: ObjectId):
    lookups.readable_discussion(current_user(request), discussion_id)
    return _discussion_out(discussion_id)


@router.patch("/discussions/{discussion_id}", response=DiscussionOut, auth=jwt_auth)
def edit_discussion(
    request,
    discussion_id: ObjectId,
    payload: DiscussionPatch,
    origin_queue: str | None = OriginQueue,
):
    services.update_discussion(
        request.auth, discussion_id, payload.topic, payload.content, origin_queue
    )
    return _discussion_out(discussion_id)


@router.delete("/discussions/{discussion_id}", response={204: None}, auth=jwt_auth)
def delete_discussion(request, discussion_id: ObjectId, origin_queue: str | None = OriginQueue):
    services.delete_discussion(request.auth, discussion_id, origin_queue)
    return Status(204, None)


@router.post("/discussions/{discussion_id}/resolve", response=DiscussionOut, auth=jwt_auth)
def resolve_discussion(request, discussion_id: ObjectId, origin_queue: str | None = OriginQueue):
    services.set_resolved(request.auth, discussion_id, True, origin_queue)
    return _discussion_out(discussion_id)


@router.post("/discussions/{discussion_id}/unresolve", response=DiscussionOut, auth=jwt_auth)
def unresolve_discussion(request, discussion_id: ObjectId, origin_queue: str | None = OriginQueue):
    services.set_resolved(request.auth, discussion_id, False, origin_queue)
    return _discussion_out(discussion_id)


@router.get("/discussions/{discussion_id}/comments", response=CommentTreeOut, auth=optional_jwt)
def list_comments(
    request,
    discussion_id: ObjectId,
    after: int = Query(
        0,
        ge=0,
        le=MAX_ID,
        description="Continue after this comment id (the previous page's `next_after`)",
    ),
    limit: int = Query(MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    """The tree a page at a time, oldest first (parents before their replies):
    follow `next_after` until it is null."""
    discussion = lookups.readable_discussion(current_user(request), discussion_id)
    items, next_after = comment_page(discussion, after, limit)
    return {"items": items, "count": len(items), "next_after": next_after}


@router.post("/discussions/{discussion_id}/comments", response={201: CommentOut}, auth=jwt_auth)
def create_comment(
    request, discussion_id: ObjectId, payload: CommentIn, origin_queue: str | None = OriginQueue
):
    comment = services.create_comment(
        request.auth,
        discussion_id,
        payload.content,
        payload.parent_id,
        payload.is_pseudonymous,
        origin_queue,
    )
    return Status(201, comment)


@router.patch("/comments/{comment_id}", response=CommentOut, auth=jwt_auth)
def edit_comment(
    request, comment_id: ObjectId, payload: CommentPatch, origin_queue: str | None = OriginQueue
):
    return services.update_comment(request.auth, comment_id, payload.content, origin_queue)


@router.delete("/comments/{comment_id}", response={204: None}, auth=jwt_auth)
def delete_comment(request, comment_id: ObjectId, origin_queue: str | None = OriginQueue):
    services.delete_comment(request.auth, comment_id, origin_queue)
    return Status(204, None)


@router.get("/discussions/{discussion_id}/content_html", response=ContentHtmlOut, auth=optional_jwt)
def discussion_content_html(request, discussion_id: ObjectId):
    """The rendered content, also when it is too long to ride along in the object."""
    discussion = lookups.readable_discussion(current_user(request), discussion_id)
    return {"content_html": discussion.content_html}


@router.get("/comments/{comment_id}/content_html", response=ContentHtmlOut, auth=optional_jwt)
def comment_content_html(request, comment_id: ObjectId):
    """The rendered content, also when it is too long to ride along in the object."""
    comment = lookups.readable_comment(current_user(request), comment_id)
    return {"content_html": comment.content_html}
