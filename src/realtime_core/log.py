"""Appending to the event log and reading its head.

The publish script assigns the next event_id and appends the entry in one
atomic step, and remembers the idempotency key so a relay retry of the same
outbox row returns the first event_id instead of appending twice.

`floor` is the highest event_id the database knows was ever assigned. If the
epoch marker is missing (a fresh or wiped Redis) or the sequence is below the
floor (Redis came back from an older snapshot), the script starts a new epoch
and lifts the sequence to the floor: ids never repeat, and poll servers, seeing
the epoch change, send their clients a catch-up instead of a silent gap.
A replica promoted by a Sentinel failover also starts a new epoch, its sequence
lifted well past any id the lost primary may have handed out (`EPOCH_GUARD`).

Membership and revocation events change the user's Redis state in the same
step as their append, so a poll server that reads that state later (one that
starts after the event) agrees with one that read the event: a join records
its event_id (`keys.joined`), a revocation empties the user's memberships and
leaves a short-lived marker (`keys.revoked`).
"""

import secrets

from . import keys

# Shared by both scripts: start a new epoch when Redis lost data, and keep ids from
# repeating. `seq`, `epoch`, `primary`, `replay` are keys; `floor`, `new_epoch`, `gap`
# arguments.
#
# - No epoch (a fresh or wiped Redis), or a sequence below the floor (an older
#   snapshot, or a promoted replica that missed events the database recorded): new
#   epoch, and the sequence lifted to the floor.
# - A promoted replica (its previous replication id, master_replid2, is the id of
#   the primary that appended last): new epoch, and the sequence lifted `gap` above
#   both the floor and its own value, past any id the old primary may have handed
#   out without the database knowing (an append whose answer the crash swallowed,
#   a relay batch rolled back). A restart of the same node from its own files gets
#   a new replication id with no previous one: not a failover, nothing changes.
#   The replica may also have missed membership changes, which live in Redis sets:
#   `replay` asks the relay to append the recent ones again.
EPOCH_GUARD = """
local info = redis.pcall('INFO', 'replication')
local replid, replid2
if type(info) == 'string' then  -- a Redis that refuses INFO still publishes, undetected
  replid = string.match(info, 'master_replid:(%w+)')
  replid2 = string.match(info, 'master_replid2:(%w+)')
end
local known = redis.call('GET', primary)
local promoted = known ~= false and replid ~= nil and known ~= replid and known == replid2
local current = tonumber(redis.call('GET', seq) or '0')
if redis.call('EXISTS', epoch) == 0 or current < floor or promoted then
  redis.call('SET', epoch, new_epoch)
  if promoted then
    redis.call('SET', seq, math.max(current, floor) + gap)
    redis.call('SET', replay, new_epoch)
  elseif current < floor then
    redis.call('SET', seq, floor)
  end
end
if replid ~= nil and known ~= replid then redis.call('SET', primary, replid) end
"""

PUBLISH_SCRIPT = (
    """
local seq, log, dedupe, epoch = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local members, joined, revoked, primary = KEYS[5], KEYS[6], KEYS[7], KEYS[8]
local replay = KEYS[9]
local dedupe_ttl, maxlen, floor, new_epoch = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local meta, body, member_op, member_community = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local revoked_ttl, gap = ARGV[9], tonumber(ARGV[10])

local seen = redis.call('GET', dedupe)
if seen then return {tonumber(seen), 0} end
"""
    + EPOCH_GUARD
    + """

local id = redis.call('INCR', seq)
redis.call('XADD', log, 'MAXLEN', '~', maxlen, id .. '-0', 'meta', meta, 'body', body)
redis.call('SET', dedupe, id, 'EX', dedupe_ttl)
if member_op == 'add' then
  redis.call('SADD', members, member_community)
  redis.call('SET', joined, id)
elseif member_op == 'remove' then
  redis.call('SREM', members, member_community)
elseif member_op == 'revoke' then
  redis.call('DEL', members, joined)
  redis.call('SET', revoked, id, 'EX', revoked_ttl)
end
return {id, 1}
"""
)

