"""Who gets which event, through a real poll server process and real Redis."""

import asyncio
import time

from realtime_core import tokens

ALICE, BOB, CAROL = 1, 2, 3
COMMUNITY, OTHER_COMMUNITY = 10, 20


async def waiting_poll(server, http, eventually, queue_id, cursor, expected_pending=1):
    """Start a poll and return once the server holds it."""
    task = asyncio.create_task(server.poll(http, queue_id, cursor))
    await eventually(lambda: _pending_at_least(server, http, expected_pending))
    return task


async def _pending_at_least(server, http, count):
    return await server.pending_polls(http) >= count


def event_ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    return [event["event_id"] for event in response.json()["events"]]


async def test_members_receive_an_event_within_a_second(realtime, start_server, http, eventually):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    poll = await waiting_poll(server, http, eventually, queue_id, cursor)
    published_at = time.monotonic()
    event_id = realtime.publish(COMMUNITY, author_id=BOB, text="first!")
    response = await poll
    assert time.monotonic() - published_at < 1.0
    body = response.json()
    assert body["last_event_id"] == event_id
    [event] = body["events"]
    assert event["event_id"] == event_id
    assert event["type"] == "new_comment"
    assert event["data"] == {"text": "first!", "community_id": COMMUNITY}
    assert event["community_ids"] == [COMMUNITY]
    assert "author_id" not in event and "origin_queue_id" not in event
    assert response.headers["content-type"].startswith("application/json")


async def test_non_members_get_nothing_but_skip_past_the_event(realtime, start_server, http):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [OTHER_COMMUNITY])
    event_id = realtime.publish(COMMUNITY)
    started = time.monotonic()
    response = await server.poll(http, queue_id, cursor)
    assert response.json() == {"events": [], "last_event_id": event_id}
    assert time.monotonic() - started > 1.5  # waited for the 2 s timeout


async def test_backlog_is_answered_at_once_with_only_matching_events(realtime, start_server, http):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    first = realtime.publish(COMMUNITY)
    realtime.publish(OTHER_COMMUNITY)
    third = realtime.publish(COMMUNITY)
    newest = realtime.publish(OTHER_COMMUNITY)
    await server.has_read(http, newest)
    response = await server.poll(http, queue_id, cursor)
    assert event_ids(response) == [first, third]
    assert response.json()["last_event_id"] == newest


async def test_echo_with_origin_queue_spares_only_that_queue(realtime, start_server, http):
    server = start_server()
    origin_tab, cursor = realtime.register(ALICE, [COMMUNITY])
    other_tab, _ = realtime.register(ALICE, [COMMUNITY])
    echo = realtime.publish(COMMUNITY, author_id=ALICE, origin_queue_id=origin_tab)
    marker = realtime.publish(COMMUNITY, author_id=BOB)
    await server.has_read(http, marker)
    assert event_ids(await server.poll(http, origin_tab, cursor)) == [marker]
    assert event_ids(await server.poll(http, other_tab, cursor)) == [echo, marker]


async def test_echo_without_origin_queue_spares_all_queues_of_the_author(
    realtime, start_server, http
):
    server = start_server()
    tab_1, cursor = realtime.register(ALICE, [COMMUNITY])
    tab_2, _ = realtime.register(ALICE, [COMMUNITY])
    bob_queue, _ = realtime.register(BOB, [COMMUNITY])
    echo = realtime.publish(COMMUNITY, author_id=ALICE)
    marker = realtime.publish(COMMUNITY, author_id=CAROL)
    await server.has_read(http, marker)
    assert event_ids(await server.poll(http, tab_1, cursor)) == [marker]
    assert event_ids(await server.poll(http, tab_2, cursor)) == [marker]
    assert event_ids(await server.poll(http, bob_queue, cursor)) == [echo, marker]


async def test_waiting_author_is_not_woken_by_own_write(realtime, start_server, http, eventually):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    poll = await waiting_poll(server, http, eventually, queue_id, cursor)
    realtime.publish(COMMUNITY, author_id=ALICE, origin_queue_id=queue_id)
    marker = realtime.publish(COMMUNITY, author_id=BOB)
    assert event_ids(await poll) == [marker]


async def test_two_polls_on_one_queue_are_both_answered(realtime, start_server, http, eventually):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    first = await waiting_poll(server, http, eventually, queue_id, cursor, expected_pending=1)
    second = await waiting_poll(server, http, eventually, queue_id, cursor, expected_pending=2)
    event_id = realtime.publish(COMMUNITY)
    assert event_ids(await first) == event_ids(await second) == [event_id]


async def test_removed_member_stops_receiving_and_added_member_starts(
    realtime, start_server, http, eventually
):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    poll = await waiting_poll(server, http, eventually, queue_id, cursor)
    removal = realtime.set_membership(ALICE, COMMUNITY, False)
    realtime.publish(COMMUNITY)
    response = await poll
    assert response.json()["events"] == []  # the membership event itself is never delivered
    assert response.json()["last_event_id"] >= removal

    # Added while a poll waits: it is answered with a catch-up (the page refetches,
    # rather than keep a picture of the community from before the join)...
    poll = await waiting_poll(server, http, eventually, queue_id, response.json()["last_event_id"])
    join = realtime.set_membership(ALICE, OTHER_COMMUNITY, True)
    assert (await poll).json() == {"catchup_required": True, "last_event_id": join}
    # ...and from the join on, the community's events come.
    poll = await waiting_poll(server, http, eventually, queue_id, join)
    realtime.publish(COMMUNITY)
    welcome = realtime.publish(OTHER_COMMUNITY)
    assert event_ids(await poll) == [welcome]


async def test_pending_limit_counts_only_matching_events(realtime, start_server, http):
    server = start_server(REALTIME_PENDING_LIMIT=3)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    for _ in range(10):
        realtime.publish(OTHER_COMMUNITY)
    mine = realtime.publish(COMMUNITY)
    await server.has_read(http, mine)
    assert event_ids(await server.poll(http, queue_id, cursor)) == [mine]


async def test_more_matching_events_than_the_limit_ask_for_catch_up(realtime, start_server, http):
    server = start_server(REALTIME_PENDING_LIMIT=3)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    for _ in range(4):
        head = realtime.publish(COMMUNITY)
    await server.has_read(http, head)
    response = await server.poll(http, queue_id, cursor)
    assert response.json() == {"catchup_required": True, "last_event_id": head}
    exactly_the_limit = [realtime.publish(COMMUNITY) for _ in range(3)]
    await server.has_read(http, exactly_the_limit[-1])
    assert event_ids(await server.poll(http, queue_id, head)) == list(exactly_the_limit)


async def test_authorization_header_must_name_the_owner(realtime, start_server, http):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    event_id = realtime.publish(COMMUNITY)
    await server.has_read(http, event_id)

    def with_token(user_id, kind=tokens.ACCESS):
        authorization = {"Authorization": f"Bearer {tokens.issue(user_id, kind)}"}
        return server.poll(http, queue_id, cursor, headers=authorization)

    assert event_ids(await with_token(ALICE)) == [event_id]
    someone_else = await with_token(BOB)
    assert someone_else.status_code == 404
    refresh = await with_token(ALICE, tokens.REFRESH)
    assert refresh.status_code == 401
    forged = await server.poll(http, queue_id, cursor, headers={"Authorization": "Bearer a.b.c"})
    assert forged.status_code == 401
    not_bearer = await server.poll(http, queue_id, cursor, headers={"Authorization": "Basic abc"})
    assert not_bearer.status_code == 401
    for response in (someone_else, refresh, forged, not_bearer):
        assert set(response.json()) == {"message"}
