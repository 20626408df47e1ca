"""Realtime events: each change to a discussion or comment of a private
community writes exactly one outbox row, in the change's transaction, whose
data carries the object exactly as the REST API returns it. Public
communities write none."""


def test_every_discussion_change_writes_one_event_with_the_rest_representation(api, lab, outbox):
    cid, aid = lab.community.id, lab.article.id

    created = api.post(
        f"/api/communities/{cid}/articles/{aid}/discussions",
        {"topic": "T", "content": "C"},
        as_=lab.member,
    ).json()
    url = f"/api/discussions/{created['id']}"
    event = outbox.only_event()
    assert event["type"] == "new_discussion"
    assert event["body"]["data"] == {"discussion": created, "article_id": aid, "community_id": cid}
    assert event["body"]["data"]["discussion"] == api.get(url, as_=lab.admin).json()
    assert event["body"]["community_ids"] == [cid]
    assert event["meta"]["author_id"] == lab.member.id

    for change in (
        lambda: api.patch(url, {"topic": "T2"}, as_=lab.member),
        lambda: api.post(f"{url}/resolve", as_=lab.admin),
        lambda: api.post(f"{url}/unresolve", as_=lab.member),
    ):
        assert change().status_code == 200
        event = outbox.only_event()
        assert event["type"] == "updated_discussion"
        assert event["body"]["data"]["discussion"] == api.get(url, as_=lab.admin).json()

    assert api.delete(url, as_=lab.moderator).status_code == 204
    event = outbox.only_event()
    assert event["type"] == "deleted_discussion"
    version = created["version"] + 3 + 1  # three changes, then the deletion
    assert event["body"]["data"] == {
        "discussion": {"id": created["id"], "version": version},
        "discussion_id": created["id"],
        "article_id": aid,
        "community_id": cid,
    }


def test_a_change_that_changes_nothing_writes_no_event(api, lab, outbox):
    url = f"/api/discussions/{lab.discussion.id}"
    assert api.post(f"{url}/unresolve", as_=lab.author).status_code == 200  # already open
    assert outbox.rows() == []


def test_every_comment_change_writes_one_event_with_the_rest_representation(api, lab, outbox):
    did = lab.discussion.id

    def tree_item(comment_id):
        items = api.get(f"/api/discussions/{did}/comments", as_=lab.admin).json()["items"]
        return next((item for item in items if item["id"] == comment_id), None)

    def check(event, event_type, comment):
        assert event["type"] == event_type
        assert event["body"]["data"] == {
            "comment": comment,
            "comment_id": comment["id"],
            "discussion_id": did,
            "parent_id": comment["parent_id"],
            "article_id": lab.article.id,
            "community_id": lab.community.id,
        }

    parent = api.post(f"/api/discussions/{did}/comments", {"content": "P"}, as_=lab.member).json()
    check(outbox.only_event(), "new_comment", parent)
    assert tree_item(parent["id"]) == parent

    reply = api.post(
        f"/api/discussions/{did}/comments",
        {"content": "R", "parent_id": parent["id"]},
        as_=lab.author,
    ).json()
    check(outbox.only_event(), "new_comment", reply)
    assert tree_item(reply["id"]) == reply

    edited = api.patch(f"/api/comments/{parent['id']}", {"content": "P2"}, as_=lab.member).json()
    check(outbox.only_event(), "updated_comment", edited)
    assert tree_item(parent["id"]) == edited

    # Deleted with a reply: it stays in the tree as "[deleted]", so the event is an
    # update carrying the placeholder the tree shows ("deleted_*" means "remove it").
    assert api.delete(f"/api/comments/{parent['id']}", as_=lab.admin).status_code == 204
    event = outbox.only_event()
    placeholder = tree_item(parent["id"])
    assert placeholder["content"] == "[deleted]"
    assert placeholder["author"] == {
        "id": None,
        "username": "[deleted]",
        "is_pseudonymous": False,
        "profile_pic_url": None,
    }
    assert placeholder["version"] == edited["version"] + 1
    check(event, "updated_comment", placeholder)

    # The last live reply deleted: it leaves the tree, and its "[deleted]" parent with it.
    assert api.delete(f"/api/comments/{reply['id']}", as_=lab.author).status_code == 204
    events = outbox.events()
    assert [(e["type"], e["body"]["data"]["comment_id"]) for e in events] == [
        ("deleted_comment", reply["id"]),
        ("deleted_comment", parent["id"]),
    ]
    gone_reply, gone_parent = (e["body"]["data"]["comment"] for e in events)
    assert gone_reply["is_deleted"] is True and gone_reply["content"] == "[deleted]"
    assert gone_reply["version"] == reply["version"] + 1
    # Newer than the placeholder clients hold, so they apply it.
    assert gone_parent["version"] == placeholder["version"] + 1
    assert tree_item(reply["id"]) is None and tree_item(parent["id"]) is None


