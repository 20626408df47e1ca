"""The publish script against a real Redis: ids never repeat, retries count once."""

import pytest

from realtime_core import keys
from realtime_core.events import content_event, membership_event, revocation_event
from realtime_core.log import FAILOVER_ID_GAP, REVOKED_MARKER_TTL, EventLog
from tests.support.stack import RedisServer, wait_until


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


def test_a_primary_with_a_new_replication_id_of_its_own_keeps_the_epoch(store):
    """A restart of the same node from its own files gives it a new replication id and no
    previous one: its data is its own, so nothing starts over."""
    log = EventLog(store, maxlen=1000, dedupe_ttl=60)
    log.append("row-1", *_event(1), floor=0)
    epoch = store.get(keys.EPOCH)
    store.set(keys.PRIMARY, "f" * 40)  # what the node's id was before a restart
    assert log.append("row-2", *_event(2), floor=1) == (2, True)
    assert store.get(keys.EPOCH) == epoch
    assert store.get(keys.PRIMARY) == store.info("replication")["master_replid"].encode()


@pytest.fixture
def primary_and_replica(tmp_path):
    primary = RedisServer(tmp_path / "primary", persistent=False).start()
    replica = RedisServer(tmp_path / "replica", persistent=False, replica_of=primary.port).start()
    yield primary, replica
    replica.stop()
    primary.stop()


def test_a_promoted_replica_starts_a_new_epoch_far_above_every_id_handed_out(primary_and_replica):
    primary, replica = primary_and_replica
    log = EventLog(primary.client(), maxlen=1000, dedupe_ttl=60)
    for n in range(1, 4):
        log.append(f"row-{n}", *_event(n), floor=0)
    wait_until(lambda: replica.client().get(keys.SEQUENCE) == b"3", message="replication")
    old_epoch = primary.client().get(keys.EPOCH)
    # The old primary hands out ids 4 and 5 that neither the replica nor the database
    # (whose floor stays 3) ever learns of, and dies.
    replica.client().replicaof("127.0.0.1", 1)  # cut the link first: they never arrive
    log.append("row-4", *_event(4), floor=3)
    log.append("row-5", *_event(5), floor=3)
    primary.stop()
    replica.client().replicaof("NO", "ONE")  # what Sentinel does to promote it

    promoted = EventLog(replica.client(), maxlen=1000, dedupe_ttl=60)
    event_id, appended = promoted.append("row-6", *_event(6), floor=3)
    assert appended and event_id == 3 + FAILOVER_ID_GAP + 1, "far past ids 4 and 5"
    assert replica.client().get(keys.EPOCH) != old_epoch, "poll servers tell clients to catch up"
    # Only once: the next append continues in the new epoch.
    epoch = replica.client().get(keys.EPOCH)
    assert promoted.append("row-7", *_event(7), floor=3)[0] == event_id + 1
    assert replica.client().get(keys.EPOCH) == epoch


def test_registering_on_a_promoted_replica_starts_the_new_epoch_too(primary_and_replica):
    primary, replica = primary_and_replica
    log = EventLog(primary.client(), maxlen=1000, dedupe_ttl=60)
    log.append("row-1", *_event(1), floor=0)
    wait_until(lambda: replica.client().get(keys.PRIMARY) is not None, message="replication")
    old_epoch = primary.client().get(keys.EPOCH)
    primary.stop()
    replica.client().replicaof("NO", "ONE")
    head, epoch = EventLog(replica.client(), maxlen=1000, dedupe_ttl=60).head(floor=1)
    assert head == 1 + FAILOVER_ID_GAP and epoch.encode() != old_epoch
