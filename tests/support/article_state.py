"""Apply realtime events to what a client fetched for one article.

The rules (shared with the browser's apply-event.js):
- events of other articles are ignored;
- a new or updated object replaces the held one only if its version is newer,
  so an older state never overwrites a newer one, and nothing is duplicated;
- deleted_discussion removes the discussion and its comments;
- a comment deleted while it has live replies comes as updated_comment with
  its "[deleted]" placeholder; deleted_comment means it left the tree: it goes
  with any replies still held (their own deletions are on the way), and so do
  "[deleted]" ancestors left without replies (the server sends those too; a
  client spared its own echoes needs the rule);
- a comment whose parent is not held is ignored: a reply's parent is visible
  when the reply is written, so a missing parent means the event is older
  than the state held and both have gone since;
- a discussion's comments_count is the number of live comments held for it,
  recounted after every change, since a count carried by an event was taken at
  another moment than the comments held (apply-event.js does the same).
"""

import copy


class ArticleState:
    def __init__(self, article_id: int, discussions: list[dict], comments: dict[int, list[dict]]):
        self.article_id = article_id
        self.discussions = {d["id"]: copy.deepcopy(d) for d in discussions}
        self.comments = {
            discussion_id: {c["id"]: copy.deepcopy(c) for c in items}
            for discussion_id, items in comments.items()
        }

    def apply(self, event: dict) -> None:
        data = event["data"]
        if data.get("article_id") != self.article_id:
            return
        kind = event["type"]
        if kind in ("new_discussion", "updated_discussion"):
            discussion_id = data["discussion"]["id"]
            self._upsert(self.discussions, data["discussion"])
            self.comments.setdefault(discussion_id, {})
            self._recount(discussion_id)
        elif kind == "deleted_discussion":
            self.discussions.pop(data["discussion_id"], None)
            self.comments.pop(data["discussion_id"], None)
        elif kind in ("new_comment", "updated_comment"):
            tree = self.comments.setdefault(data["discussion_id"], {})
            parent_id = data["comment"]["parent_id"]
            if parent_id is None or parent_id in tree:
                self._upsert(tree, data["comment"])
                self._recount(data["discussion_id"])
        elif kind == "deleted_comment":
            self._delete_comment(data["discussion_id"], data["comment"])

    @staticmethod
    def _upsert(held: dict, obj: dict) -> None:
        current = held.get(obj["id"])
        if current is None or current["version"] < obj["version"]:
            held[obj["id"]] = copy.deepcopy(obj)

    def _recount(self, discussion_id: int) -> None:
        discussion = self.discussions.get(discussion_id)
        if discussion is not None:
            tree = self.comments.get(discussion_id, {})
            discussion["comments_count"] = sum(1 for c in tree.values() if not c["is_deleted"])

    def _delete_comment(self, discussion_id: int, placeholder: dict) -> None:
        tree = self.comments.get(discussion_id, {})
        current = tree.get(placeholder["id"])
        if current is None or current["version"] >= placeholder["version"]:
            return
        gone = {placeholder["id"]}
        for comment in sorted(tree.values(), key=lambda c: c["id"]):  # parents first
            if comment["parent_id"] in gone:
                gone.add(comment["id"])
        for comment_id in gone:
            del tree[comment_id]
        node = placeholder["parent_id"]
        while node in tree and tree[node]["is_deleted"] and not _has_reply(tree, node):
            node = tree.pop(node)["parent_id"]
        self._recount(discussion_id)

    def snapshot(self) -> tuple[list[dict], dict[int, list[dict]]]:
        """The same shapes the REST API returns: newest discussion first, comments by id."""
        discussions = sorted(self.discussions.values(), key=lambda d: d["id"], reverse=True)
        comments = {
            discussion_id: sorted(tree.values(), key=lambda c: c["id"])
            for discussion_id, tree in self.comments.items()
            if discussion_id in self.discussions
        }
        return discussions, comments


def _has_reply(tree: dict, comment_id: int) -> bool:
    return any(c["parent_id"] == comment_id for c in tree.values())
