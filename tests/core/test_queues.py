"""The queue registry's per-user limits, against a real Redis."""

import pytest

from realtime_core import keys
from realtime_core.queues import QueueRegistry, RegistrationLimitExceeded


def test_registering_past_the_limit_evicts_the_oldest_queue(store):
    registry = QueueRegistry(store, ttl=60, max_per_user=3, registrations_per_minute=100)
    queues = [registry.create(7, [1]) for _ in range(5)]
    assert [registry.owner(q) for q in queues] == [None, None, 7, 7, 7]
    assert store.zcard(keys.user_queues(7)) == 3
    # Another user's queues are untouched.
    other = registry.create(8, [])
    assert registry.owner(other) == 8


def test_registrations_are_rate_limited_per_user(store):
    registry = QueueRegistry(store, ttl=60, max_per_user=20, registrations_per_minute=2)
    registry.create(7, [])
    registry.create(7, [])
    with pytest.raises(RegistrationLimitExceeded) as refused:
        registry.create(7, [])
    assert 55 < refused.value.retry_after <= 60  # when the first of the two ages out
    registry.create(9, [])  # someone else is not affected


def test_touch_renews_only_the_owners_live_queue(store):
    registry = QueueRegistry(store, ttl=60)
    queue = registry.create(7, [])
    assert registry.touch(queue, 7)
    assert not registry.touch(queue, 8)
    assert not registry.touch("not-a-queue", 7)
    assert not registry.touch("A" * 22, 7)


def test_end_all_deletes_every_queue_of_the_user_only(store):
    registry = QueueRegistry(store, ttl=60)
    mine = [registry.create(7, [1]) for _ in range(3)]
    theirs = registry.create(8, [1])
    registry.end_all(7)
    assert [registry.owner(q) for q in mine] == [None, None, None]
    assert not store.exists(keys.user_queues(7))
    assert registry.owner(theirs) == 8


def test_a_registration_racing_a_revocation_leaves_no_queue_or_membership(store):
    """Authorised just before the user was deactivated, written just after the revocation."""
    registry = QueueRegistry(store, ttl=60)
    store.set(keys.revoked(7), 41, ex=60)  # what the revocation's publish leaves
    queue = registry.create(7, [1, 2])
    registry.replace_memberships(7, [1, 2])
    assert registry.owner(queue) is None
    assert not store.exists(keys.memberships(7))
    # Nobody else is affected, and once the mark is gone (a reactivated user) it works again.
    store.delete(keys.revoked(7))
    assert registry.owner(registry.create(7, [1])) == 7
    assert store.smembers(keys.memberships(7)) == {b"1"}
