"""The caller's inbox, what they follow, and how they want to be told."""

from datetime import datetime
from typing import Literal

from django.db import transaction
from ninja import Field, Query, Router, Schema

from accounts.auth import jwt_auth
from discussions import lookups
from discussions.links import item_url
from toolkit.errors import ApiError
from toolkit.paging import MAX_PAGE_SIZE
from toolkit.rate_limits import limit_writes
from toolkit.types import ObjectId

from . import follows, inbox
from .models import (
    KIND_GROUPS,
    ArticleFollow,
    DiscussionFollow,
    Notification,
    NotificationPreferences,
)

# /api/me/...: the caller's own settings and lists.
router = Router(tags=["notifications"], auth=jwt_auth)
router.add_decorator(limit_writes)
# /api/notifications and the follow switches on articles and discussions.
inbox_router = Router(tags=["notifications"], auth=jwt_auth)
inbox_router.add_decorator(limit_writes)


KindGroup = Literal[tuple(KIND_GROUPS)]
KINDS_HELP = (
    "per group of kinds ("
    + ", ".join(f"{group}: {' | '.join(kinds)}" for group, kinds in KIND_GROUPS.items())
    + "): a line in the inbox (default on), a desktop notification and a sound (default off)"
)


class ChannelsOut(Schema):
    inbox: bool
    desktop: bool
    sound: bool


class ChannelsIn(Schema):
    inbox: bool | None = None
    desktop: bool | None = None
    sound: bool | None = None

    model_config = {"extra": "forbid"}


class PreferencesOut(Schema):
    desktop: bool = Field(
        description="for activity on the open article: a desktop "
        "notification while its tab is hidden"
    )
    sound: bool = Field(description="for activity on the open article: a short tone")
    kinds: dict[str, ChannelsOut] = Field(description=KINDS_HELP)

    @staticmethod
    def resolve_kinds(preferences: NotificationPreferences) -> dict:
        return preferences.all_channels()


class PreferencesIn(Schema):
    desktop: bool | None = None
    sound: bool | None = None
    kinds: dict[KindGroup, ChannelsIn] | None = Field(
        None, description="only the groups and channels to change; an unknown one is a 422"
    )


def _current(user) -> NotificationPreferences:
    return NotificationPreferences.objects.filter(user=user).first() or NotificationPreferences(
        user=user
    )


@router.get("/notification-preferences", response=PreferencesOut)
def get_preferences(request):
    return _current(request.auth)


@router.put("/notification-preferences", response=PreferencesOut)
def update_preferences(request, payload: PreferencesIn):
    """Change the given preferences; omitted ones keep their value."""
    with transaction.atomic():
        # Locked: two saves of different groups at once both count.
        preferences, _ = NotificationPreferences.objects.select_for_update().get_or_create(
            user=request.auth
        )
        if payload.desktop is not None:
            preferences.desktop = payload.desktop
        if payload.sound is not None:
            preferences.sound = payload.sound
        for group, change in (payload.kinds or {}).items():
            preferences.kinds[group] = {
                **preferences.channels(group),
                **change.dict(exclude_none=True),
            }
        preferences.save()
    return preferences


# ------------------------------------------------------------------------ inbox


class ActorOut(Schema):
    id: int
    username: str


class NotificationOut(Schema):
    id: int
    kind: str = Field(description=" | ".join(Notification.KINDS))
    created_at: datetime
    read: bool
    actor: ActorOut | None = Field(description="null for a pseudonymous post and for the system")
    community_id: int
    article_id: int | None
    discussion_id: int | None
    comment_id: int | None
    count: int = Field(description="comments gathered in a `comments` line; 1 otherwise")
    text: str
    url: str = Field(description="the page and place of the item, on this site")

    @staticmethod
    def resolve_read(line: Notification) -> bool:
        return line.read_at is not None

    @staticmethod
    def resolve_comment_id(line: Notification) -> int | None:
        return None if line.comment_gone else line.comment_id

    @staticmethod
    def resolve_url(line: Notification) -> str:
        comment_id = NotificationOut.resolve_comment_id(line)
        return item_url(line.community.slug, line.article_id, line.discussion_id, comment_id)


class InboxOut(Schema):
    items: list[NotificationOut]
    unread_count: int
    next_after: int | None = Field(description="pass as `after` for the next page; null: last")
    signal_cursor: str | None = Field(
        description="the newest realtime signal the count already includes: apply only later ones"
    )


class InboxQuery(Schema):
    unread: bool = False
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    after: ObjectId | None = Field(None, description="the `next_after` of the page before")


class ReadIn(Schema):
    ids: list[ObjectId] | None = Field(None, max_length=MAX_PAGE_SIZE)
    all: bool = False


class UnreadOut(Schema):
    unread_count: int


