"""Unit tests of delivery rules: who a routed event wakes, and what they get."""

import asyncio
import json

from realtime_core.events import LogEntry
from pollserver.fanout import Fanout, catchup_body, events_body, is_for

ALICE, BOB, CAROL = 1, 2, 3
Q_ALICE_1, Q_ALICE_2, Q_BOB = "alice-queue-1-xxxxxxx", "alice-queue-2-xxxxxxx", "bob-queue-xxxxxxx"
COMMUNITY, OTHER_COMMUNITY = 10, 20


def event(event_id: int, community_id: int = COMMUNITY, author_id=CAROL, origin_queue_id=None):
    return LogEntry(
        event_id=event_id, type="new_comment", community_id=community_id, author_id=author_id,
        origin_queue_id=origin_queue_id, member_user_id=None, is_member=False,
        wire=b'{"event_id":%d,"type":"new_comment"}' % event_id,
    )


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
    assert answer(member) == {
        "events": [{"event_id": 1, "type": "new_comment"}], "last_event_id": 1
    }
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


async def test_membership_changes_move_a_waiting_user_between_communities():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    waiter = fanout.wait(ALICE, Q_ALICE_1, 0, {COMMUNITY})
    fanout.membership_changed(ALICE, COMMUNITY, False)
    fanout.membership_changed(ALICE, OTHER_COMMUNITY, True)
    deliver(fanout, event(1, COMMUNITY))
    assert not waiter.future.done()
    deliver(fanout, event(2, OTHER_COMMUNITY))
    assert event_ids(waiter) == [2]


async def test_a_membership_change_of_one_user_leaves_a_shared_set_alone():
    fanout = Fanout(pending_limit=100, poll_timeout=60)
    shared = frozenset({COMMUNITY})  # Memberships hands users of one community one set
    alice = fanout.wait(ALICE, Q_ALICE_1, 0, shared)
    bob = fanout.wait(BOB, Q_BOB, 0, shared)
    fanout.membership_changed(ALICE, COMMUNITY, False)
    assert shared == {COMMUNITY}
    deliver(fanout, event(1, COMMUNITY))
    assert not alice.future.done() and event_ids(bob) == [1]


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
