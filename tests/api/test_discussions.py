"""Discussions: shape, pagination (newest first), edit, resolve, soft delete,
and articles."""

from toolkit.types import MAX_ID

from .support import assert_json_error


def _list_url(lab, query=""):
    return f"/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions{query}"


def test_create_returns_the_discussion(api, lab):
    response = api.post(
        _list_url(lab), {"topic": "Methods", "content": "How was n chosen?"}, as_=lab.member
    )

    assert response.status_code == 201
    discussion = response.json()
    assert discussion == api.get(f"/api/discussions/{discussion['id']}", as_=lab.member).json()
    assert discussion["article_id"] == lab.article.id
    assert discussion["community_id"] == lab.community.id
    assert discussion["topic"] == "Methods"
    assert discussion["content"] == "How was n chosen?"
    assert discussion["author"] == {
        "id": lab.member.id,
        "username": lab.member.username,
        "is_pseudonymous": False,
        "profile_pic_url": None,
    }
    assert discussion["is_pseudonymous"] is False
    assert discussion["is_resolved"] is False
    assert discussion["comments_count"] == 0
    assert discussion["version"] == 1
    assert discussion["created_at"] and discussion["updated_at"]


def test_list_is_newest_first_with_limit_and_offset(api, lab, make_discussion):
    lab.discussion.delete()
    created = [
        make_discussion(lab.author, lab.community, lab.article, topic=f"T{i}") for i in range(7)
    ]
    make_discussion(lab.author, lab.community, lab.article, topic="Gone", is_deleted=True)
    newest_first = [d.id for d in reversed(created)]

    def page(query):
        body = api.get(_list_url(lab, query), as_=lab.member).json()
        assert body["count"] == 7  # deleted discussions are not counted
        return [item["id"] for item in body["items"]]

    assert page("") == newest_first
    assert page("?limit=3") == newest_first[:3]
    assert page("?limit=3&offset=3") == newest_first[3:6]
    assert page("?limit=3&offset=6") == newest_first[6:]
    assert page("?offset=7") == []
    assert page(f"?offset={MAX_ID}&limit=100") == []


def test_list_shows_only_this_community_and_article(
    api, lab, make_article, make_discussion, make_community
):
    other_article = make_article(lab.community)
    make_discussion(lab.author, lab.community, other_article)
    public = make_community("public", lab.admin)
    lab.article.placements.create(community=public)
    make_discussion(lab.author, public, lab.article)

    items = api.get(_list_url(lab), as_=lab.member).json()["items"]

    assert [item["id"] for item in items] == [lab.discussion.id]


def test_author_edits_topic_and_content(api, lab):
    url = f"/api/discussions/{lab.discussion.id}"
    edited = api.patch(url, {"topic": "New topic"}, as_=lab.author).json()
    assert (edited["topic"], edited["content"], edited["version"]) == (
        "New topic",
        "Some content",
        2,
    )
    edited = api.patch(url, {"content": "New content"}, as_=lab.author).json()
    assert (edited["topic"], edited["content"], edited["version"]) == (
        "New topic",
        "New content",
        3,
    )
    assert api.get(url, as_=lab.member).json() == edited


def test_resolve_and_unresolve(api, lab):
    url = f"/api/discussions/{lab.discussion.id}"
    resolved = api.post(f"{url}/resolve", as_=lab.author).json()
    assert resolved["is_resolved"] is True
    assert api.post(f"{url}/resolve", as_=lab.admin).json() == resolved  # already: no change
    reopened = api.post(f"{url}/unresolve", as_=lab.admin).json()
    assert reopened["is_resolved"] is False
    assert reopened["version"] == resolved["version"] + 1


def test_deleted_discussion_disappears(api, lab):
    url = f"/api/discussions/{lab.discussion.id}"
    assert api.delete(url, as_=lab.moderator).status_code == 204

    assert_json_error(api.get(url, as_=lab.member), 404)
    assert_json_error(api.get(f"{url}/comments", as_=lab.member), 404)
    assert_json_error(
        api.patch(f"/api/comments/{lab.comment.id}", {"content": "x"}, as_=lab.author), 404
    )
    assert api.get(_list_url(lab), as_=lab.member).json() == {"items": [], "count": 0}
    lab.discussion.refresh_from_db()
    assert lab.discussion.is_deleted  # soft: the row stays


def test_articles_create_list_get(api, lab, make_community):
    public = make_community("public", lab.outsider)
    response = api.post(
        "/api/articles",
        {
            "title": "On Things",
            "abstract": "We study things.",
            "authors": ["A. B.", "C. D."],
            "link": "https://example.org/things",
            "community_ids": [lab.community.id, public.id],
        },
        as_=lab.member,
    )
    assert response.status_code == 201
    article = response.json()
    assert article["submitter"] == {
        "id": lab.member.id,
        "username": lab.member.username,
        "profile_pic_url": None,
    }
    assert {c["id"] for c in article["communities"]} == {lab.community.id, public.id}

    # The outsider sees the article, but not that it is in the private community.
    seen_by_outsider = api.get(f"/api/articles/{article['id']}", as_=lab.outsider).json()
    assert [c["id"] for c in seen_by_outsider["communities"]] == [public.id]

    listed = api.get(f"/api/communities/{lab.community.id}/articles", as_=lab.member).json()
    assert [a["id"] for a in listed["items"]] == [article["id"], lab.article.id]
    # The list's article is the article, with what goes on in its discussions besides.
    fetched = api.get(f"/api/articles/{article['id']}", as_=lab.member).json()
    in_list = listed["items"][0]
    assert {key: in_list[key] for key in fetched} == fetched
    assert (in_list["discussion_count"], in_list["comment_count"], in_list["unread_count"]) == (
        0,
        0,
        0,
    )


def test_articles_list_newest_placement_first(api, lab, make_article, make_community):
    older = make_article(make_community("public", lab.outsider))
    newer = make_article(lab.community)
    assert (
        api.post(
            f"/api/communities/{lab.community.id}/articles/{older.id}", as_=lab.member
        ).status_code
        == 204
    )

    listed = api.get(f"/api/communities/{lab.community.id}/articles?limit=2", as_=lab.member).json()

    assert listed["count"] == 3
    assert [a["id"] for a in listed["items"]] == [older.id, newer.id]
