"""Presence and typing signals through a real poll server process and real
Redis: who receives them, that they never touch event ids, cursors or the
pending limit, and that a poll arriving just after a signal still gets it."""

import asyncio
import time

import pytest

from realtime_core import keys
from realtime_core.signals import Signals

from .test_delivery import waiting_poll

ALICE, BOB, CAROL = 1, 2, 3
COMMUNITY, OTHER_COMMUNITY = 10, 20
ARTICLE, DISCUSSION = 5, 7
POLL_TIMEOUT = 6  # seconds; polls answered by a signal come back well before it


@pytest.fixture
def signals(redis_client) -> Signals:
    return Signals(redis_client)


def typing_by(signals, user_id, community_id=COMMUNITY, discussion_id=DISCUSSION):
    shown_as = {"id": user_id, "username": f"user{user_id}", "is_pseudonymous": False}
    assert signals.typing(community_id, ARTICLE, discussion_id, user_id, shown_as)


async def poll_with_signals(
    server, http, queue_id, cursor, signal_cursor="0", params_extra=None, **kwargs
):
    params = {
        "queue_id": queue_id,
        "last_event_id": cursor,
        "signal_cursor": signal_cursor,
        **(params_extra or {}),
    }
    return await http.get(server.url + "/realtime/poll", params=params, **kwargs)


async def held_poll(server, http, eventually, queue_id, cursor, signal_cursor="0", pending=1):
    task = asyncio.create_task(poll_with_signals(server, http, queue_id, cursor, signal_cursor))

    async def held():
        return await server.pending_polls(http) >= pending

    await eventually(held, message="the server to hold the poll")
    return task


async def test_members_get_signals_at_once_and_the_author_and_outsiders_do_not(
    realtime, signals, start_server, http, eventually
):
    server = start_server(REALTIME_POLL_TIMEOUT=POLL_TIMEOUT)
    alice_queue, cursor = realtime.register(ALICE, [COMMUNITY])
    bob_queue, _ = realtime.register(BOB, [COMMUNITY])
    carol_queue, _ = realtime.register(CAROL, [OTHER_COMMUNITY])
    alice = await held_poll(server, http, eventually, alice_queue, cursor)
    bob = await held_poll(server, http, eventually, bob_queue, cursor, pending=2)
    carol = await held_poll(server, http, eventually, carol_queue, cursor, pending=3)

    sent_at = time.monotonic()
    typing_by(signals, BOB)
    response = await alice
    # Answered by the signal, not by the poll's timeout (how fast is the benchmark's to say).
    assert time.monotonic() - sent_at < POLL_TIMEOUT / 2
    body = response.json()
    assert body["events"] == [] and body["last_event_id"] == cursor  # the cursor does not move
    [signal] = body["signals"]
    assert signal["type"] == "typing"
    assert signal["data"]["user"]["id"] == BOB and signal["data"]["discussion_id"] == DISCUSSION
    assert signal["id"] == body["signal_cursor"]
    assert "author_id" not in str(signal)

    # The typist and the outsider wait out their timeout with nothing.
    for own_or_foreign in (await bob, await carol):
        assert own_or_foreign.json() == {"events": [], "last_event_id": cursor}
    assert realtime.redis.get(keys.SEQUENCE) is None  # no event id was consumed


async def test_a_poll_arriving_just_after_gets_the_signal_once(
    realtime, signals, start_server, http, eventually
):
    server = start_server(REALTIME_POLL_TIMEOUT=1)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    warm = await held_poll(server, http, eventually, queue_id, cursor)
    await warm  # the server now knows Alice's memberships and reads the stream
    typing_by(signals, BOB)

    async def replayed():
        body = (await poll_with_signals(server, http, queue_id, cursor)).json()
        return body if body.get("signals") else None

    body = await eventually(replayed, message="the signal to be replayed")
    # With the cursor it returned, the same signal is not answered again: the poll waits.
    started = time.monotonic()
    again = await poll_with_signals(server, http, queue_id, cursor, body["signal_cursor"])
    assert again.json() == {"events": [], "last_event_id": cursor}
    assert time.monotonic() - started > 0.8


async def test_clients_that_ask_for_no_signals_are_never_woken_by_them(
    realtime, signals, start_server, http, eventually
):
    server = start_server(REALTIME_POLL_TIMEOUT=1)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    poll = await waiting_poll(server, http, eventually, queue_id, cursor)
    started = time.monotonic()
    typing_by(signals, BOB)
    assert (await poll).json() == {"events": [], "last_event_id": cursor}
    assert time.monotonic() - started > 0.8


async def test_a_flood_of_signals_neither_counts_toward_the_pending_limit_nor_evicts_events(
    realtime, signals, start_server, http, eventually
):
    server = start_server(REALTIME_PENDING_LIMIT=5)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    event_id = realtime.publish(COMMUNITY, author_id=BOB)
    for user_id in range(100, 150):
        signals.presence(
            COMMUNITY, ARTICLE, user_id, f"user{user_id}", "tab-aaaaaaaa", True, now=time.time()
        )
        typing_by(signals, user_id)
    await server.has_read(http, event_id)
    body = (await poll_with_signals(server, http, queue_id, cursor)).json()
    assert [e["event_id"] for e in body["events"]] == [event_id]
    assert "catchup_required" not in body
    assert realtime.publish(COMMUNITY) == event_id + 1


