"""Threaded comments: soft deletion with "[deleted]" placeholders, the tree
order, editing, and comments_count."""

import pytest


@pytest.fixture
def thread(api, lab):
    """Post comments through the API as members of the lab."""
    url = f"/api/discussions/{lab.discussion.id}/comments"

    def post(content, parent=None, as_=None):
        response = api.post(
            url, {"content": content, "parent_id": parent and parent["id"]}, as_=as_ or lab.member
        )
        assert response.status_code == 201, response.content
        return response.json()

    def tree(as_=None):
        body = api.get(url, as_=as_ or lab.member).json()
        assert body["count"] == len(body["items"])
        return body["items"]

    def delete(comment, as_=None):
        response = api.delete(f"/api/comments/{comment['id']}", as_=as_ or lab.member)
        assert response.status_code == 204, response.content

    lab.comment.delete()  # start from an empty discussion
    post.tree, post.delete = tree, delete
    return post


def _ids(items):
    return [item["id"] for item in items]


def test_deleting_a_comment_with_replies_keeps_a_placeholder(api, lab, thread):
    parent = thread("Parent")
    reply = thread("Reply", parent)

    thread.delete(parent)

    items = thread.tree()
    assert _ids(items) == [parent["id"], reply["id"]]
    placeholder = items[0]
    assert placeholder["content"] == "[deleted]"
    assert placeholder["is_deleted"] is True
    # An author object all the same: front ends read author.username without a check.
    assert placeholder["author"] == {
        "id": None,
        "username": "[deleted]",
        "is_pseudonymous": False,
        "profile_pic_url": None,
    }
    assert placeholder["is_pseudonymous"] is False
    assert items[1]["parent_id"] == parent["id"]


def test_deleting_a_comment_without_replies_removes_it(thread):
    keep, gone = thread("Keep"), thread("Gone")
    thread.delete(gone)
    assert _ids(thread.tree()) == [keep["id"]]


def test_a_placeholder_vanishes_with_its_last_reply(thread):
    root = thread("Root")
    middle = thread("Middle", root)
    first, second = thread("First leaf", middle), thread("Second leaf", middle)
    thread.delete(root)
    thread.delete(middle)
    assert _ids(thread.tree()) == [root["id"], middle["id"], first["id"], second["id"]]

    thread.delete(first)
    assert _ids(thread.tree()) == [root["id"], middle["id"], second["id"]]

    thread.delete(second)  # the last visible reply: both placeholders go with it
    assert thread.tree() == []


def test_moderator_deletes_anothers_comment(thread, lab):
    comment = thread("Off topic", as_=lab.author)
    thread.delete(comment, as_=lab.moderator)
    assert thread.tree() == []


def test_tree_lists_parents_before_replies_oldest_first(thread):
    a = thread("A")
    b = thread("B")
    a1 = thread("A1", a)
    b1 = thread("B1", b)
    a1x = thread("A1x", a1)
    items = thread.tree()
    assert _ids(items) == [a["id"], b["id"], a1["id"], b1["id"], a1x["id"]]
    assert [item["depth"] for item in items] == [0, 0, 1, 1, 2]
    position = {item["id"]: i for i, item in enumerate(items)}
    for item in items:
        if item["parent_id"] is not None:
            assert position[item["parent_id"]] < position[item["id"]]


def test_comment_shape(thread, lab):
    comment = thread("Hello")
    assert comment["discussion_id"] == lab.discussion.id
    assert comment["article_id"] == lab.article.id
    assert comment["community_id"] == lab.community.id
    assert comment["parent_id"] is None
    assert comment["depth"] == 0
    assert comment["author"] == {
        "id": lab.member.id,
        "username": lab.member.username,
        "is_pseudonymous": False,
        "profile_pic_url": None,
    }
    assert comment["version"] == 1
    assert comment["created_at"] and comment["updated_at"]


def test_author_edits_a_comment(api, thread, lab):
    comment = thread("Frist")
    response = api.patch(f"/api/comments/{comment['id']}", {"content": "First"}, as_=lab.member)
    assert response.status_code == 200
    edited = response.json()
    assert edited["content"] == "First"
    assert edited["version"] == comment["version"] + 1
    assert thread.tree() == [edited]


def test_comments_count_counts_live_comments(api, thread, lab):
    def count():
        return api.get(f"/api/discussions/{lab.discussion.id}", as_=lab.member).json()[
            "comments_count"
        ]

    def listed_count():
        url = f"/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions"
        return api.get(url, as_=lab.member).json()["items"][0]["comments_count"]

    assert count() == listed_count() == 0
    a = thread("A")
    a1 = thread("A1", a)
    b = thread("B")
    assert count() == listed_count() == 3
    thread.delete(a)  # kept as a placeholder, but no longer a live comment
    assert count() == listed_count() == 2
    thread.delete(b)
    thread.delete(a1)
    assert count() == listed_count() == 0
