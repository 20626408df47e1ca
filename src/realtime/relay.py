"""Moves committed outbox rows to the Redis log, oldest first.

`publish_pending` runs right after each commit (in the request that wrote)
and in the `relay_outbox` loop, which catches up whatever an unreachable
Redis or a crashed process left behind. Publishers take a database lock in
turn so rows reach the log in outbox order; the idempotency key makes a row
published twice (a crash between the append and the row's update) count once.

A revocation (a user deactivated or deleted) is appended first, which empties
the user's memberships and marks them revoked, and then the user's queues are
deleted: a registration racing the revocation either sees the mark or has its
queue deleted here.

After a Sentinel failover the promoted replica may lack the last membership
changes (they live in Redis sets the publish script updates): the script asks
for a replay, and the next publisher appends every membership change of the
last `MEMBERSHIP_REPLAY_WINDOW` again, in outbox order, under new idempotency
keys. The last change of each membership wins, whatever the replica had.

`prune_published` deletes published rows once they are old, so the table
holds the pending rows and a recent history rather than every event ever.
"""

import logging
from datetime import timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from realtime_core import keys
from toolkit.log_lines import log_event

from .connection import REDIS_ERRORS, client, event_log, queue_registry
from .models import OutboxEvent

BATCH_SIZE = 500
PRUNE_BATCH_SIZE = 5_000  # rows per DELETE, so no statement holds locks for long
_LOCK_KEY = 0x6D617267  # any constant shared by every publisher
# How far back a failover's membership replay reaches: far more than the replication
# lag of a replica Sentinel may promote (it refuses one disconnected for long).
MEMBERSHIP_REPLAY_WINDOW = timedelta(minutes=10)


def _lock_publishers() -> None:
    """Serialise publishers on PostgreSQL; SQLite already serialises writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '5s'")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def highest_event_id() -> int:
    """The highest event_id ever assigned, as far as the database knows.

    After Redis loses its data the publish script restarts the sequence above
    this, so event ids never repeat.
    """
    return OutboxEvent.objects.aggregate(top=Max("event_id"))["top"] or 0


def publish_pending() -> int:
    """Publish every pending row; returns how many rows this call published.

    A row counts even when the log already held it (an earlier attempt whose
    answer was lost): it reached the log and left the outbox now.
    """
    published = 0
    while True:
        with transaction.atomic():
            _lock_publishers()
            _replay_memberships_after_failover()
            rows = list(
                OutboxEvent.objects.filter(published_at__isnull=True).order_by("id")[:BATCH_SIZE]
            )
            if not rows:
                return published
            floor = highest_event_id()
            now = timezone.now()
            for row in rows:
                row.event_id = _append(row, floor)
                row.published_at = now
            OutboxEvent.objects.bulk_update(rows, ["event_id", "published_at"])
            # At once if this very batch met the promoted replica (before clients come
            # back from their catch-up and poll past the replayed joins); after the
            # update, so the batch's own membership changes are replayed in their place.
            _replay_memberships_after_failover()
        log_event("relayed", first_event_id=rows[0].event_id, count=len(rows))
        published += len(rows)
        if len(rows) < BATCH_SIZE:
            # Drained as of this read; rows committed since have their own
            # after-commit publish (or the relay loop), so no second look is needed.
            return published


def _replay_memberships_after_failover() -> None:
    """Append the recent membership changes again if a failover asked for it.

    Runs under the publishers' lock, so no other membership change is appended
    in between and the replayed order is the outbox order.
    """
    marker = event_log().membership_replay_requested()
    if marker is None:
        return
    since = timezone.now() - MEMBERSHIP_REPLAY_WINDOW
    rows = OutboxEvent.objects.filter(
        member_user_id__isnull=False, published_at__gte=since
    ).order_by("id")
    floor = highest_event_id()
    replayed = 0
    for row in rows.iterator(chunk_size=BATCH_SIZE):
        _append(row, floor, key=f"{row.idempotency_key}:replay:{marker}")
        replayed += 1
    event_log().membership_replay_done(marker)
    log_event("memberships_replayed", logging.WARNING, count=replayed, epoch=marker)


def _append(row: OutboxEvent, floor: int, key: str | None = None) -> int:
    """Append one outbox row to the log (under `key`, its own idempotency key unless
    it is a replay); returns its event_id."""
    key = key or str(row.idempotency_key)
    if row.member_user_id is None:
        event_id, _ = event_log().append(key, row.meta, row.body, floor)
    elif row.member_community_id is None:  # a revocation: every membership of the user ends
        event_id, _ = event_log().append(
            key, row.meta, row.body, floor, revoked_user_id=row.member_user_id
        )
        queue_registry().end_all(row.member_user_id)
    else:
        membership = (row.member_user_id, row.member_community_id, row.is_member)
        event_id, _ = event_log().append(key, row.meta, row.body, floor, membership)
    return event_id


def prune_published(older_than: timedelta) -> int:
    """Delete rows published before `older_than` ago; returns how many.

    The row holding the highest event_id stays whatever its age: after Redis
    loses its data, `highest_event_id` is the floor that keeps ids from
    repeating. Pending rows stay until they are published.
    """
    cutoff = timezone.now() - older_than
    top = highest_event_id()
    deleted = 0
    while True:
        ids = list(
            OutboxEvent.objects.filter(published_at__lt=cutoff)
            .exclude(event_id=top)
            .order_by("id")
            .values_list("id", flat=True)[:PRUNE_BATCH_SIZE]
        )
        if not ids:
            break
        deleted += OutboxEvent.objects.filter(id__in=ids).delete()[0]
    if deleted:
        log_event("outbox_pruned", count=deleted)
    return deleted


def publish_after_commit() -> None:
    """Try at once; if Redis is away the relay loop delivers later."""
    try:
        publish_pending()
    except (*REDIS_ERRORS, DatabaseError) as exc:
        # The change is committed whatever happens here; the relay loop retries.
        log_event("publish_deferred", logging.WARNING, error=type(exc).__name__)


def wake_after_commit() -> None:
    """Ask the relay loop for a pass now rather than when its interval ends, once work
    only the relay does was committed (notifications.activity)."""
    try:
        with client().pipeline(transaction=False) as pipe:
            pipe.lpush(keys.RELAY_WAKE, 1).ltrim(keys.RELAY_WAKE, 0, 0).execute()
    except REDIS_ERRORS:
        pass  # the loop's interval still comes; publish_after_commit logs an unreachable Redis


def wait_for_work(timeout: float) -> bool:
    """Block until a writer wakes the relay (True), or `timeout` seconds pass. A wake-up
    sent during a pass is still in the list, so the next pass starts at once."""
    return client().blpop([keys.RELAY_WAKE], timeout=timeout) is not None