def test_a_deleted_comment_leaves_the_tree_only_with_its_last_live_descendant(api, lab, outbox):
    did = lab.discussion.id

    def post(content, parent=None):
        body = {"content": content, **({"parent_id": parent["id"]} if parent else {})}
        return api.post(f"/api/discussions/{did}/comments", body, as_=lab.member).json()

    def delete(comment):
        outbox.__init__()
        assert api.delete(f"/api/comments/{comment['id']}", as_=lab.member).status_code == 204
        return [(e["type"], e["body"]["data"]["comment_id"]) for e in outbox.events()]

    top = post("top")
    middle = post("middle", top)
    leaf_a, leaf_b = post("a", middle), post("b", middle)

    def shown():  # of these four (the lab's discussion has comments of its own)
        items = api.get(f"/api/discussions/{did}/comments", as_=lab.member).json()["items"]
        return {item["id"] for item in items} & {c["id"] for c in (top, middle, leaf_a, leaf_b)}

    assert delete(top) == [("updated_comment", top["id"])]
    assert delete(middle) == [("updated_comment", middle["id"])]
    assert delete(leaf_a) == [("deleted_comment", leaf_a["id"])]
    assert shown() == {top["id"], middle["id"], leaf_b["id"]}
    # The last live comment goes: both "[deleted]" ancestors go with it, nearest first.
    assert delete(leaf_b) == [
        ("deleted_comment", leaf_b["id"]),
        ("deleted_comment", middle["id"]),
        ("deleted_comment", top["id"]),
    ]
    assert shown() == set()


def test_public_communities_write_no_events(api, make_lab, outbox):
    lab = make_lab("public")
    cid, aid = lab.community.id, lab.article.id
    created = api.post(
        f"/api/communities/{cid}/articles/{aid}/discussions",
        {"topic": "T", "content": "C"},
        as_=lab.outsider,
    ).json()
    url = f"/api/discussions/{created['id']}"
    comment = api.post(f"{url}/comments", {"content": "c"}, as_=lab.outsider).json()
    statuses = [
        api.patch(url, {"topic": "T2"}, as_=lab.outsider).status_code,
        api.post(f"{url}/resolve", as_=lab.outsider).status_code,
        api.post(f"{url}/unresolve", as_=lab.outsider).status_code,
        api.patch(
            f"/api/comments/{comment['id']}", {"content": "c2"}, as_=lab.outsider
        ).status_code,
        api.delete(f"/api/comments/{comment['id']}", as_=lab.moderator).status_code,
        api.delete(url, as_=lab.admin).status_code,
        api.post(f"/api/communities/{cid}/join", as_=lab.outsider).status_code,
    ]
    assert statuses == [200, 200, 200, 200, 204, 204, 200]
    assert outbox.rows() == []


def test_origin_queue_header_is_kept_only_when_well_formed(api, lab, outbox):
    url = f"/api/discussions/{lab.discussion.id}/comments"
    queue_id = "Q" * 22
    for header, expected in ((queue_id, queue_id), ("not a queue!", None), ("x" * 5000, None)):
        response = api.post(
            url, {"content": "c"}, as_=lab.member, headers={"X-Realtime-Queue-Id": header}
        )
        assert response.status_code == 201
        assert outbox.only_event()["meta"]["origin_queue_id"] == expected


def test_refused_writes_write_no_events(api, lab, outbox):
    did = lab.discussion.id
    refused = [
        api.patch(f"/api/discussions/{did}", {"topic": "x"}, as_=lab.member),
        api.delete(f"/api/comments/{lab.comment.id}", as_=lab.member),
        api.post(f"/api/discussions/{did}/comments", {"content": "x"}, as_=lab.outsider),
        api.post(f"/api/discussions/{did}/comments", {"content": ""}, as_=lab.member),
    ]
    assert [r.status_code for r in refused] == [403, 403, 404, 422]
    assert outbox.rows() == []


def test_events_are_handed_to_the_relay_only_after_commit(
    api, make_lab, django_capture_on_commit_callbacks
):
    private, public = make_lab("private"), make_lab("public")
    for lab, expected in ((private, 1), (public, 0)):
        with django_capture_on_commit_callbacks() as callbacks:
            response = api.post(
                f"/api/discussions/{lab.discussion.id}/comments", {"content": "c"}, as_=lab.member
            )
        assert response.status_code == 201
        handed = [callback.__name__ for callback in callbacks]
        assert handed.count("publish_after_commit") == expected
        # Followers hear of a comment in any community: the relay is woken for it too.
        assert sorted(handed) == sorted(["publish_after_commit"] * expected + ["wake_after_commit"])
