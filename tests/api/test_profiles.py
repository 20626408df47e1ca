"""GET /api/users/{username}: a person's profile, as the caller may see it.

The privacy matrix: the communities listed are those the caller shares with the
person (none when anonymous); the posts listed are the person's, in communities
whose contents the caller may read, never one written under a pseudonym, never a
deleted one (nor a comment in a deleted discussion), to anyone, the person included.
"""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from profiles.visibility import EXCERPT_CHARS, RECENT_POSTS

from .support import assert_json_error, unique


def profile(api, username, as_=None):
    response = api.get(f"/api/users/{quote(username)}", as_=as_)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def listed(body) -> set[tuple[str, int]]:
    return {(post["kind"], post["id"]) for post in body["recent_posts"]}


@pytest.fixture
def world(make_user, make_community, make_article, make_discussion, make_comment):
    """`writer` posts in a public community and in a private one (where `insider` is a
    member too), by name, under a pseudonym and deleted; `outsider` shares nothing."""
    writer, insider, outsider = make_user(), make_user(), make_user()
    public = make_community("public", make_user(), members=[writer])
    private = make_community("private", make_user(), members=[writer, insider])
    public_article, private_article = make_article(public), make_article(private)
    public_discussion = make_discussion(writer, public, public_article, topic="Open topic")
    private_discussion = make_discussion(writer, private, private_article, topic="Inner topic")
    deleted_discussion = make_discussion(writer, public, public_article, is_deleted=True)
    masked_discussion = make_discussion(writer, public, public_article, pseudonymous=True)
    posts = {
        "public discussion": public_discussion,
        "public comment": make_comment(writer, public_discussion),
        "private discussion": private_discussion,
        "private comment": make_comment(writer, private_discussion),
        "pseudonymous discussion": masked_discussion,
        "named comment under a pseudonymous discussion": make_comment(writer, masked_discussion),
        "pseudonymous comment": make_comment(writer, public_discussion, pseudonymous=True),
        "private pseudonymous comment": make_comment(writer, private_discussion, pseudonymous=True),
        "deleted discussion": deleted_discussion,
        "comment in a deleted discussion": make_comment(writer, deleted_discussion),
        "deleted comment": make_comment(writer, public_discussion, deleted=True),
        "someone else's comment": make_comment(insider, public_discussion),
    }
    return {
        "writer": writer,
        "insider": insider,
        "outsider": outsider,
        "public": public,
        "private": private,
        "posts": posts,
    }


def keys(world, *names) -> set[tuple[str, int]]:
    posts = [world["posts"][name] for name in names]
    return {(post._meta.model_name, post.id) for post in posts}


PUBLIC_POSTS = (
    "public discussion",
    "public comment",
    "named comment under a pseudonymous discussion",
)
PRIVATE_POSTS = ("private discussion", "private comment")


@pytest.mark.parametrize(
    "viewer, sees_private, shares",
    [
        ("anonymous", False, ()),
        ("outsider", False, ()),
        ("insider", True, ("private",)),
        ("writer", True, ("private", "public")),
    ],
)
def test_the_privacy_matrix(api, world, viewer, sees_private, shares):
    caller = None if viewer == "anonymous" else world[viewer]
    body = profile(api, world["writer"].username, as_=caller)

    expected = PUBLIC_POSTS + (PRIVATE_POSTS if sees_private else ())
    assert listed(body) == keys(world, *expected)
    shared = sorted((world[name] for name in shares), key=lambda c: (c.name, c.id))
    assert body["shared_communities"] == [
        {"id": c.id, "slug": c.slug, "name": c.name} for c in shared
    ]


