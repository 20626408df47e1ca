"""Redis key names.

Every key the publish script touches carries the `{rt}` hash tag so that the
script stays on one Redis Cluster slot; queue records are spread freely.
"""

SEQUENCE = "rt:{rt}:seq"  # last assigned event_id; only ever grows
LOG = "rt:{rt}:log"  # stream; entry id is "<event_id>-0"
EPOCH = "rt:{rt}:epoch"  # random marker; a missing or changed epoch means lost data


def dedupe(idempotency_key: str) -> str:
    """Remembers which event_id a relayed outbox row received."""
    return f"rt:{{rt}}:dedupe:{idempotency_key}"


def memberships(user_id: int) -> str:
    """Set of private community ids the user belongs to."""
    return f"rt:{{rt}}:members:{user_id}"


def queue(queue_id: str) -> str:
    """Hash describing one event queue; expires with the queue."""
    return f"rt:queue:{queue_id}"


def user_queues(user_id: int) -> str:
    """Sorted set of the user's queue ids by creation time, to evict the oldest."""
    return f"rt:user-queues:{user_id}"


def registrations(user_id: int, window: int) -> str:
    """Counter of the user's registrations in one rate-limit window."""
    return f"rt:registrations:{user_id}:{window}"