@inbox_router.get("/notifications", response=InboxOut)
def list_notifications(request, query: Query[InboxQuery]):
    """The caller's notifications, newest first, a page at a time."""
    lines = inbox.visible_to(request.auth).select_related("actor", "community").order_by("-id")
    if query.unread:
        lines = lines.filter(read_at__isnull=True)
    if query.after is not None:
        lines = lines.filter(id__lt=query.after)
    count, cursor = inbox.counted_with_cursor(request.auth)
    items = list(lines[: query.limit])
    return {
        "items": items,
        "unread_count": count,
        "signal_cursor": cursor,
        "next_after": items[-1].id if len(items) == query.limit else None,
    }


@inbox_router.post("/notifications/read", response=UnreadOut)
def read_notifications(request, payload: ReadIn):
    """Mark `ids` read, or every notification with `all: true`."""
    if payload.all == (payload.ids is not None):
        raise ApiError(422, "Send either ids or all: true")
    inbox.mark_read(request.auth, ids=payload.ids)
    return {"unread_count": inbox.unread_count(request.auth)}


# ---------------------------------------------------------------------- follows


class FollowOut(Schema):
    following: bool


@inbox_router.put("/communities/{community_id}/articles/{article_id}/follow", response=FollowOut)
def follow_article(request, community_id: ObjectId, article_id: ObjectId):
    return _set_article_follow(request.auth, community_id, article_id, follow=True)


@inbox_router.delete("/communities/{community_id}/articles/{article_id}/follow", response=FollowOut)
def unfollow_article(request, community_id: ObjectId, article_id: ObjectId):
    """Stop following; an automatic follow (submitter, admins) is muted."""
    return _set_article_follow(request.auth, community_id, article_id, follow=False)


@inbox_router.get("/communities/{community_id}/articles/{article_id}/follow", response=FollowOut)
def article_follow(request, community_id: ObjectId, article_id: ObjectId):
    community = lookups.readable_community(request.auth, community_id)
    article = lookups.article_in(community, article_id)
    return {"following": follows.follows_article(request.auth, community, article)}


def _set_article_follow(user, community_id: int, article_id: int, follow: bool) -> dict:
    community = lookups.readable_community(user, community_id)
    article = lookups.article_in(community, article_id)
    follows.follow_article(user, community, article, follow)
    return {"following": follow}


@inbox_router.put("/discussions/{discussion_id}/follow", response=FollowOut)
def follow_discussion(request, discussion_id: ObjectId):
    return _set_discussion_follow(request.auth, discussion_id, follow=True)


@inbox_router.delete("/discussions/{discussion_id}/follow", response=FollowOut)
def unfollow_discussion(request, discussion_id: ObjectId):
    """Stop following; an automatic follow (author, commenters) is muted."""
    return _set_discussion_follow(request.auth, discussion_id, follow=False)


@inbox_router.get("/discussions/{discussion_id}/follow", response=FollowOut)
def discussion_follow(request, discussion_id: ObjectId):
    discussion = lookups.readable_discussion(request.auth, discussion_id)
    return {"following": follows.follows_discussion(request.auth, discussion)}


def _set_discussion_follow(user, discussion_id: int, follow: bool) -> dict:
    discussion = lookups.readable_discussion(user, discussion_id)
    if discussion.is_deleted:
        raise ApiError(404, "Discussion not found")
    follows.follow_discussion(user, discussion, follow)
    return {"following": follow}


class FollowedArticleOut(Schema):
    community_id: int
    community_slug: str = Field(alias="community.slug")
    article_id: int
    title: str = Field(alias="article.title")
    muted: bool


class FollowedDiscussionOut(Schema):
    discussion_id: int
    community_slug: str = Field(alias="discussion.community.slug")
    article_id: int = Field(alias="discussion.article_id")
    topic: str = Field(alias="discussion.topic")
    muted: bool


class FollowsOut(Schema):
    articles: list[FollowedArticleOut]
    discussions: list[FollowedDiscussionOut]


@router.get("/follows", response=FollowsOut)
def my_follows(request):
    """What the caller chose to follow or mute, newest first (at most 100 of each);
    automatic follows (submitter, admin, author, commenter) need no choice and are
    not listed."""
    user = request.auth
    articles = (
        ArticleFollow.objects.filter(user=user)
        .filter(inbox.readable_community(user, "community"))
        .select_related("community", "article")
        .order_by("-id")[:MAX_PAGE_SIZE]
    )
    discussions = (
        DiscussionFollow.objects.filter(user=user, discussion__is_deleted=False)
        .filter(inbox.readable_community(user, "discussion__community"))
        .select_related("discussion__community")
        .order_by("-id")[:MAX_PAGE_SIZE]
    )
    return {"articles": list(articles), "discussions": list(discussions)}
