"""Every list endpoint answers at most 100 items a page and refuses a larger
`limit` with a 400 naming it; a discussion's comments come a page at a time,
however many there are and however they are threaded."""

import pytest

from discussions.models import Comment
from toolkit.types import MAX_ID

from .support import assert_json_error

LISTS = [
    ("/api/auth/logins", "member"),
    ("/api/communities", None),
    ("/api/communities/{lab.community.id}/members", "member"),
    ("/api/communities/{lab.community.id}/requests", "admin"),
    ("/api/communities/{lab.community.id}/articles", "member"),
    ("/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions", "member"),
    ("/api/discussions/{lab.discussion.id}/comments", "member"),
]


@pytest.mark.parametrize(("path", "role"), LISTS, ids=[path for path, _ in LISTS])
@pytest.mark.parametrize("limit", [101, MAX_ID, 2**64])
def test_a_page_larger_than_100_is_refused(api, lab, path, role, limit):
    response = api.get(
        f"{path.format(lab=lab)}?limit={limit}", as_=getattr(lab, role) if role else None
    )
    body = assert_json_error(response, 400)
    assert [error["loc"][-1] for error in body["errors"]] == ["limit"]


@pytest.mark.parametrize(("path", "role"), LISTS, ids=[path for path, _ in LISTS])
def test_a_page_of_100_is_served(api, lab, path, role):
    response = api.get(
        f"{path.format(lab=lab)}?limit=100", as_=getattr(lab, role) if role else None
    )
    assert response.status_code == 200, response.content[:300]


def test_lists_answered_as_arrays_page_with_limit_and_offset(api, make_community, make_user):
    admin = make_user()
    members = [make_user() for _ in range(4)]
    community = make_community("public", admin, members=members)
    url = f"/api/communities/{community.id}/members"
    everyone = [m["user"]["id"] for m in api.get(url).json()]
    assert everyone == [admin.id, *(m.id for m in members)]  # in the order they joined
    assert [m["user"]["id"] for m in api.get(f"{url}?limit=2").json()] == everyone[:2]
    assert [m["user"]["id"] for m in api.get(f"{url}?limit=2&offset=2").json()] == everyone[2:4]
    assert [m["user"]["id"] for m in api.get(f"{url}?offset=4").json()] == everyone[4:]


def _pages(api, lab, limit, as_=None):
    """Every page of the lab discussion's comments, following next_after."""
    pages, after = [], 0
    while after is not None:
        response = api.get(
            f"/api/discussions/{lab.discussion.id}/comments?limit={limit}&after={after}", as_=as_
        )
        assert response.status_code == 200, response.content[:300]
        page = response.json()
        assert page["count"] == len(page["items"]) <= limit
        pages.append(page["items"])
        after = page["next_after"]
    return pages


def test_a_huge_comment_tree_comes_in_pages(api, make_lab):
    """One thread of 250 replies, then deleted comments kept for their replies
    and deleted ones that vanish, read anonymously from a public community."""
    lab = make_lab("public")
    discussion, author = lab.discussion, lab.author.user

    shown = [lab.comment.id]

    def add(parent=None, deleted=False, listed=True):
        comment = Comment.objects.create(
            discussion=discussion,
            author=author,
            parent=parent,
            content="x" * 1000,
            depth=0 if parent is None else parent.depth + 1,
            is_deleted=deleted,
        )
        if listed:
            shown.append(comment.id)
        return comment

    big_thread = add()
    for _ in range(250):
        add(parent=big_thread)
    for _ in range(30):
        kept = add(deleted=True)  # listed as [deleted]: a reply below it is live
        middle = add(parent=kept, deleted=True)
        add(parent=middle)
        add(parent=add(), deleted=True, listed=False)  # a deleted leaf is not listed

    pages = _pages(api, lab, limit=100)
    assert [len(page) for page in pages] == [100, 100, 100, 72]
    listed = [c["id"] for page in pages for c in page]
    assert listed == shown  # oldest first, nothing repeated, nothing missed
    assert sum(c["content"] == "[deleted]" for page in pages for c in page) == 60
    by_default = api.get(f"/api/discussions/{discussion.id}/comments").json()
    assert by_default["items"] == pages[0] and by_default["next_after"] == listed[99]


def test_comments_written_between_pages_come_later_and_once(api, lab, make_comment):
    for _ in range(4):
        make_comment(lab.author, lab.discussion)
    url = f"/api/discussions/{lab.discussion.id}/comments"
    first = api.get(f"{url}?limit=3", as_=lab.member).json()
    newcomer = make_comment(lab.member, lab.discussion)
    rest = api.get(f"{url}?limit=3&after={first['next_after']}", as_=lab.member).json()
    listed = [c["id"] for c in first["items"] + rest["items"]]
    assert listed == sorted(set(listed)) and listed[-1] == newcomer.id and len(listed) == 6
    assert rest["next_after"] is None
