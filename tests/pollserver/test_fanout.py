"""Unit tests of delivery rules: who a routed event wakes, and what they get."""

import asyncio
import json

from pollserver.fanout import Fanout, catchup_body, events_body, events_page, is_for
from realtime_core.events import LogEntry

ALICE, BOB, CAROL = 1, 2, 3
Q_ALICE_1, Q_ALICE_2, Q_BOB = "alice-queue-1-xxxxxxx", "alice-queue-2-xxxxxxx", "bob-queue-xxxxxxx"
COMMUNITY, OTHER_COMMUNITY = 10, 20


def event(
    event_id: int,
    community_id: int = COMMUNITY,
    author_id=CAROL,
    origin_queue_id=None,
    padding: int = 0,
):
    return LogEntry(
        event_id=event_id,
        type="new_comment",
        community_id=community_id,
        author_id=author_id,
        origin_queue_id=origin_queue_id,
        member_user_id=None,
        is_member=False,
        wire=b'{"event_id":%d,"type":"new_comment","text":"%s"}' % (event_id, b"x" * padding),
    )


def bare(received: dict) -> dict:
    return {key: value for key, value in received.items() if key != "text"}


def deliver(fanout: Fanout, *entries: LogEntry) -> None:
    for entry in entries:
        fanout.route(entry)
    fanout.answer_woken(entries[-1].event_id)


def answer(waiter) -> dict:
    assert waiter.future.done(), "waiter should have been answered"
    return json.loads(waiter.future.result())


def event_ids(waiter) -> list[int]:
    return [e["event_id"] for e in answer(waiter)["events"]]


async def test_event_wakes_members_of_its_community_only():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    member = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    outsider = fanout.wait(BOB, Q_BOB, 0, {OTHER_COMMUNITY})
    deliver(fanout, event(1))
    body = answer(member)
    assert [bare(e) for e in body["events"]] == [{"event_id": 1, "type": "new_comment"}]
    assert body["last_event_id"] == 1
    assert not outsider.future.done()
    assert fanout.pending_polls == 1


async def test_events_of_one_batch_are_answered_together_with_the_newest_id_seen():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    waiter = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    deliver(fanout, event(1), event(2, OTHER_COMMUNITY), event(3), event(4, OTHER_COMMUNITY))
    assert event_ids(waiter) == [1, 3]
    assert answer(waiter)["last_event_id"] == 4


async def test_echo_with_origin_queue_spares_only_that_queue():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    origin = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    other_tab = fanout.wait(ALICE, Q_ALICE_2, 0, {COMMUNITY})
    deliver(fanout, event(1, author_id=ALICE, origin_queue_id=Q_ALICE_1))
    assert not origin.future.done()
    assert event_ids(other_tab) == [1]


async def test_echo_without_origin_queue_spares_every_queue_of_the_author():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    tab_1 = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    tab_2 = fanout.wait(ALICE, Q_ALICE_2, 0, {COMMUNITY})
    bob = fanout.wait(BOB, Q_BOB, 0, {COMMUNITY})
    deliver(fanout, event(1, author_id=ALICE))
    assert not tab_1.future.done() and not tab_2.future.done()
    assert event_ids(bob) == [1]


async def test_several_waiters_on_one_queue_are_all_answered():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    first = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    second = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    deliver(fanout, event(1))
    assert event_ids(first) == event_ids(second) == [1]
    assert fanout.pending_polls == 0


async def test_events_up_to_the_waiters_cursor_are_not_delivered_again():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    waiter = fanout.wait(ALICE, Q_ALICE_1, 5, {COMMUNITY})  # saw 5 elsewhere; this reader lags
    deliver(fanout, event(4), event(5))
    assert not waiter.future.done()
    deliver(fanout, event(6))
    assert event_ids(waiter) == [6]


