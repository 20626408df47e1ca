"""Apply realtime events to what a client fetched for one article.

The rules (shared with the browser's apply-event.js):
- events of other articles are ignored;
- a new or updated object replaces the held one only if its version is newer,
  so an older state never overwrites a newer one, and nothing is duplicated;
- deleted_discussion removes the discussion and its comments;
- deleted_comment puts the placeholder carried by the event in place if the
  comment still has visible replies, else removes it, then removes deleted
  ancestors left without visible replies;
- a discussion's comments_count moves by +1 on new_comment, -1 on deleted_comment.
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
            self._upsert(self.discussions, data["discussion"])
            self.comments.setdefault(data["discussion"]["id"], {})
        elif kind == "deleted_discussion":
            self.discussions.pop(data["discussion_id"], None)
            self.comments.pop(data["discussion_id"], None)
        elif kind in ("new_comment", "updated_comment"):
            tree = self.comments.setdefault(data["discussion_id"], {})
            if self._upsert(tree, data["comment"]) and kind == "new_comment":
                self._count(data["discussion_id"], +1)
        elif kind == "deleted_comment":
            self._delete_comment(data["discussion_id"], data["comment"])

    @staticmethod
    def _upsert(held: dict, obj: dict) -> bool:
        """True when obj was new to the state."""
        current = held.get(obj["id"])
        if current is not None and current["version"] >= obj["version"]:
            return False
        held[obj["id"]] = copy.deepcopy(obj)
        return current is None

    def _count(self, discussion_id: int, delta: int) -> None:
        discussion = self.discussions.get(discussion_id)
        if discussion is not None:
            discussion["comments_count"] += delta

    def _delete_comment(self, discussion_id: int, placeholder: dict) -> None:
        tree = self.comments.get(discussion_id, {})
        current = tree.get(placeholder["id"])
        if current is not None and current["version"] >= placeholder["version"]:
            return
        if current is not None and not current["is_deleted"]:
            self._count(discussion_id, -1)
        tree[placeholder["id"]] = copy.deepcopy(placeholder)
        node = placeholder["id"]
        while node is not None and tree[node]["is_deleted"] and not _has_reply(tree, node):
            parent = tree.pop(node)["parent_id"]
            node = parent if parent in tree else None

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
