"""The comment list returns the whole tree with a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def _grow_tree(make_comment, authors, discussion, groups: int) -> int:
    """`groups` groups of five comments over three levels, each group with a
    deleted comment kept for its reply and a deleted leaf that vanishes.
    Returns how many comments the list should show."""
    for g in range(groups):

        def by(i, g=g):
            return authors[(g + i) % len(authors)]

        top = make_comment(by(0), discussion, pseudonymous=g % 2 == 0)
        middle = make_comment(by(1), discussion, parent=top, deleted=True)  # kept: has a reply
        make_comment(by(2), discussion, parent=middle)  # depth 2
        other_top = make_comment(by(3), discussion)
        make_comment(by(4), discussion, parent=other_top, deleted=True)  # vanishes
    return groups * 4


def _count_queries(api, path, reader):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, as_=reader)
    assert response.status_code == 200
    return len(queries), response.json()


@pytest.mark.parametrize("visibility", ["private", "public"])
def test_comment_tree_query_count_does_not_grow(
    api, make_lab, make_discussion, make_comment, make_user, visibility
):
    lab = make_lab(visibility)
    authors = [lab.author, lab.member, lab.moderator, lab.admin, make_user()]
    small = make_discussion(lab.author, lab.community, lab.article)
    large = make_discussion(lab.author, lab.community, lab.article)
    small_expected = _grow_tree(make_comment, authors, small, groups=1)  # 5 comments
    large_expected = _grow_tree(make_comment, authors, large, groups=12)  # 60 comments
    reader = lab.member if visibility == "private" else None

    small_queries, small_tree = _count_queries(api, f"/api/discussions/{small.id}/comments", reader)
    large_queries, large_tree = _count_queries(api, f"/api/discussions/{large.id}/comments", reader)

    assert small_tree["count"] == len(small_tree["items"]) == small_expected
    assert large_tree["count"] == len(large_tree["items"]) == large_expected
    assert {item["depth"] for item in large_tree["items"]} == {0, 1, 2}
    assert sum(item["is_deleted"] for item in large_tree["items"]) == 12
    assert small_queries == large_queries
    assert large_queries <= 4  # the user, the discussion, the caller's role, the comments