async def test_removing_a_member_stops_their_signals(
    realtime, signals, start_server, http, eventually
):
    server = start_server(REALTIME_POLL_TIMEOUT=1)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    removal = realtime.set_membership(ALICE, COMMUNITY, False)
    await server.has_read(http, removal)
    poll = await held_poll(server, http, eventually, queue_id, removal)
    typing_by(signals, BOB)
    assert (await poll).json() == {"events": [], "last_event_id": removal}


@pytest.mark.parametrize("bad", ["", "abc", "1-", "-1", "1-2-3", "9" * 20])
async def test_a_malformed_signal_cursor_is_a_400(realtime, start_server, http, bad):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    response = await poll_with_signals(server, http, queue_id, cursor, bad)
    assert response.status_code == 400
    assert "signal_cursor" in response.json()["message"]


async def test_join_request_signals_reach_the_named_admins_only(
    realtime, signals, start_server, http, eventually
):
    """Alice is admin, Bob a member of the same community: the nudge about
    requests to join wakes Alice's poll only, Bob's waits out its timeout."""
    server = start_server(REALTIME_POLL_TIMEOUT=POLL_TIMEOUT)
    alice_queue, cursor = realtime.register(ALICE, [COMMUNITY])
    bob_queue, _ = realtime.register(BOB, [COMMUNITY])
    alice = await held_poll(server, http, eventually, alice_queue, cursor)
    bob = await held_poll(server, http, eventually, bob_queue, cursor, pending=2)

    signals.join_requests(COMMUNITY, admin_ids=[ALICE], pending=2)
    body = (await alice).json()
    [signal] = body["signals"]
    assert signal["type"] == "join_requests"
    assert signal["data"] == {"community_id": COMMUNITY, "pending": 2}
    assert "recipients" not in str(body)  # routing stays on the server
    assert (await bob).json() == {"events": [], "last_event_id": cursor}


async def test_a_join_request_signal_is_replayed_to_admins_only(
    realtime, signals, start_server, http, eventually
):
    server = start_server(REALTIME_POLL_TIMEOUT=1)
    alice_queue, cursor = realtime.register(ALICE, [COMMUNITY])
    bob_queue, _ = realtime.register(BOB, [COMMUNITY])
    for queue_id in (alice_queue, bob_queue):  # both known to the server before the signal
        await poll_with_signals(server, http, queue_id, cursor)
    signals.join_requests(COMMUNITY, admin_ids=[ALICE], pending=1)

    async def replayed_to_alice():
        body = (await poll_with_signals(server, http, alice_queue, cursor)).json()
        return body if body.get("signals") else None

    await eventually(replayed_to_alice, message="the signal to be replayed to the admin")
    # Within the replay window, Bob's poll from the same old cursor gets nothing.
    started = time.monotonic()
    bob = await poll_with_signals(server, http, bob_queue, cursor)
    assert bob.json() == {"events": [], "last_event_id": cursor}
    assert time.monotonic() - started > 0.8


async def test_a_personal_signal_reaches_its_recipient_wherever_and_only_if_asked(
    realtime, signals, start_server, http, eventually
):
    """Alice is in no community at all; Bob is in one but is not named; Alice's second
    tab asks for signals but not for notifications."""
    server = start_server(REALTIME_POLL_TIMEOUT=POLL_TIMEOUT)
    alice_queue, cursor = realtime.register(ALICE, [])
    alice_other_tab, _ = realtime.register(ALICE, [])
    bob_queue, _ = realtime.register(BOB, [COMMUNITY])
    alice = asyncio.create_task(
        poll_with_signals(server, http, alice_queue, cursor, params_extra={"notifications": "1"})
    )
    bob = asyncio.create_task(
        poll_with_signals(server, http, bob_queue, cursor, params_extra={"notifications": "1"})
    )
    not_asked = asyncio.create_task(poll_with_signals(server, http, alice_other_tab, cursor))

    async def held():
        return await server.pending_polls(http) >= 3

    await eventually(held, message="the server to hold the polls")
    signals.personal("notification", [ALICE], {"kind": "reply", "text": "bob replied"})
    body = (await alice).json()
    [signal] = body["signals"]
    assert signal["type"] == "notification" and signal["data"]["text"] == "bob replied"
    assert "recipients" not in str(body) and body["last_event_id"] == cursor
    # A poll arriving just after it still gets it, if it asks (within the replay's 3 s).
    replay = (
        await poll_with_signals(
            server, http, alice_queue, cursor, params_extra={"notifications": "1"}
        )
    ).json()
    assert [s["data"]["text"] for s in replay["signals"]] == ["bob replied"]
    # The others wait out their timeout.
    assert (await bob).json() == {"events": [], "last_event_id": cursor}
    assert (await not_asked).json() == {"events": [], "last_event_id": cursor}