def test_the_profile_says_who_and_where_each_post_lives(api, world):
    writer = world["writer"].user
    writer.display_name = "Ada Writer"
    writer.save()
    body = profile(api, writer.username, as_=world["insider"])

    assert {key: body[key] for key in ("id", "username", "display_name")} == {
        "id": writer.id,
        "username": writer.username,
        "display_name": "Ada Writer",
    }
    assert body["joined"].startswith(writer.date_joined.date().isoformat())
    comment = world["posts"]["private comment"]
    item = next(p for p in body["recent_posts"] if (p["kind"], p["id"]) == ("comment", comment.id))
    discussion = comment.discussion
    assert item == {
        "kind": "comment",
        "id": comment.id,
        "created_at": item["created_at"],
        "excerpt": comment.content,
        "discussion": {"id": discussion.id, "topic": "Inner topic"},
        "article": {"id": discussion.article.id, "title": discussion.article.title},
        "community": {
            "id": world["private"].id,
            "slug": world["private"].slug,
            "name": world["private"].name,
        },
    }


def test_posts_come_newest_first_and_at_most_a_page(
    api, make_user, make_community, make_article, make_discussion, make_comment
):
    writer = make_user()
    community = make_community("public", make_user())
    article = make_article(community)
    start = timezone.now() - timedelta(days=1)
    discussion = make_discussion(writer, community, article, created_at=start)
    for minute in range(1, RECENT_POSTS + 5):
        comment = make_comment(writer, discussion)
        comment.created_at = start + timedelta(minutes=minute)
        comment.save(update_fields=["created_at"])

    posts = profile(api, writer.username)["recent_posts"]

    assert len(posts) == RECENT_POSTS
    times = [post["created_at"] for post in posts]
    assert times == sorted(times, reverse=True)
    assert all(post["kind"] == "comment" for post in posts)  # the discussion is the oldest


def test_an_excerpt_is_plain_and_bounded(
    api, make_user, make_community, make_article, make_discussion
):
    writer = make_user()
    community = make_community("public", make_user())
    short = make_discussion(
        writer, community, make_article(community), content="A  short\n\nremark"
    )
    long = make_discussion(writer, community, make_article(community), content="word " * 4000)

    posts = profile(api, writer.username)["recent_posts"]
    excerpts = {post["id"]: post["excerpt"] for post in posts}

    assert excerpts[short.id] == "A short remark"
    assert len(excerpts[long.id]) <= EXCERPT_CHARS
    assert excerpts[long.id].startswith("word word") and excerpts[long.id].endswith("…")


def test_the_queries_do_not_grow_with_the_posts(
    api,
    make_user,
    make_community,
    make_article,
    make_discussion,
    make_comment,
    django_assert_max_num_queries,
):
    writer, viewer = make_user(), make_user()
    communities = [
        make_community(kind, make_user(), members=[writer, viewer])
        for kind in ("public", "private", "private")
    ]
    for community in communities:
        article = make_article(community)
        for _ in range(3):
            discussion = make_discussion(writer, community, article)
            for _ in range(5):
                make_comment(writer, discussion)

    # The caller's login, the person, the shared communities, each kind of post.
    with django_assert_max_num_queries(5):
        body = profile(api, writer.username, as_=viewer)
    assert len(body["recent_posts"]) == RECENT_POSTS
    assert len(body["shared_communities"]) == 3


def test_non_ascii_usernames_are_found(api, make_user):
    person = make_user(unique("Zoë_Ελένη_"))
    assert profile(api, person.username)["username"] == person.username


def test_an_inactive_account_has_no_profile(api, make_user):
    person = make_user()
    person.user.is_active = False
    person.user.save()
    assert_json_error(api.get(f"/api/users/{person.username}"), 404)


@pytest.mark.parametrize(
    "username",
    [
        "nobody-has-this-name",
        "x" * 151,
        "x" * 10_000,
        "a%00b",
        "a%20b",
        "%F0%9F%98%80",  # an emoji: no username holds one
        "a%ZZ",
        "..",
    ],
)
def test_an_unknown_or_malformed_username_is_a_json_404(api, db, username):
    assert_json_error(api.get(f"/api/users/{username}"), 404)


def test_a_bad_token_is_refused_not_ignored(api, make_user):
    person = make_user()
    response = api.get(
        f"/api/users/{person.username}", headers={"Authorization": "Bearer not-a-token"}
    )
    assert_json_error(response, 401)
