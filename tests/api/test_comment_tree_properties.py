"""Property test (Hypothesis) of the real comment tree: any sequence of comments, replies and
deletions, made through the services, is listed by the API as the rule says.

The rule, written here from the issue rather than imported: a comment is shown when it is
live or when one of its replies is shown; a shown deleted comment reads "[deleted]"; parents
come before replies; nesting stops at three levels (a reply to the third level is refused
with 422) and a deleted comment takes no new replies (409).
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discussions import services
from toolkit.errors import ApiError

# An operation: ("comment", index of the parent among comments made so far, or None) or
# ("delete", index of the comment).
operations = st.lists(
    st.one_of(
        st.tuples(st.just("comment"), st.none() | st.integers(0, 30)),
        st.tuples(st.just("delete"), st.integers(0, 30)),
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
def test_the_listed_tree_follows_the_rule_for_any_history(api, lab, make_discussion, ops):
    discussion = make_discussion(lab.author, lab.community, lab.article)
    made: list[int] = []  # comment ids in creation order
    parent_of: dict[int, int | None] = {}
    depth_of: dict[int, int] = {}
    deleted: set[int] = set()
    for kind, index in ops:
        if kind == "comment":
            parent = made[index % len(made)] if index is not None and made else None
            try:
                comment = services.create_comment(
                    lab.member.user, discussion.id, "text", parent, False, None
                )
            except ApiError as refused:
                assert parent is not None
                assert refused.status == (409 if parent in deleted else 422)
                assert parent in deleted or depth_of[parent] == 2
                continue
            assert parent is None or (depth_of[parent] < 2 and parent not in deleted)
            made.append(comment.id)
            parent_of[comment.id] = parent
            depth_of[comment.id] = 0 if parent is None else depth_of[parent] + 1
        elif made:
            target = made[index % len(made)]
            if target not in deleted:
                services.delete_comment(lab.member.user, target, None)
                deleted.add(target)

    def shown(comment_id: int) -> bool:
        return comment_id not in deleted or any(
            shown(reply) for reply, parent in parent_of.items() if parent == comment_id
        )

    answer = api.get(f"/api/discussions/{discussion.id}/comments", as_=lab.member).json()
    listed = answer["items"]
    assert [c["id"] for c in listed] == [c for c in made if shown(c)]  # ids grow: parents first
    assert answer["count"] == len(listed)
    for comment in listed:
        assert comment["parent_id"] == parent_of[comment["id"]]
        assert comment["depth"] == depth_of[comment["id"]]
        assert comment["is_deleted"] == (comment["id"] in deleted)
        assert (comment["content"] == "[deleted]") == (comment["id"] in deleted)
