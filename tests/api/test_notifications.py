"""The inbox: who hears of what, gathered comment lines, reading, following and muting,
and what never reaches someone who may not read the community."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Membership
from notifications.delivery import deliver_pending
from notifications.models import Activity, Notification

from .support import unique


@pytest.fixture
def write(api, lab):
    """Post through the API, then run the relay's delivery pass, as after a commit."""

    def comment(person, content="A comment", parent=None, discussion=None, **fields):
        discussion_id = discussion["id"] if discussion else lab.discussion.id
        response = api.post(
            f"/api/discussions/{discussion_id}/comments",
            {"content": content, "parent_id": parent and parent["id"], **fields},
            as_=person,
        )
        assert response.status_code == 201, response.content
        deliver_pending()
        return response.json()

    def discussion(person, topic="A new topic", content="Its first words", **fields):
        url = f"/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions"
        response = api.post(url, {"topic": topic, "content": content, **fields}, as_=person)
        assert response.status_code == 201, response.content
        deliver_pending()
        return response.json()

    write.comment, write.discussion = comment, discussion
    return write


def inbox(api, person, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    response = api.get(f"/api/notifications?{params}", as_=person)
    assert response.status_code == 200, response.content
    return response.json()


def kinds(api, person):
    return [(line["kind"], line["text"]) for line in inbox(api, person)["items"]]


def test_a_reply_tells_the_author_of_the_comment_and_links_to_the_reply(api, lab, write):
    parent = write.comment(lab.member, "Is n = 12 enough?")
    reply = write.comment(lab.author, "It is not.", parent=parent)
    body = inbox(api, lab.member)
    [line] = [line for line in body["items"] if line["kind"] == "reply"]
    assert line["actor"] == {"id": lab.author.id, "username": lab.author.username}
    assert line["text"] == f"{lab.author.username} replied to your comment in “A topic”"
    assert line["comment_id"] == reply["id"] and line["discussion_id"] == lab.discussion.id
    assert line["url"] == (f"/c/{lab.community.slug}/a/{lab.article.id}/#comment-{reply['id']}")
    assert line["read"] is False and body["unread_count"] == 1
    # The writer hears of the comment on their discussion, nothing of their own reply.
    assert [text for kind, text in kinds(api, lab.author) if kind == "reply"] == [
        f"{lab.member.username} replied to your discussion in “A topic”"
    ]


def test_a_comment_on_a_discussion_tells_its_author(api, lab, write):
    write.comment(lab.member, "First!")
    assert ("reply", f"{lab.member.username} replied to your discussion in “A topic”") in kinds(
        api, lab.author
    )


def test_a_mention_tells_a_member_once_and_a_non_member_nothing(api, lab, write):
    write.comment(
        lab.member,
        f"@{lab.admin.username} and @{lab.outsider.username}, "
        f"see this, @{lab.admin.username.upper()}.",
    )
    admin_lines = kinds(api, lab.admin)
    assert admin_lines.count(("mention", f"{lab.member.username} mentioned you in “A topic”")) == 1
    # The admin also follows the discussion? No: they neither wrote in it nor follow it.
    assert [k for k, _ in admin_lines if k != "mention"] == []
    assert inbox(api, lab.outsider)["items"] == []


def test_a_pseudonymous_mention_does_not_name_its_author(api, lab, write):
    write.comment(lab.member, f"Ask @{lab.admin.username}", is_pseudonymous=True)
    [line] = inbox(api, lab.admin)["items"]
    assert line["kind"] == "mention" and line["actor"] is None
    assert lab.member.username not in line["text"]
    assert line["text"].endswith("mentioned you in “A topic”")


def test_a_new_discussion_tells_the_articles_followers(api, lab, write, make_user):
    follower = make_user(unique("follower"))
    Membership.objects.create(community=lab.community, user=follower.user)
    path = f"/api/communities/{lab.community.id}/articles/{lab.article.id}/follow"
    assert api.request("PUT", path, follower).json() == {"following": True}
    write.discussion(lab.member, topic="Energy cascade")
    expected = (
        "discussion",
        f"{lab.member.username} started “Energy cascade” on “{lab.article.title}”",
    )
    # The admin (and submitter) without asking; the follower because they asked.
    assert kinds(api, lab.admin) == [expected]
    assert kinds(api, follower) == [expected]
    # A member who does not follow hears nothing; nor does the writer.
    assert kinds(api, lab.moderator) == [] and kinds(api, lab.member) == []


def test_muting_an_automatic_follow_silences_it(api, lab, write):
    path = f"/api/communities/{lab.community.id}/articles/{lab.article.id}/follow"
    assert api.get(path, as_=lab.admin).json() == {"following": True}
    assert api.delete(path, as_=lab.admin).json() == {"following": False}
    assert api.get(path, as_=lab.admin).json() == {"following": False}
    write.discussion(lab.member)
    assert kinds(api, lab.admin) == []


def test_comments_on_a_followed_discussion_are_gathered_until_read(api, lab, write):
    path = f"/api/discussions/{lab.discussion.id}/follow"
    assert api.request("PUT", path, lab.moderator).json() == {"following": True}
    for n in range(3):
        write.comment(lab.member, f"Comment {n}")
    [line] = inbox(api, lab.moderator)["items"]
    assert (line["kind"], line["count"], line["text"]) == (
        "comments",
        3,
        "3 new comments in “A topic”",
    )
    api.post("/api/notifications/read", {"ids": [line["id"]]}, as_=lab.moderator)
    write.comment(lab.admin, "One more")
    newest, older = inbox(api, lab.moderator)["items"]
    assert (newest["count"], newest["text"], newest["read"]) == (
        1,
        f"{lab.admin.username} commented in “A topic”",
        False,
    )
    assert older["read"] is True and newest["id"] > older["id"]


def test_a_gathered_line_outlives_its_newest_comment_and_a_single_one_does_not(api, lab, write):
    api.request("PUT", f"/api/discussions/{lab.discussion.id}/follow", lab.moderator)
    write.comment(lab.member, "The first")
    newest = write.comment(lab.member, "The second")
    api.delete(f"/api/comments/{newest['id']}", as_=lab.member)
    # The first comment is still there to read: the line stays, and leads to the discussion.
    [line] = inbox(api, lab.moderator)["items"]
    assert (line["count"], line["comment_id"], inbox(api, lab.moderator)["unread_count"]) == (
        2,
        None,
        1,
    )
    assert (
        line["url"] == f"/c/{lab.community.slug}/a/{lab.article.id}/#discussion-{lab.discussion.id}"
    )
    api.post("/api/notifications/read", {"all": True}, as_=lab.moderator)
    only = write.comment(lab.member, "Alone")
    api.delete(f"/api/comments/{only['id']}", as_=lab.member)
    assert [item["count"] for item in inbox(api, lab.moderator)["items"]] == [2]


def test_muting_a_discussion_silences_its_comments_and_replies(api, lab, write):
    api.delete(f"/api/discussions/{lab.discussion.id}/follow", as_=lab.author)
    write.comment(lab.member, "Nobody hears this")
    assert kinds(api, lab.author) == []
    # A mention still reaches them: it names them.
    write.comment(lab.member, f"But @{lab.author.username} hears this")
    assert [k for k, _ in kinds(api, lab.author)] == ["mention"]


def test_a_writer_follows_the_discussion_they_commented_in(api, lab, write):
    write.comment(lab.member, "I am in")
    write.comment(lab.admin, "So am I")
    assert ("comments", f"{lab.admin.username} commented in “A topic”") in kinds(api, lab.member)
    assert api.get(f"/api/discussions/{lab.discussion.id}/follow", as_=lab.member).json() == {
        "following": True
    }


def test_membership_changes_tell_the_person(api, lab, make_user, make_join_request):
    newcomer, rejected, added = (make_user(unique(n)) for n in ("newcomer", "rejected", "added"))
    base = f"/api/communities/{lab.community.id}"
    for person, verb in ((newcomer, "approve"), (rejected, "reject")):
        request = make_join_request(lab.community, person)
        assert api.post(f"{base}/requests/{request.id}/{verb}", {}, as_=lab.admin).status_code in (
            200,
            204,
        )
    assert (
        api.post(
            f"{base}/members", {"username": added.username, "role": "member"}, as_=lab.admin
        ).status_code
        == 201
    )
    assert (
        api.patch(f"{base}/members/{added.id}", {"role": "moderator"}, as_=lab.admin).status_code
        == 200
    )
    deliver_pending()
    name = lab.community.name
    assert kinds(api, newcomer) == [("join_approved", f"Your request to join {name} was approved")]
    assert kinds(api, rejected) == [("join_rejected", f"Your request to join {name} was declined")]
    assert kinds(api, added) == [
        ("role_changed", f"You are now a moderator of {name}"),
        ("added", f"You were added to {name}"),
    ]
    [line] = inbox(api, newcomer)["items"]
    assert line["url"] == f"/c/{lab.community.slug}/" and line["article_id"] is None


def test_a_removed_member_sees_nothing_more_of_the_community(api, lab, write):
    write.comment(lab.member, f"Hello @{lab.author.username}")
    # The mention, which is also a comment on their discussion: one line, the most direct.
    assert [line["kind"] for line in inbox(api, lab.author)["items"]] == ["mention"]
    assert (
        api.delete(
            f"/api/communities/{lab.community.id}/members/{lab.author.id}", as_=lab.admin
        ).status_code
        == 204
    )
    deliver_pending()
    body = inbox(api, lab.author)
    assert [line["kind"] for line in body["items"]] == ["removed"]
    assert body["unread_count"] == 1
    # Nor anything written after: they no longer follow what they wrote in.
    write.comment(lab.member, f"Still there, @{lab.author.username}?")
    assert [line["kind"] for line in inbox(api, lab.author)["items"]] == ["removed"]


def test_lines_of_deleted_posts_disappear(api, lab, write):
    reply = write.comment(lab.member, "Soon gone")
    assert inbox(api, lab.author)["unread_count"] == 1
    assert api.delete(f"/api/comments/{reply['id']}", as_=lab.member).status_code == 204
    body = inbox(api, lab.author)
    assert (body["items"], body["unread_count"], body["next_after"]) == ([], 0, None)


def test_reading_one_all_and_by_visiting_the_article(api, lab, write):
    for n in range(3):
        write.comment(lab.member, f"@{lab.admin.username} look {n}")
    lines = inbox(api, lab.admin)["items"]
    answer = api.post("/api/notifications/read", {"ids": [lines[0]["id"]]}, as_=lab.admin)
    assert answer.json() == {"unread_count": 2}
    # Someone else's ids change nothing of theirs.
    assert (
        api.post("/api/notifications/read", {"ids": [lines[1]["id"]]}, as_=lab.member).json()[
            "unread_count"
        ]
        >= 0
    )
    assert inbox(api, lab.admin, unread="true")["unread_count"] == 2
    assert api.request("PUT", f"/api/articles/{lab.article.id}/visit", lab.admin).status_code == 200
    assert inbox(api, lab.admin)["unread_count"] == 0
    write.comment(lab.member, f"@{lab.admin.username} again")
    assert api.post("/api/notifications/read", {"all": True}, as_=lab.admin).json() == {
        "unread_count": 0
    }


def test_pages_of_the_inbox(api, lab, write):
    for n in range(5):
        write.comment(lab.member, f"@{lab.admin.username} {n}")
    first = inbox(api, lab.admin, limit=2)
    second = inbox(api, lab.admin, limit=2, after=first["next_after"])
    third = inbox(api, lab.admin, limit=2, after=second["next_after"])
    ids = [line["id"] for page in (first, second, third) for line in page["items"]]
    assert len(ids) == 5 and ids == sorted(ids, reverse=True)
    assert third["next_after"] is None


@pytest.mark.parametrize(
    "path, method, body",
    [
        ("/api/notifications?limit=101", "GET", None),
        ("/api/notifications?after=0", "GET", None),
        ("/api/notifications?after=x", "GET", None),
        ("/api/notifications/read", "POST", {}),
        ("/api/notifications/read", "POST", {"ids": [1], "all": True}),
        ("/api/notifications/read", "POST", {"ids": list(range(1, 200))}),
        ("/api/notifications/read", "POST", {"ids": [2**63]}),
        ("/api/discussions/0/follow", "PUT", None),
        ("/api/communities/1/articles/99999999999999999999/follow", "PUT", None),
    ],
)
def test_bad_input_is_a_clear_4xx(api, lab, path, method, body):
    kwargs = {} if body is None else {"json": body}
    response = api.request(method, path, lab.member, **kwargs)
    assert 400 <= response.status_code < 500, response.content
    assert "message" in response.json()


def test_following_needs_a_readable_community(api, lab):
    for path in (
        f"/api/communities/{lab.community.id}/articles/{lab.article.id}/follow",
        f"/api/discussions/{lab.discussion.id}/follow",
    ):
        # As every other members-only part of a private community answers an outsider.
        assert api.request("PUT", path, lab.outsider).status_code in (403, 404)
        assert api.get(path).status_code == 401


def test_my_follows_lists_my_choices(api, lab):
    api.request(
        "PUT", f"/api/communities/{lab.community.id}/articles/{lab.article.id}/follow", lab.member
    )
    api.delete(f"/api/discussions/{lab.discussion.id}/follow", as_=lab.member)
    body = api.get("/api/me/follows", as_=lab.member).json()
    assert body["articles"] == [
        {
            "community_id": lab.community.id,
            "community_slug": lab.community.slug,
            "article_id": lab.article.id,
            "title": lab.article.title,
            "muted": False,
        }
    ]
    assert [(d["discussion_id"], d["muted"]) for d in body["discussions"]] == [
        (lab.discussion.id, True)
    ]
    # Removed, they no longer see what they followed there.
    Membership.objects.filter(community=lab.community, user=lab.member.user).delete()
    assert api.get("/api/me/follows", as_=lab.member).json() == {"articles": [], "discussions": []}


def _write_queries(api, lab, person) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.post(
            f"/api/discussions/{lab.discussion.id}/comments", {"content": "Counted"}, as_=person
        )
    assert response.status_code == 201
    return len(queries)


def test_a_write_costs_the_same_whatever_its_audience(api, lab, make_user):
    few = _write_queries(api, lab, lab.member)
    for _n in range(60):
        follower = make_user(unique("many"))
        Membership.objects.create(community=lab.community, user=follower.user)
        api.request("PUT", f"/api/discussions/{lab.discussion.id}/follow", follower)
    many = _write_queries(api, lab, lab.member)
    assert many == few
    assert Activity.objects.filter(delivered_at__isnull=True).count() == 2
    deliver_pending()
    # Delivered in one pass, the two comments still make one line per follower.
    gathered = Notification.objects.filter(kind="comments")
    assert sorted(gathered.values_list("count", flat=True)) == [2] * 60


def test_a_mention_of_a_known_name_links_to_the_profile(api, lab, write):
    comment = write.comment(
        lab.member,
        f"Thanks @{lab.admin.username.upper()}. Ask @nobody-by-that-name, "
        f"not `@{lab.admin.username}` in code or me@{lab.admin.username}.org",
    )
    html = comment["content_html"]
    assert html.count('class="mention"') == 1
    assert (
        f'<a href="/u/{lab.admin.username}/" class="mention" '
        f'rel="nofollow noopener noreferrer">@{lab.admin.username.upper()}</a>.'
    ) in html
    assert "@nobody-by-that-name" in html and "/u/nobody" not in html
