"""After a failover the relay appends the recent membership changes again, in outbox
order: the promoted replica may have missed some, and the last change of each
membership must win (a removed member must not keep receiving a community's events)."""

from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from realtime import relay
from realtime.models import OutboxEvent
from realtime_core import keys
from realtime_core.events import membership_event
from realtime_core.log import EventLog
from realtime_core.queues import QueueRegistry


@pytest.fixture
def store(private_redis_server, monkeypatch):
    client = redis.Redis.from_url(private_redis_server.url)
    client.flushdb()
    log = EventLog(client, maxlen=1000, dedupe_ttl=60)
    registry = QueueRegistry(client, ttl=60)
    monkeypatch.setattr(relay, "event_log", lambda: log)
    monkeypatch.setattr(relay, "queue_registry", lambda: registry)
    return client


def _membership(user_id, community_id, is_member, event_id, minutes_ago) -> OutboxEvent:
    meta, body = membership_event(user_id, community_id, is_member)
    return OutboxEvent.objects.create(
        meta=meta,
        body=body,
        member_user_id=user_id,
        member_community_id=community_id,
        is_member=is_member,
        event_id=event_id,
        published_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_a_failover_replays_recent_membership_changes_in_order(db, store):
    _membership(2, 10, True, event_id=1, minutes_ago=30)  # long replicated: not replayed
    _membership(1, 10, True, event_id=2, minutes_ago=2)
    _membership(1, 10, False, event_id=3, minutes_ago=1)  # the replica never got this one
    store.sadd(keys.memberships(1), b"10")
    store.set(keys.SEQUENCE, 2)
    store.set(keys.EPOCH, "after-failover")
    store.set(keys.MEMBERSHIP_REPLAY, "after-failover")  # what the publish script sets

    assert relay.publish_pending() == 0
    assert store.smembers(keys.memberships(1)) == set(), "the leave, last, wins"
    assert store.get(keys.MEMBERSHIP_REPLAY) is None, "replayed once"
    replayed = [fields[b"meta"] for _, fields in store.xrange(keys.LOG)]
    assert replayed == [
        membership_event(1, 10, True)[0].encode(),
        membership_event(1, 10, False)[0].encode(),
    ]
    assert store.xrange(keys.LOG)[0][0] == b"4-0", "ids above every id the database knows"

    relay.publish_pending()
    assert store.xlen(keys.LOG) == 2, "nothing replayed without a new failover"


def test_without_a_failover_nothing_is_replayed(db, store):
    _membership(1, 10, True, event_id=1, minutes_ago=1)
    relay.publish_pending()
    assert store.xlen(keys.LOG) == 0