ENSURE_EPOCH_SCRIPT = (
    """
local seq, epoch, primary, replay = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local floor, new_epoch, gap = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
"""
    + EPOCH_GUARD
    + """
return {tonumber(redis.call('GET', seq) or '0'), redis.call('GET', epoch)}
"""
)

# Clears the replay request only if no newer failover asked for another meanwhile.
REPLAY_DONE_SCRIPT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
"""

# How far a promoted replica's sequence jumps: more than the ids the old primary can
# have handed out that neither the database nor the replica recorded. Those are the
# appends of publishers in flight at the crash, at most a relay batch (500) each,
# and publishers take turns; ids are 64-bit, so a generous gap costs nothing.
FAILOVER_ID_GAP = 100_000
_NO_USER = 0  # the user keys of an event that changes no membership name this id
# How long a revocation marker lasts: longer than any registration request can
# take (gunicorn's timeout is 30 s), so one authorised just before the user was
# deactivated still finds it.
REVOKED_MARKER_TTL = 60


def new_epoch() -> str:
    return secrets.token_hex(8)


class EventLog:
    """Synchronous writer used by the Django side (redis-py client, decode off)."""

    def __init__(self, redis_client, maxlen: int, dedupe_ttl: int):
        self._redis = redis_client
        self._maxlen = maxlen
        self._dedupe_ttl = dedupe_ttl
        self._publish = redis_client.register_script(PUBLISH_SCRIPT)
        self._ensure_epoch = redis_client.register_script(ENSURE_EPOCH_SCRIPT)
        self._replay_done = redis_client.register_script(REPLAY_DONE_SCRIPT)

    def append(
        self,
        idempotency_key: str,
        meta: str,
        body: str,
        floor: int,
        membership: tuple[int, int, bool] | None = None,
        revoked_user_id: int | None = None,
    ) -> tuple[int, bool]:
        """Append one entry; returns (event_id, appended_now).

        `membership` (user, community, is_member) or `revoked_user_id` change
        the user's Redis state atomically with the append.
        """
        user_id, op, community = _NO_USER, "", ""
        if membership is not None:
            user_id, community_id, is_member = membership
            op = "add" if is_member else "remove"
            community = str(community_id)
        elif revoked_user_id is not None:
            user_id, op = revoked_user_id, "revoke"
        event_id, appended = self._publish(
            keys=[
                keys.SEQUENCE,
                keys.LOG,
                keys.dedupe(idempotency_key),
                keys.EPOCH,
                keys.memberships(user_id),
                keys.joined(user_id),
                keys.revoked(user_id),
                keys.PRIMARY,
                keys.MEMBERSHIP_REPLAY,
            ],
            args=[
                self._dedupe_ttl,
                self._maxlen,
                floor,
                new_epoch(),
                meta,
                body,
                op,
                community,
                REVOKED_MARKER_TTL,
                FAILOVER_ID_GAP,
            ],
        )
        return int(event_id), bool(appended)

    def head(self, floor: int) -> tuple[int, str]:
        """(last assigned event_id, epoch), starting a new epoch if Redis lost it."""
        head, epoch = self._ensure_epoch(
            keys=[keys.SEQUENCE, keys.EPOCH, keys.PRIMARY, keys.MEMBERSHIP_REPLAY],
            args=[floor, new_epoch(), FAILOVER_ID_GAP],
        )
        return int(head), epoch.decode() if isinstance(epoch, bytes) else epoch

    def membership_replay_requested(self) -> str | None:
        """The epoch a failover started, if its membership replay is still to be done."""
        marker = self._redis.get(keys.MEMBERSHIP_REPLAY)
        return marker.decode() if isinstance(marker, bytes) else marker

    def membership_replay_done(self, marker: str) -> None:
        self._replay_done(keys=[keys.MEMBERSHIP_REPLAY], args=[marker])
