"""`updated_at` is the time of the last edit of the text, which pages show as
"edited": editing the topic or content moves it, resolving, reopening and
deleting (a comment kept as "[deleted]") do not, though each raises the version."""

from datetime import datetime

from discussions.models import Comment, Discussion


def _at(item, field):
    return datetime.fromisoformat(item[field])


def test_a_new_discussion_and_comment_are_not_edited(api, lab):
    """A new post's two stamps are one clock reading: equal to the microsecond, so never
    a millisecond apart in the API's answer either (which pages would show as edited)."""
    for n in range(10):
        discussion = api.post(
            f"/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions",
            {"topic": f"Fresh {n}", "content": "Unedited"},
            as_=lab.member,
        ).json()
        comment = api.post(
            f"/api/discussions/{discussion['id']}/comments", {"content": "Unedited"}, as_=lab.member
        ).json()

        assert discussion["updated_at"] == discussion["created_at"]
        assert comment["updated_at"] == comment["created_at"]
        for stored in (
            Discussion.objects.get(pk=discussion["id"]),
            Comment.objects.get(pk=comment["id"]),
        ):
            assert stored.updated_at == stored.created_at


def test_editing_a_discussion_moves_updated_at(api, lab):
    edited = api.patch(
        f"/api/discussions/{lab.discussion.id}", {"content": "Clearer"}, as_=lab.author
    ).json()

    assert _at(edited, "updated_at") > _at(edited, "created_at")


def test_resolving_and_reopening_keep_updated_at(api, lab):
    before = api.get(f"/api/discussions/{lab.discussion.id}", as_=lab.member).json()

    resolved = api.post(f"/api/discussions/{lab.discussion.id}/resolve", as_=lab.author).json()
    reopened = api.post(f"/api/discussions/{lab.discussion.id}/unresolve", as_=lab.author).json()

    assert resolved["is_resolved"] and not reopened["is_resolved"]
    assert reopened["version"] == before["version"] + 2
    assert resolved["updated_at"] == reopened["updated_at"] == before["updated_at"]


def test_editing_a_comment_moves_updated_at_and_deleting_it_does_not(api, lab, make_comment):
    make_comment(lab.member, lab.discussion, parent=lab.comment)  # keeps it as "[deleted]"
    edited = api.patch(
        f"/api/comments/{lab.comment.id}", {"content": "Reworded"}, as_=lab.author
    ).json()
    assert _at(edited, "updated_at") > _at(edited, "created_at")

    api.delete(f"/api/comments/{lab.comment.id}", as_=lab.author)
    kept = api.get(f"/api/discussions/{lab.discussion.id}/comments", as_=lab.member).json()

    placeholder = next(c for c in kept["items"] if c["id"] == lab.comment.id)
    assert placeholder["is_deleted"] and placeholder["version"] == edited["version"] + 1
    assert placeholder["updated_at"] == edited["updated_at"]


def test_sending_the_same_words_again_is_not_an_edit(api, lab):
    discussion_url = f"/api/discussions/{lab.discussion.id}"
    comment_url = f"/api/comments/{lab.comment.id}"
    words = {"topic": "Settled", "content": "Settled words"}
    discussion = api.patch(discussion_url, words, as_=lab.author).json()
    comment = api.patch(comment_url, {"content": "Settled words"}, as_=lab.author).json()
    again = [
        api.patch(discussion_url, words, as_=lab.author),
        api.patch(comment_url, {"content": "Settled words"}, as_=lab.author),
    ]
    assert [response.status_code for response in again] == [200, 200]
    for before, after in ((discussion, again[0].json()), (comment, again[1].json())):
        assert (after["version"], after["updated_at"]) == (before["version"], before["updated_at"])
    # One field new and one the same: an edit of the new one.
    retitled = api.patch(discussion_url, {**words, "topic": "Retitled"}, as_=lab.author).json()
    assert (retitled["topic"], retitled["version"]) == ("Retitled", discussion["version"] + 1)
