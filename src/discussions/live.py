"""Presence and typing endpoints (members of a private community only), served
under /api/realtime beside the queue endpoints.

Both only touch Redis: presence is a per-tab heartbeat into a sorted set with
expiry scores, typing a throttled signal. Neither is written to the database
nor to the event log (see realtime_core.signals).
"""

import time

from ninja import Router, Schema
from pydantic import Field

from accounts.auth import jwt_auth
from accounts.schemas import UserOut
from communities import access
from communities.models import Community
from realtime import connection
from realtime.connection import REDIS_ERRORS
from realtime_core.signals import PRESENCE_HEARTBEAT, looks_like_tab_id
from toolkit.errors import ApiError, not_found
from toolkit.rate_limits import Limit
from toolkit.types import ObjectId

from .models import Discussion, Placement
from .schemas import author_of

router = Router(tags=["realtime"], auth=jwt_auth)

# A visible tab reports every PRESENCE_HEARTBEAT seconds and when it is shown or
# hidden; a user's tabs together are bounded too, since tab ids are the client's
# to choose. Typing carries no tab id: it is limited per user (the client sends
# at most one signal per discussion every TYPING_INTERVAL seconds).
PRESENCE_PER_TAB = Limit("presence_per_tab", "Too many presence reports from this tab")
PRESENCE_PER_USER = Limit("presence_per_user", "Too many presence reports")
TYPING_PER_USER = Limit("typing_per_user", "Too many typing signals")


class PresenceIn(Schema):
    community_id: ObjectId
    article_id: ObjectId
    tab_id: str = Field(description="Random id of the browser tab, 8-64 url-safe characters")
    visible: bool = Field(description="false when the tab is hidden or closing: it stops counting")


class PresenceOut(Schema):
    community_id: int
    article_id: int
    changed: bool = Field(
        description="false for a heartbeat of a tab already counted when nobody came or went: "
        "then count, members and version are null (the signals keep the page current)"
    )
    count: int | None = Field(
        description="Distinct members viewing the article, the caller included"
    )
    members: list[UserOut] | None = Field(description="Up to 20 of them, to name on hover")
    version: str | None = Field(
        description="Signal id of this snapshot: apply later snapshots only if newer"
    )
    heartbeat: int = Field(description="Seconds until the tab should report again while visible")


class TypingIn(Schema):
    community_id: ObjectId
    article_id: ObjectId
    discussion_id: ObjectId
    pseudonymous: bool = Field(
        default=False, description="The reply is being written under the caller's pseudonym"
    )


class TypingOut(Schema):
    published: bool = Field(
        description="false when a signal for this discussion was sent moments ago"
    )


def _live_community(user, community_id: int, article_id: int) -> Community:
    """The private community the caller belongs to, holding the article; else a JSON 4xx."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise not_found("Community")
    if not community.is_private:
        raise ApiError(400, "Presence and typing are only available in private communities")
    if access.role_of(user, community) is None:
        raise ApiError(403, "Only members of this private community can do that")
    if not Placement.objects.filter(community=community, article_id=article_id).exists():
        raise not_found("Article")
    return community


def _unavailable() -> ApiError:
    return ApiError(503, "The realtime service is unavailable; try again shortly")


@router.post("/presence", response=PresenceOut)
def presence(request, payload: PresenceIn):
    """Report that this tab shows the article (visible) or stopped showing it.

    Answers the current snapshot; other members' polls receive it as a
    `presence` signal whenever the set of present members changes.
    """
    if not looks_like_tab_id(payload.tab_id):
        raise ApiError(400, "tab_id must be 8-64 characters of A-Z, a-z, 0-9, _ or -")
    user = request.auth
    PRESENCE_PER_TAB.hit(f"user:{user.id}:tab:{payload.tab_id}")
    PRESENCE_PER_USER.hit(f"user:{user.id}")
    _live_community(user, payload.community_id, payload.article_id)
    try:
        snapshot = connection.signals().presence(
            payload.community_id,
            payload.article_id,
            user.id,
            user.username,
            payload.tab_id,
            payload.visible,
            time.time(),
        )
    except REDIS_ERRORS as exc:
        raise _unavailable() from exc
    if snapshot is None:
        return {
            "community_id": payload.community_id,
            "article_id": payload.article_id,
            "changed": False,
            "count": None,
            "members": None,
            "version": None,
            "heartbeat": PRESENCE_HEARTBEAT,
        }
    return {
        **snapshot.body["data"],
        "changed": True,
        "version": snapshot.version,
        "heartbeat": PRESENCE_HEARTBEAT,
    }


@router.post("/typing", response=TypingOut)
def typing(request, payload: TypingIn):
    """Tell the discussion's other viewers that the caller is writing a reply."""
    user = request.auth
    TYPING_PER_USER.hit(f"user:{user.id}")
    community = _live_community(user, payload.community_id, payload.article_id)
    if not Discussion.objects.filter(
        pk=payload.discussion_id,
        community=community,
        article_id=payload.article_id,
        is_deleted=False,
    ).exists():
        raise not_found("Discussion")
    # The same name the reply will carry, so the indicator reveals nothing more.
    shown_as = author_of(user, payload.article_id, payload.pseudonymous)
    try:
        published = connection.signals().typing(
            community.id, payload.article_id, payload.discussion_id, user.id, shown_as
        )
    except REDIS_ERRORS as exc:
        raise _unavailable() from exc
    return {"published": published}
