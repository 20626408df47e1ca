"""Applying the events a member received to its first fetch gives a fresh fetch."""

import random

from tests.support.article_state import ArticleState
from tests.support.poller import Poller
from tests.support.stack import wait_until


def _fetch(api, account, cid, aid):
    discussions = api.discussions(account, cid, aid)
    comments = {d["id"]: api.comments(account, d["id"]) for d in discussions}
    return discussions, comments


def test_event_stream_rebuilds_a_fresh_fetch(stack, api, lab):
    rng = random.Random(20261128)
    admin, member = lab["admin"], lab["member"]
    cid, aid = lab["community"]["id"], lab["article"]["id"]
    moderator, reader = api.signup("moderator"), api.signup("reader")
    api.add_member(admin, cid, moderator, role="moderator")
    api.add_member(admin, cid, reader)
    other_article = api.article(admin, cid)  # its events must leave this article's state alone
    writers = [admin, member, moderator]
    author_of = {}  # object id -> account, since pseudonymous objects hide it

    def new_discussion(article_id):
        who = rng.choice(writers)
        created = api.discussion(who, cid, article_id, is_pseudonymous=rng.random() < 0.3)
        author_of[("d", created["id"])] = who

    def new_comment(discussion_id, parent_id=None):
        who = rng.choice(writers)
        created = api.comment(who, discussion_id, f"comment {rng.random():.6f}", parent_id)
        author_of[("c", created["id"])] = who

    for _ in range(3):
        new_discussion(aid)
    queue = api.register(reader)
    state = ArticleState(aid, *_fetch(api, reader, cid, aid))

    with Poller(stack.poll_url, queue["queue_id"], queue["last_event_id"]) as poller:
        for step in range(80):
            live = api.discussions(admin, cid, aid)
            roll = rng.random()
            if not live or roll < 0.12:
                new_discussion(rng.choice([aid, aid, other_article["id"]]))
                continue
            discussion = rng.choice(live)
            comments = [c for c in api.comments(admin, discussion["id"]) if not c["is_deleted"]]
            if roll < 0.5 or not comments:
                parents = [c for c in comments if c["depth"] < 2]
                use_parent = parents and rng.random() < 0.6
                new_comment(discussion["id"], rng.choice(parents)["id"] if use_parent else None)
            elif roll < 0.62:
                comment = rng.choice(comments)
                api.call(
                    "PATCH",
                    f"/api/comments/{comment['id']}",
                    author_of[("c", comment["id"])],
                    json={"content": f"edited {step}"},
                    expect=200,
                )
            elif roll < 0.8:
                api.call(
                    "DELETE", f"/api/comments/{rng.choice(comments)['id']}", moderator, expect=204
                )
            elif roll < 0.9:
                verb = "unresolve" if discussion["is_resolved"] else "resolve"
                api.call("POST", f"/api/discussions/{discussion['id']}/{verb}", admin, expect=200)
            elif roll < 0.95:
                api.call(
                    "PATCH",
                    f"/api/discussions/{discussion['id']}",
                    author_of[("d", discussion["id"])],
                    json={"topic": f"topic {step}"},
                    expect=200,
                )
            else:
                api.call("DELETE", f"/api/discussions/{discussion['id']}", moderator, expect=204)

        head = api.register(admin)["last_event_id"]
        wait_until(lambda: poller.last_event_id >= head, timeout=10, message="the stream head")

    for event in sorted(poller.events, key=lambda e: e["event_id"]):
        state.apply(event)
    assert state.snapshot() == _fetch(api, reader, cid, aid)
    assert len(poller.events) > 60


def test_concurrent_deletions_and_replies_never_strand_a_placeholder(stack, api, lab):
    """Deleting a comment and its only reply at once, or replying to a comment while it
    is deleted: whichever commits first, the events a member receives still rebuild
    the tree the API lists (no "[deleted]" left without replies, no reply lost)."""
    import concurrent.futures

    admin, member = lab["admin"], lab["member"]
    cid, aid = lab["community"]["id"], lab["article"]["id"]
    discussion = api.discussion(admin, cid, aid)
    pairs = []
    for _ in range(8):
        parent = api.comment(admin, discussion["id"], "parent")
        pairs.append((parent, api.comment(member, discussion["id"], "reply", parent["id"])))
    lonely = [api.comment(member, discussion["id"], "to be answered") for _ in range(8)]
    queue = api.register(member)
    state = ArticleState(aid, *_fetch(api, member, cid, aid))

    def delete(comment):
        return api.call("DELETE", f"/api/comments/{comment['id']}", admin).status_code

    def reply_to(comment):
        return api.call(
            "POST",
            f"/api/discussions/{discussion['id']}/comments",
            admin,
            json={"content": "late reply", "parent_id": comment["id"]},
        ).status_code

    with Poller(stack.poll_url, queue["queue_id"], queue["last_event_id"]) as poller:
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            races = [pool.submit(delete, c) for pair in pairs for c in pair]
            races += [pool.submit(f, c) for c in lonely for f in (delete, reply_to)]
            statuses = [race.result() for race in races]
        # A reply racing its parent's deletion either lands first (201) or is refused (409).
        assert set(statuses) <= {201, 204, 409} and statuses.count(204) == 24
        head = api.register(admin)["last_event_id"]
        wait_until(lambda: poller.last_event_id >= head, timeout=10, message="the stream head")

    for event in sorted(poller.events, key=lambda e: e["event_id"]):
        state.apply(event)
    assert state.snapshot() == _fetch(api, member, cid, aid)
    shown = {c["id"] for c in api.comments(member, discussion["id"])}
    assert not shown & {c["id"] for pair in pairs for c in pair}