async def test_a_removal_stops_a_waiting_poll_hearing_of_the_community():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    waiter = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY, OTHER_COMMUNITY})
    fanout.membership_changed(ALICE, COMMUNITY, False, 1)
    deliver(fanout, event(2, COMMUNITY))
    assert not waiter.future.done()
    deliver(fanout, event(3, OTHER_COMMUNITY))
    assert event_ids(waiter) == [3]


async def test_a_join_answers_the_waiting_polls_with_a_catch_up_and_later_polls_hear_of_it():
    """Removed and added back while a poll waited: what happened in between is not theirs,
    and the page refetches rather than go on without it."""
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    first = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    second = fanout.wait(ALICE, Q_ALICE_2, 0, {COMMUNITY})
    bob = fanout.wait(BOB, Q_BOB, 0, {COMMUNITY})
    fanout.membership_changed(ALICE, COMMUNITY, False, 1)
    deliver(fanout, event(2, COMMUNITY))
    fanout.membership_changed(ALICE, COMMUNITY, True, 3)
    assert answer(first) == answer(second) == {"catchup_required": True, "last_event_id": 3}
    assert event_ids(bob) == [2] and fanout.pending_polls == 0
    again = fanout.wait(ALICE, Q_ALICE_1, 3, {COMMUNITY})
    deliver(fanout, event(4, COMMUNITY))
    assert event_ids(again) == [4]


async def test_a_membership_change_of_one_user_leaves_a_shared_set_alone():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    shared = frozenset({COMMUNITY})  # Memberships hands users of one community one set
    alice = fanout.wait(ALICE, Q_ALICE_1, 0, shared)
    bob = fanout.wait(BOB, Q_BOB, 0, shared)
    fanout.membership_changed(ALICE, COMMUNITY, False, 1)
    assert shared == {COMMUNITY}
    deliver(fanout, event(2, COMMUNITY))
    assert not alice.future.done() and event_ids(bob) == [2]


async def test_more_matching_events_than_the_pending_limit_ask_for_catch_up():
    fanout = Fanout(pending_limit=2, poll_timeout=60)
    waiter = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    deliver(fanout, event(1), event(2), event(3))
    assert answer(waiter) == {"catchup_required": True, "last_event_id": 3}


async def test_timeout_answers_with_the_newest_event_seen():
    fanout = Fanout(pending_limit=100, poll_timeout=0.05)
    waiter = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    deliver(fanout, event(7, OTHER_COMMUNITY))
    body = await asyncio.wait_for(waiter.future, 1)
    assert json.loads(body) == {"events": [], "last_event_id": 7}
    assert fanout.pending_polls == 0


async def test_cancelled_waiter_is_forgotten_and_never_answered():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    waiter = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    fanout.cancel(waiter)
    assert waiter.future.cancelled()
    assert fanout.pending_polls == 0 and not fanout.waiting_users()
    deliver(fanout, event(1))  # must not touch the cancelled waiter


async def test_shutdown_and_data_loss_answer_everyone():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    fanout.head = 9
    first = fanout.wait(ALICE, Q_ALICE_1, 3, {COMMUNITY})
    fanout.answer_all_with_current_state()
    assert answer(first) == {"events": [], "last_event_id": 9}
    second = fanout.wait(BOB, Q_BOB, 9, {COMMUNITY})
    fanout.answer_all_with_catchup(2)
    assert answer(second) == {"catchup_required": True, "last_event_id": 2}
    assert fanout.pending_polls == 0 and not fanout.waiting_users()


def test_bodies_are_valid_json_built_from_the_encoded_events():
    wires = [b'{"event_id":1,"type":"x"}', b'{"event_id":2,"type":"y"}']
    assert json.loads(events_body(wires, 5)) == {
        "events": [{"event_id": 1, "type": "x"}, {"event_id": 2, "type": "y"}],
        "last_event_id": 5,
    }
    assert json.loads(events_body([], 0)) == {"events": [], "last_event_id": 0}
    assert json.loads(catchup_body(3)) == {"catchup_required": True, "last_event_id": 3}


