"""Events are bounded in bytes where they are made; an over-size one says so."""

import json

from realtime_core.events import MAX_BODY_BYTES, MAX_EVENT_BYTES, content_event, decode_entry


def _comment_event(content: str, topic: str = "A topic"):
    data = {
        "comment": {
            "id": 5,
            "content": content,
            "version": 2,
            "author": {"id": 3, "username": "ada", "is_pseudonymous": False},
        },
        "comment_id": 5,
        "discussion_id": 4,
        "parent_id": None,
        "article_id": 2,
        "community_id": 1,
        "topic": topic,
    }
    return data, content_event("new_comment", data, 1, 3, None)


def _wire(body: str, event_id: int = 2**53) -> bytes:
    meta = json.dumps({"type": "new_comment", "community_id": 1})
    return decode_entry(f"{event_id}-0", {"meta": meta, "body": body}).wire


def test_an_event_within_the_bound_is_left_as_it_is():
    data, (_, body) = _comment_event("😀" * 8000)  # 32,000 bytes: the API's content limit
    assert json.loads(body)["data"] == data
    assert len(_wire(body)) <= MAX_EVENT_BYTES


def test_an_over_size_event_keeps_every_field_with_its_longest_text_cut_and_flagged():
    data, (_, body) = _comment_event("😀" * 20_000)  # 80,000 bytes
    received = json.loads(_wire(body))
    assert len(_wire(body)) <= MAX_EVENT_BYTES  # even with the largest event_id spliced in
    assert len(body.encode()) > MAX_BODY_BYTES - 8  # cut to the bound, not far below it
    assert received["data"]["truncated"] is True
    comment = received["data"]["comment"]
    assert set(comment) == set(data["comment"])
    assert comment["content"] and data["comment"]["content"].startswith(comment["content"])
    assert {k: v for k, v in comment.items() if k != "content"} == {
        k: v for k, v in data["comment"].items() if k != "content"
    }
    assert received["data"]["topic"] == "A topic"


def test_escapes_count_as_the_bytes_they_take_and_are_never_split():
    # 20,000 control characters are 20 KB of text but 120 KB of JSON (\u0001 each).
    _, (_, body) = _comment_event("\x01" * 20_000)
    content = json.loads(body)["data"]["comment"]["content"]
    assert len(body.encode()) <= MAX_BODY_BYTES
    assert set(content) == {"\x01"} and len(content) > 10_000


def test_when_one_text_is_not_enough_the_next_longest_is_cut_too():
    _, (_, body) = _comment_event("x" * 40_000, topic="y" * 40_000)
    data = json.loads(body)["data"]
    assert len(body.encode()) <= MAX_BODY_BYTES
    assert data["truncated"] is True
    assert data["comment"]["content"].strip("x") == "" and data["topic"].strip("y") == ""
    assert len(data["comment"]["content"]) + len(data["topic"]) > 60_000
