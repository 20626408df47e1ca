"""What a profile shows the person looking at it: the one place its privacy rules live.

A profile is public: anyone may look a person up by username. What it lists
depends on who looks: the communities both of them are members of (none for an
anonymous viewer), and the person's newest posts in communities whose contents the
viewer may read (communities.access). A post written under a pseudonym is never
listed, to anyone, the person included: beside the other posts it would unmask
them. Nor is a deleted post, or a comment in a deleted discussion.

Every answer takes the same few queries however much the person wrote: each kind
of post is read newest first, cut to one page, with the names it links to joined.
"""

import re

from django.db.models import F
from django.db.models.functions import Substr

from accounts.models import User
from communities import access
from communities.models import Community
from discussions.models import Comment, Discussion
from toolkit.errors import not_found

RECENT_POSTS = 20
EXCERPT_CHARS = 200

# What a username may hold (accounts.schemas.Username); anything else names no one, and
# is answered before it reaches the database (a NUL character would not).
USERNAME = re.compile(r"[\w.@+-]+")
USERNAME_MAX_CHARS = User._meta.get_field("username").max_length


def person_named(username: str) -> User:
    """The active user with exactly that username; 404 for anyone else."""
    if len(username) > USERNAME_MAX_CHARS or not USERNAME.fullmatch(username):
        raise not_found("User")
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None:
        raise not_found("User")
    return person


def shared_communities(person: User, viewer: User | None) -> list[dict]:
    if viewer is None:
        return []
    return list(
        Community.objects.filter(memberships__user=person)
        .filter(memberships__user=viewer)
        .order_by("name", "id")
        .values("id", "slug", "name")
    )


def excerpt(start: str) -> str:
    """The excerpt of a text of which `start` holds the first EXCERPT_CHARS + 1
    characters (the one more tells that it goes on)."""
    words = " ".join(start.split())
    if len(start) <= EXCERPT_CHARS:
        return words
    return words[: EXCERPT_CHARS - 1].rstrip() + "…"


def _newest(posts, kind: str, to_discussion: str, person: User, viewer: User | None):
    """The person's newest readable posts of one kind, as profile items.

    `to_discussion` is the path from the post to its discussion: "" for a discussion,
    "discussion__" for a comment.
    """
    rows = (
        posts.filter(author=person, is_deleted=False, is_pseudonymous=False)
        .filter(
            **{
                f"{to_discussion}is_deleted": False,
                f"{to_discussion}community__in": access.readable_communities(viewer),
            }
        )
        .order_by("-created_at", "-id")
        .values(
            "id",
            "created_at",
            start=Substr("content", 1, EXCERPT_CHARS + 1),
            in_discussion=F(f"{to_discussion}id"),
            in_topic=F(f"{to_discussion}topic"),
            in_article=F(f"{to_discussion}article_id"),
            in_article_title=F(f"{to_discussion}article__title"),
            in_community=F(f"{to_discussion}community_id"),
            in_community_slug=F(f"{to_discussion}community__slug"),
            in_community_name=F(f"{to_discussion}community__name"),
        )[:RECENT_POSTS]
    )
    return [
        {
            "kind": kind,
            "id": row["id"],
            "created_at": row["created_at"],
            "excerpt": excerpt(row["start"]),
            "discussion": {"id": row["in_discussion"], "topic": row["in_topic"]},
            "article": {"id": row["in_article"], "title": row["in_article_title"]},
            "community": {
                "id": row["in_community"],
                "slug": row["in_community_slug"],
                "name": row["in_community_name"],
            },
        }
        for row in rows
    ]


def recent_posts(person: User, viewer: User | None) -> list[dict]:
    """The person's RECENT_POSTS newest discussions and comments the viewer may read."""
    posts = _newest(Discussion.objects, "discussion", "", person, viewer) + _newest(
        Comment.objects, "comment", "discussion__", person, viewer
    )
    posts.sort(key=lambda post: (post["created_at"], post["kind"], post["id"]), reverse=True)
    return posts[:RECENT_POSTS]
