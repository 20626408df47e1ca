"""Pseudonymous discussions and comments: a stable per-article pseudonym is
shown and the real identity appears nowhere in any response."""

import pytest

from .support import walk

SECRET_ID = 987_654_321  # an id no other object of the test can have
SECRET_NAME = "Hidden_Realname"


@pytest.fixture
def masked(make_user, lab):
    """A member whose posts are pseudonymous; easy to spot if leaked."""
    person = make_user(SECRET_NAME, id=SECRET_ID)
    lab.community.memberships.create(user=person.user, role="member")
    return person


def assert_identity_hidden(payload):
    """Neither the username nor the user id anywhere in a JSON value."""
    for value in walk(payload):
        if isinstance(value, str):
            assert SECRET_NAME.lower() not in value.lower(), payload
            assert str(SECRET_ID) not in value, payload
        elif isinstance(value, int) and not isinstance(value, bool):
            assert value != SECRET_ID, payload


def test_pseudonymous_posts_never_expose_the_author(api, lab, masked, outbox):
    cid, aid = lab.community.id, lab.article.id
    seen = []

    def call(response, status=200):
        assert response.status_code == status, response.content
        if response.content:
            seen.append(response.json())
        return response

    discussion = call(
        api.post(
            f"/api/communities/{cid}/articles/{aid}/discussions",
            {"topic": "Anonymous doubts", "content": "Figure 3 is off", "is_pseudonymous": True},
            as_=masked,
        ),
        201,
    ).json()
    did = discussion["id"]
    comment = call(
        api.post(
            f"/api/discussions/{did}/comments",
            {"content": "More doubts", "is_pseudonymous": True},
            as_=masked,
        ),
        201,
    ).json()
    call(
        api.post(
            f"/api/discussions/{did}/comments",
            {"content": "A reply", "parent_id": comment["id"], "is_pseudonymous": True},
            as_=masked,
        ),
        201,
    )
    call(api.patch(f"/api/discussions/{did}", {"content": "Figure 3 is wrong"}, as_=masked))
    call(api.post(f"/api/discussions/{did}/resolve", as_=masked))
    call(api.patch(f"/api/comments/{comment['id']}", {"content": "Edited"}, as_=masked))
    for reader in (lab.member, lab.admin, masked):
        call(api.get(f"/api/discussions/{did}", as_=reader))
        call(api.get(f"/api/discussions/{did}/comments", as_=reader))
        call(api.get(f"/api/communities/{cid}/articles/{aid}/discussions", as_=reader))
    call(api.delete(f"/api/comments/{comment['id']}", as_=masked), 204)  # kept: has a reply
    call(api.get(f"/api/discussions/{did}/comments", as_=lab.member))

    assert discussion["author"] == {
        "id": None,
        "username": discussion["author"]["username"],
        "is_pseudonymous": True,
        "profile_pic_url": None,
    }
    assert len(seen) == 16
    for payload in seen:
        assert_identity_hidden(payload)
    # What realtime clients would receive carries no identity either.
    bodies = [event["body"] for event in outbox.events()]
    assert len(bodies) == 7
    for body in bodies:
        assert_identity_hidden(body)


def test_pseudonym_is_stable_per_article_and_differs_across_articles(
    api, lab, masked, make_article, make_discussion, make_comment
):
    other_article = make_article(lab.community)
    first = make_discussion(masked, lab.community, lab.article, pseudonymous=True)
    second = make_discussion(masked, lab.community, lab.article, pseudonymous=True)
    make_comment(masked, first, pseudonymous=True)
    elsewhere = make_discussion(masked, lab.community, other_article, pseudonymous=True)
    by_someone_else = make_discussion(lab.member, lab.community, lab.article, pseudonymous=True)

    def shown_name(discussion):
        return api.get(f"/api/discussions/{discussion.id}", as_=lab.member).json()["author"]

    def own_pseudonym(article):
        return api.get(f"/api/articles/{article.id}/pseudonym", as_=masked).json()["pseudonym"]

    name = shown_name(first)["username"]
    comment_author = api.get(f"/api/discussions/{first.id}/comments", as_=lab.member).json()[
        "items"
    ][0]["author"]
    assert shown_name(second)["username"] == name
    assert comment_author == {
        "id": None,
        "username": name,
        "is_pseudonymous": True,
        "profile_pic_url": None,
    }
    assert own_pseudonym(lab.article) == name
    assert shown_name(elsewhere)["username"] != name
    assert shown_name(elsewhere)["username"] == own_pseudonym(other_article)
    assert shown_name(by_someone_else)["username"] != name


def test_non_pseudonymous_posts_show_the_author(api, lab):
    author = api.get(f"/api/discussions/{lab.discussion.id}", as_=lab.member).json()["author"]
    assert author == {
        "id": lab.author.id,
        "username": lab.author.username,
        "is_pseudonymous": False,
        "profile_pic_url": None,
    }


def test_the_pseudonym_endpoint_tells_only_the_callers_own(api, lab, masked):
    mine = api.get(f"/api/articles/{lab.article.id}/pseudonym", as_=masked).json()
    theirs = api.get(f"/api/articles/{lab.article.id}/pseudonym", as_=lab.member).json()
    assert mine != theirs
    assert_identity_hidden(theirs)