def test_is_for_applies_membership_type_and_echo_rules():
    membership = LogEntry(4, "membership", COMMUNITY, None, None, ALICE, True, b"")
    assert is_for(event(1), ALICE, Q_ALICE_1, {COMMUNITY})
    assert not is_for(event(1), ALICE, Q_ALICE_1, {OTHER_COMMUNITY})
    assert not is_for(event(1, author_id=ALICE), ALICE, Q_ALICE_1, {COMMUNITY})
    assert not is_for(event(1, origin_queue_id=Q_ALICE_1), ALICE, Q_ALICE_1, {COMMUNITY})
    from_other_tab = event(1, author_id=ALICE, origin_queue_id=Q_ALICE_2)
    assert is_for(from_other_tab, ALICE, Q_ALICE_1, {COMMUNITY})
    assert not is_for(membership, ALICE, Q_ALICE_1, {COMMUNITY})


async def test_a_batch_over_the_answer_budget_is_cut_after_the_last_event_that_fits():
    fanout = Fanout(pending_limit=100, poll_timeout=60, answer_bytes=1000)
    waiter = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    batch = [event(n, padding=300) for n in range(1, 6)] + [event(6, OTHER_COMMUNITY)]
    deliver(fanout, *batch)
    body = waiter.future.result()
    assert len(body) <= 1000
    assert event_ids(waiter) == [1, 2]  # three would be over 1000 bytes
    assert answer(waiter)["last_event_id"] == 2  # where the next poll continues, not the head


async def test_an_event_larger_than_the_budget_still_goes_alone():
    fanout = Fanout(pending_limit=100, poll_timeout=60, answer_bytes=100)
    waiter = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    deliver(fanout, event(1, padding=500), event(2, padding=500), event(3, OTHER_COMMUNITY))
    assert event_ids(waiter) == [1] and answer(waiter)["last_event_id"] == 1


def test_pages_continue_exactly_where_the_previous_one_ended():
    entries = [event(n, padding=n * 37 % 400) for n in range(1, 40)]
    received, cursor = [], 0
    while True:
        remaining = [e for e in entries if e.event_id > cursor]
        body, count = events_page(remaining, 45, budget=1500)
        page = json.loads(body)
        assert len(body) <= 1500 and len(page["events"]) == count
        received += [e["event_id"] for e in page["events"]]
        cursor = page["last_event_id"]
        if cursor == 45:
            break
    assert received == list(range(1, 40))


async def test_revocation_answers_the_users_polls_and_routes_them_nothing_more():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    idle = fanout.wait(ALICE, Q_ALICE_1, 3, {COMMUNITY})
    woken = fanout.wait(ALICE, Q_ALICE_2, 3, {COMMUNITY})
    bob = fanout.wait(BOB, Q_BOB, 4, {COMMUNITY})  # has seen event 4 already
    fanout.route(event(4, origin_queue_id=Q_ALICE_1))  # read in the revocation's batch, before it
    fanout.revoke(ALICE, 5)
    assert answer(idle) == {"events": [], "last_event_id": 5}
    assert event_ids(woken) == [4] and answer(woken)["last_event_id"] == 5
    fanout.answer_woken(5)
    assert not bob.future.done()
    assert fanout.users_in(COMMUNITY) == {BOB} and fanout.pending_polls == 1
    deliver(fanout, event(6))
    assert event_ids(bob) == [6]


async def test_waiters_shown_the_same_events_share_one_answer():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    alice = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    bob = fanout.wait(BOB, Q_BOB, 0, {COMMUNITY})
    echoed = fanout.wait(CAROL, "carol-queue-xxxxxxxx", 0, {COMMUNITY})
    deliver(fanout, event(1, author_id=CAROL), event(2, author_id=99))
    assert alice.future.result() is bob.future.result()
    assert event_ids(alice) == [1, 2] and event_ids(echoed) == [2]
