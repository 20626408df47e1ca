"""Property tests (Hypothesis) of the shipped reducer, apply-event.js (through
tests/support/article_state.ArticleState, which runs it in Node).

A small reference model of one discussion's comments plays the server: it
applies the same rules as the services (replies only to live comments, at
most depth 2, a change bumps the version, a deletion is soft) and builds each
event the way src/realtime/events.py does. The visible tree is computed
directly with the rule of discussions.comment_pages (live comments, plus
deleted ones that still have a visible reply), written here from its
docstring, not imported.

Properties:
- a client that registers at some point, fetches a snapshot at that point or
  later, and then applies every event since it registered (some already in
  its snapshot) holds exactly the visible state;
- updates of one object applied in any order end in the newest version.
"""

import copy
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.article_state import ArticleState

ARTICLE, COMMUNITY, DISCUSSION = 7, 3, 11
OTHER_ARTICLE = 8
MAX_DEPTH = 2
STAMP = "2026-01-01T00:00:00Z"


class Server:
    """One discussion and its comments, as the database holds them."""

    def __init__(self):
        self.discussion = {"id": DISCUSSION, "topic": "T", "version": 1}
        self.comments: dict[int, dict] = {}
        self.next_id = 100
        self.events: list[dict] = []

    # -- representations (the REST shapes, as far as ArticleState cares) --

    def comment_json(self, c: dict) -> dict:
        return {
            "id": c["id"],
            "discussion_id": DISCUSSION,
            "article_id": ARTICLE,
            "community_id": COMMUNITY,
            "parent_id": c["parent_id"],
            "depth": c["depth"],
            "content": "[deleted]" if c["is_deleted"] else c["content"],
            "author": {
                "id": None,
                "username": "[deleted]",
                "is_pseudonymous": False,
                "profile_pic_url": None,
            }
            if c["is_deleted"]
            else {"id": 1, "username": "u", "is_pseudonymous": False, "profile_pic_url": None},
            "is_pseudonymous": False,
            "is_deleted": c["is_deleted"],
            "version": c["version"],
            "created_at": STAMP,
            "updated_at": STAMP,
        }

    def discussion_json(self) -> dict:
        live = sum(1 for c in self.comments.values() if not c["is_deleted"])
        return {
            "id": DISCUSSION,
            "article_id": ARTICLE,
            "community_id": COMMUNITY,
            "topic": self.discussion["topic"],
            "comments_count": live,
            "version": self.discussion["version"],
        }

    def visible_tree(self) -> list[dict]:
        """The listing's rule, scanning newest first so replies are seen first."""
        has_visible_reply: set[int] = set()
        visible = []
        for c in sorted(self.comments.values(), key=lambda c: c["id"], reverse=True):
            if not c["is_deleted"] or c["id"] in has_visible_reply:
                visible.append(self.comment_json(c))
                if c["parent_id"] is not None:
                    has_visible_reply.add(c["parent_id"])
        return sorted(visible, key=lambda c: c["id"])

    def snapshot(self) -> tuple[list[dict], dict[int, list[dict]]]:
        return [self.discussion_json()], {DISCUSSION: self.visible_tree()}

    # -- writes, each recording the event events.py would record --

    def _comment_event(self, kind: str, c: dict) -> None:
        self.events.append(
            {
                "type": kind,
                "data": {
                    "comment": self.comment_json(c),
                    "comment_id": c["id"],
                    "discussion_id": DISCUSSION,
                    "parent_id": c["parent_id"],
                    "article_id": ARTICLE,
                    "community_id": COMMUNITY,
                },
            }
        )

    def live(self) -> list[dict]:
        return [c for c in self.comments.values() if not c["is_deleted"]]

    def create(self, pick: int | None) -> None:
        parents = [c for c in self.live() if c["depth"] < MAX_DEPTH]
        parent = None if pick is None or not parents else parents[pick % len(parents)]
        self.next_id += 1
        c = {
            "id": self.next_id,
            "parent_id": parent["id"] if parent else None,
            "depth": parent["depth"] + 1 if parent else 0,
            "content": f"c{self.next_id}",
            "is_deleted": False,
            "version": 1,
        }
        self.comments[c["id"]] = c
        self._comment_event("new_comment", c)

    def edit(self, pick: int) -> None:
        live = self.live()
        if live:
            c = live[pick % len(live)]
            c["content"] += "!"
            c["version"] += 1
            self._comment_event("updated_comment", c)

    def delete(self, pick: int) -> None:
        """As services.delete_comment: with a live comment below it, the deleted
        comment stays as "[deleted]" (an update); else it leaves the tree, and so
        does each "[deleted]" ancestor it was the last live reply of."""
        live = self.live()
        if not live:
            return
        c = live[pick % len(live)]
        c["is_deleted"] = True
        c["version"] += 1
        if self._has_live_reply(c["id"]):
            self._comment_event("updated_comment", c)
            return
        self._comment_event("deleted_comment", c)
        parent = self.comments.get(c["parent_id"])
        while (
            parent is not None and parent["is_deleted"] and not self._has_live_reply(parent["id"])
        ):
            parent["version"] += 1
            self._comment_event("deleted_comment", parent)
            parent = self.comments.get(parent["parent_id"])

    def _has_live_reply(self, comment_id: int) -> bool:
        replies = [c for c in self.comments.values() if c["parent_id"] == comment_id]
        return any(not r["is_deleted"] or self._has_live_reply(r["id"]) for r in replies)

    def edit_discussion(self) -> None:
        self.discussion["topic"] += "!"
        self.discussion["version"] += 1
        self.events.append(
            {
                "type": "updated_discussion",
                "data": {
                    "discussion": self.discussion_json(),
                    "article_id": ARTICLE,
                    "community_id": COMMUNITY,
                },
            }
        )

    def other_article(self) -> None:
        """An event of another article on the same stream: must be ignored."""
        self.events.append(
            {
                "type": "new_comment",
                "data": {
                    "comment": {"id": 1, "version": 1, "parent_id": None, "is_deleted": False},
                    "comment_id": 1,
                    "discussion_id": DISCUSSION,
                    "parent_id": None,
                    "article_id": OTHER_ARTICLE,
                    "community_id": COMMUNITY,
                },
            }
        )


