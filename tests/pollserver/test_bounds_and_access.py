"""Bounded events, ring and answers, and access that ends: real poll-server processes and Redis."""

import asyncio
import json
import time
import uuid

from realtime_core.events import MAX_EVENT_BYTES, revocation_event
from tests.pollserver.test_delivery import event_ids, waiting_poll

ALICE, BOB = 1, 2
COMMUNITY, OTHER_COMMUNITY = 10, 20
OVER_SIZE_TEXT = "x" * 70_000  # cut to the largest event there is


def wire_size(event: dict) -> int:
    """The event's size as the server sent it (the same compact UTF-8 JSON)."""
    return len(json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode())


async def read_pages(server, http, queue_id: str, cursor: int, head: int) -> list:
    """Poll at once after each answer until the head, as the clients do; the answers."""
    answers = []
    while cursor < head:
        response = await server.poll(http, queue_id, cursor)
        assert response.status_code == 200, response.text
        answers.append(response)
        cursor = response.json()["last_event_id"]
    return answers


async def test_an_over_size_event_arrives_cut_to_the_bound_and_flagged(
    realtime, start_server, http
):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    text = "😀" * 20_000  # 80 KB, the example
    event_id = realtime.publish(COMMUNITY, author_id=BOB, text=text)
    await server.has_read(http, event_id)
    [event] = (await server.poll(http, queue_id, cursor)).json()["events"]
    assert MAX_EVENT_BYTES - 100 < wire_size(event) <= MAX_EVENT_BYTES
    assert event["data"]["truncated"] is True
    assert text.startswith(event["data"]["text"])
    assert event["data"]["community_id"] == COMMUNITY


async def test_the_ring_keeps_at_most_its_bytes(realtime, start_server, http):
    ring_bytes = 5 * MAX_EVENT_BYTES
    server = start_server(REALTIME_RING_BYTES=ring_bytes)
    for _ in range(12):
        newest = realtime.publish(COMMUNITY, text=OVER_SIZE_TEXT)
    await server.has_read(http, newest)
    assert 1 <= server.health()["ring_events"] <= 5
    # Followed as they come, not only loaded at start.
    later = start_server(REALTIME_RING_BYTES=ring_bytes)
    for _ in range(12):
        newest = realtime.publish(COMMUNITY, text=OVER_SIZE_TEXT)
    await later.has_read(http, newest)
    assert 1 <= later.health()["ring_events"] <= 5


async def test_a_backlog_of_max_size_events_comes_in_pages_under_the_budget_each_once(
    realtime, start_server, http
):
    budget = 200_000  # three of the largest events
    server = start_server(REALTIME_ANSWER_BYTES=budget, REALTIME_RING_BYTES=6 * MAX_EVENT_BYTES)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    expected = []
    for _n in range(25):
        expected.append(realtime.publish(COMMUNITY, author_id=BOB, text=OVER_SIZE_TEXT))
        realtime.publish(OTHER_COMMUNITY, text="not for alice")
    head = realtime.publish(OTHER_COMMUNITY)
    await server.has_read(http, head)

    answers = await read_pages(server, http, queue_id, cursor, head)
    received = [event_id for answer in answers for event_id in event_ids(answer)]
    assert received == expected  # each once, in order, older ones read from Redis
    assert max(len(answer.content) for answer in answers) <= budget
    assert len(answers) >= 25 // 3
    for answer in answers[:-1]:  # a cut answer continues from its own last event
        body = answer.json()
        assert body["last_event_id"] == body["events"][-1]["event_id"]
    assert answers[-1].json()["last_event_id"] == head


async def test_the_pending_limit_still_asks_for_catch_up_when_answers_are_paged(
    realtime, start_server, http
):
    server = start_server(REALTIME_ANSWER_BYTES=100_000, REALTIME_PENDING_LIMIT=5)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    for _ in range(6):
        newest = realtime.publish(COMMUNITY, text=OVER_SIZE_TEXT)
    await server.has_read(http, newest)
    response = await server.poll(http, queue_id, cursor)
    assert response.json() == {"catchup_required": True, "last_event_id": newest}


def revoke(realtime, user_id: int) -> int:
    """What the relay does with a deactivated or deleted user's revocation."""
    event_id, _ = realtime.log.append(
        uuid.uuid4().hex, *revocation_event(user_id), floor=0, revoked_user_id=user_id
    )
    realtime.queues.end_all(user_id)
    return event_id


async def test_a_revoked_users_waiting_polls_are_answered_then_their_queues_are_gone(
    realtime, start_server, http, eventually
):
    server = start_server()
    first_tab, cursor = realtime.register(ALICE, [COMMUNITY])
    second_tab, _ = realtime.register(ALICE, [COMMUNITY])
    bob_queue, _ = realtime.register(BOB, [COMMUNITY])
    alice_polls = [
        await waiting_poll(server, http, eventually, q, cursor, expected_pending=n)
        for n, q in ((1, first_tab), (2, second_tab))
    ]
    bob_poll = await waiting_poll(server, http, eventually, bob_queue, cursor, expected_pending=3)

    revoked_at = time.monotonic()
    revocation = revoke(realtime, ALICE)
    for poll in alice_polls:
        answer = await poll
        assert answer.json() == {"events": [], "last_event_id": revocation}
    assert time.monotonic() - revoked_at < 1.0
    assert not bob_poll.done()

    event_id = realtime.publish(COMMUNITY, author_id=BOB + 1, text="after the revocation")
    assert event_ids(await bob_poll) == [event_id]
    for queue_id in (first_tab, second_tab):
        assert (await server.poll(http, queue_id, revocation)).status_code == 404
    # A process that never saw the user agrees.
    fresh = start_server()
    assert (await fresh.poll(http, first_tab, cursor)).status_code == 404


async def test_a_re_added_member_with_an_old_queue_never_sees_what_happened_while_out(
    realtime, start_server, http
):
    server = start_server()
    queue_id, old_cursor = realtime.register(ALICE, [COMMUNITY])
    # This process loads alice's memberships now (the poll is answered at its 2 s timeout).
    assert event_ids(await server.poll(http, queue_id, old_cursor)) == []
    realtime.set_membership(ALICE, COMMUNITY, False)
    realtime.publish(COMMUNITY, author_id=BOB, text="secret while alice was out")
    realtime.set_membership(ALICE, COMMUNITY, True)
    after_join = realtime.publish(COMMUNITY, author_id=BOB, text="after the join")
    await server.has_read(http, after_join)

    late = start_server()  # started after the join: learns the join from Redis
    for process in (server, late):
        response = await process.poll(http, queue_id, old_cursor)
        assert response.json() == {"catchup_required": True, "last_event_id": after_join}
        assert b"secret" not in response.content
    # From the catch-up on, the community's events come as usual.
    poll = asyncio.create_task(late.poll(http, queue_id, after_join))
    newer = realtime.publish(COMMUNITY, author_id=BOB, text="newer")
    assert event_ids(await poll) == [newer]
