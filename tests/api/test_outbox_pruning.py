"""Old published outbox rows are deleted; pending rows and the id floor stay."""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from realtime import relay
from realtime.models import OutboxEvent


def _row(event_id: int | None, published_days_ago: float | None) -> OutboxEvent:
    published_at = (
        None if published_days_ago is None else timezone.now() - timedelta(days=published_days_ago)
    )
    return OutboxEvent.objects.create(
        meta="{}", body="{}", event_id=event_id, published_at=published_at
    )


def test_old_published_rows_go_while_pending_and_recent_ones_stay(db):
    old = [_row(n, published_days_ago=3) for n in (1, 2, 3)]
    recent = _row(4, published_days_ago=0.1)
    pending = _row(None, published_days_ago=None)
    OutboxEvent.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - timedelta(days=5)
    )  # old, but never published

    assert relay.prune_published(timedelta(days=1)) == len(old)
    assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}


def test_the_row_with_the_highest_event_id_stays_whatever_its_age(db):
    for n in (7, 8, 9):
        _row(n, published_days_ago=3)
    assert relay.prune_published(timedelta(days=1)) == 2
    assert relay.highest_event_id() == 9  # the floor after a Redis data loss is kept


def test_pruning_works_in_batches(db, monkeypatch):
    monkeypatch.setattr(relay, "PRUNE_BATCH_SIZE", 2)
    for n in range(1, 7):
        _row(n, published_days_ago=2)
    assert relay.prune_published(timedelta(days=1)) == 5
    assert list(OutboxEvent.objects.values_list("event_id", flat=True)) == [6]


def test_the_relay_loop_prunes(db, monkeypatch):
    for n in (1, 2):
        _row(n, published_days_ago=2)
    stops = []
    # One pass of the loop: the relay waits for work between passes.
    monkeypatch.setattr(
        "realtime.management.commands.relay_outbox._wait_for_work",
        lambda stop, interval: stops.append(stop.set()),
    )
    monkeypatch.setattr("signal.signal", lambda *a: None)
    call_command("relay_outbox", "--keep-hours", "24")
    assert list(OutboxEvent.objects.values_list("event_id", flat=True)) == [2]
    assert len(stops) == 1
