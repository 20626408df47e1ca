"""Redis key names.

Every key the publish script touches carries the `{rt}` hash tag so that the
script stays on one Redis Cluster slot; queue records are spread freely.
"""

SEQUENCE = "rt:{rt}:seq"  # last assigned event_id; only ever grows
LOG = "rt:{rt}:log"  # stream; entry id is "<event_id>-0"
EPOCH = "rt:{rt}:epoch"  # random marker; a missing or changed epoch means lost data
# The replication id (INFO replication's master_replid) of the Redis primary that last
# appended: a primary whose previous replication id is this one was a replica promoted
# by a failover, and may lack the last events the old primary handed out (log.py).
PRIMARY = "rt:{rt}:primary"
# Set to the new epoch when a promoted replica starts one: the membership changes of the
# last minutes are to be appended again, since the replica may have missed some (relay).
MEMBERSHIP_REPLAY = "rt:{rt}:membership-replay"


def dedupe(idempotency_key: str) -> str:
    """Remembers which event_id a relayed outbox row received."""
    return f"rt:{{rt}}:dedupe:{idempotency_key}"


def memberships(user_id: int) -> str:
    """Set of private community ids the user belongs to."""
    return f"rt:{{rt}}:members:{user_id}"


def joined(user_id: int) -> str:
    """The event_id of the user's latest join of a private community.

    A queue whose cursor is older than this must catch up rather than be shown
    what happened in the community before the user (re)joined it.
    """
    return f"rt:{{rt}}:joined:{user_id}"


def revoked(user_id: int) -> str:
    """Present for a short while after the user's access was revoked (deactivated or deleted).

    A registration that was already under way when the revocation was published
    finds it and leaves no live queue or membership behind.
    """
    return f"rt:{{rt}}:revoked:{user_id}"


def queue(queue_id: str) -> str:
    """The owner's user id, as a string; expires with the queue.

    A plain string, not a hash, so that a poll server reads and renews a queue
    with one GETEX.
    """
    return f"rt:q:{queue_id}"


def user_queues(user_id: int) -> str:
    """Sorted set of the user's queue ids by creation time, to evict the oldest."""
    return f"rt:user-queues:{user_id}"


def login_queues(login_id: str) -> str:
    """Set of the queue ids registered by one login, to end them with it."""
    return f"rt:login-queues:{login_id}"


# Prefix of the user's registration times in the last minute, a moving window the
# `limits` library keeps as "<prefix>:LIMITER/<user_id>/<limit>/1/minute".
REGISTRATIONS = "rt:registrations"


# Presence and typing (realtime_core.signals): short-lived, never in the event log.
SIGNALS = "rt:{rt}:signals"  # stream of presence and typing signals, a few seconds deep


def presence(community_id: int, article_id: int) -> str:
    """Sorted set of "<user_id>:<tab_id>:<username>" viewing the article, scored by expiry.

    Hash-tagged with the signal stream because one script updates both.
    """
    return f"rt:{{rt}}:presence:{community_id}:{article_id}"


def typing_throttle(discussion_id: int, user_id: int) -> str:
    """Present while a typist's last signal for the discussion is too recent to repeat."""
    return f"rt:typing:{discussion_id}:{user_id}"


# A list of at most one element: a writer pushes to it once it committed work only the
# relay does (telling followers), and the relay loop, blocked on it between passes,
# starts its next pass at once instead of when its interval ends.
RELAY_WAKE = "rt:relay:wake"
