"""The publish script against a real Redis: ids never repeat, retries count once."""

from realtime_core import keys
from realtime_core.events import content_event, membership_event, revocation_event
from realtime_core.log import REVOKED_MARKER_TTL, EventLog


def _event(n: int):
    return content_event(
        "new_comment", {"comment": {"id": n}, "article_id": 1, "community_id": 1}, 1, None, None
    )


def test_a_retried_append_returns_the_first_event_id(store):
    log = EventLog(store, maxlen=1000, dedupe_ttl=60)
    first = log.append("row-1", *_event(1), floor=0)
    again = log.append("row-1", *_event(1), floor=0)
    assert first == (1, True)
    assert again == (1, False)
    assert store.xlen(keys.LOG) == 1


def test_lost_data_starts_a_new_epoch_above_the_floor(store):
    log = EventLog(store, maxlen=1000, dedupe_ttl=60)
    for n in range(3):
        log.append(f"row-{n}", *_event(n), floor=0)
    head, epoch = log.head(floor=3)
    assert head == 3

    store.flushdb()  # Redis lost everything
    event_id, _ = log.append("row-3", *_event(3), floor=3)
    assert event_id == 4
    assert log.head(floor=4)[1] != epoch


def test_a_sequence_behind_the_floor_starts_a_new_epoch(store):
    """Redis restored from an older snapshot keeps its epoch but not its sequence."""
    log = EventLog(store, maxlen=1000, dedupe_ttl=60)
    for n in range(5):
        log.append(f"row-{n}", *_event(n), floor=0)
    _, epoch = log.head(floor=5)
    store.set(keys.SEQUENCE, 2)  # the snapshot was taken after event 2

    event_id, _ = log.append("row-5", *_event(5), floor=5)
    assert event_id == 6, "ids already handed out are never reused"
    assert log.head(floor=6)[1] != epoch


def test_a_join_records_its_event_id_and_a_revocation_empties_the_user(store):
    log = EventLog(store, maxlen=1000, dedupe_ttl=60)
    joined, _ = log.append(
        "join-1", *membership_event(7, 10, True), floor=0, membership=(7, 10, True)
    )
    log.append("c-1", *_event(1), floor=0)
    assert store.smembers(keys.memberships(7)) == {b"10"}
    assert int(store.get(keys.joined(7))) == joined

    revoked, _ = log.append("revoke-1", *revocation_event(7), floor=0, revoked_user_id=7)
    assert not store.exists(keys.memberships(7), keys.joined(7))
    assert int(store.get(keys.revoked(7))) == revoked
    assert 0 < store.ttl(keys.revoked(7)) <= REVOKED_MARKER_TTL