operation = st.one_of(
    st.tuples(st.just("create"), st.none() | st.integers(0, 50)),
    st.tuples(st.just("create"), st.integers(0, 50)),
    st.tuples(st.just("edit"), st.integers(0, 50)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("edit_discussion"), st.none()),
    st.tuples(st.just("other_article"), st.none()),
)


def run(server: Server, op) -> None:
    name, arg = op
    if name in ("create", "edit", "delete"):
        getattr(server, name)(arg)
    else:
        getattr(server, name)()


@settings(max_examples=300, deadline=None)
@given(ops=st.lists(operation, max_size=40), data=st.data())
def test_snapshot_plus_events_since_registration_equals_the_visible_state(ops, data):
    server = Server()
    registered = data.draw(st.integers(0, len(ops)), label="registered after op")
    fetched = data.draw(st.integers(registered, len(ops)), label="fetched after op")
    cursor, snapshot = None, None
    for i, op in enumerate([*ops, None]):
        if i == registered:
            cursor = len(server.events)
        if i == fetched:
            snapshot = copy.deepcopy(server.snapshot())
        if op is not None:
            run(server, op)

    state = ArticleState(ARTICLE, *snapshot)
    for event in server.events[cursor:]:
        state.apply(copy.deepcopy(event))
        held = state.comments[DISCUSSION]
        # Never a reply without its parent, whatever has been applied so far.
        assert all(c["parent_id"] is None or c["parent_id"] in held for c in held.values())

    assert state.snapshot() == server.snapshot()


@settings(max_examples=300, deadline=None)
@given(ops=st.lists(operation, max_size=40))
def test_events_from_an_empty_article_rebuild_the_visible_state(ops):
    server = Server()
    empty = copy.deepcopy(server.snapshot())
    for op in ops:
        run(server, op)
    state = ArticleState(ARTICLE, *empty)
    for event in server.events:
        state.apply(event)
    assert state.snapshot() == server.snapshot()


@settings(max_examples=300, deadline=None)
@given(
    comment_edits=st.integers(0, 8),
    discussion_edits=st.integers(0, 8),
    fetched_after=st.integers(0, 16),
    seed=st.randoms(use_true_random=False),
)
def test_updates_of_one_object_in_any_order_end_in_the_newest_version(
    comment_edits, discussion_edits, fetched_after, seed: random.Random
):
    server = Server()
    server.create(None)
    comment_id = server.next_id
    start = len(server.events)
    steps = ["comment"] * comment_edits + ["discussion"] * discussion_edits
    seed.shuffle(steps)
    snapshot = None
    for i, step in enumerate([*steps, None]):
        if i == min(fetched_after, len(steps)):
            snapshot = copy.deepcopy(server.snapshot())
        if step == "comment":
            server.edit(0)
        elif step == "discussion":
            server.edit_discussion()

    updates = server.events[start:]
    seed.shuffle(updates)
    state = ArticleState(ARTICLE, *snapshot)
    for event in updates:
        state.apply(event)
        # Never older over newer: what is held only moves forward.
    assert state.snapshot() == server.snapshot()
    assert state.comments[DISCUSSION][comment_id]["version"] == comment_edits + 1
    assert state.discussions[DISCUSSION]["version"] == discussion_edits + 1


@settings(max_examples=200, deadline=None)
@given(edits=st.integers(1, 8), seed=st.randoms(use_true_random=False))
def test_held_versions_never_go_backwards_in_any_order(edits, seed: random.Random):
    server = Server()
    server.create(None)
    comment_id = server.next_id
    snapshot = copy.deepcopy(server.snapshot())
    start = len(server.events)
    for _ in range(edits):
        server.edit(0)
    updates = server.events[start:]
    seed.shuffle(updates)
    state = ArticleState(ARTICLE, *snapshot)
    seen = 1
    for event in updates:
        state.apply(event)
        held = state.comments[DISCUSSION][comment_id]
        assert held["version"] == max(seen, event["data"]["comment"]["version"])
        seen = held["version"]
        assert held["content"] == f"c{comment_id}" + "!" * (seen - 1)
