"""Presence, typing and join-request signals: short-lived state, never part of the event log.

A signal says "who is here", "who is typing" or "the requests to join changed"
right now. It carries no
event_id, is never stored in the database, and travels through its own short
Redis stream (`keys.SIGNALS`), so it can neither consume an event id nor push a
real event out of the log. Each stream entry has the same two fields as a log
entry: `meta` (routing only: community and author, never sent on) and `body`
(the client JSON without its `id`, which the poll server splices in from the
stream id).

Presence lives in one sorted set per (community, article) of
"<user_id>:<tab_id>:<username>" scored by the time the entry expires, so a tab
that vanishes without saying goodbye stops counting on its own and nothing is
kept per tab anywhere else. The username rides in the member so that a snapshot
needs no database query.
"""

import json
import re
from dataclasses import dataclass

from . import keys

SIGNALS_MAXLEN = 10_000  # a few seconds of signals at most; polls replay only ~3 s
PRESENCE_HEARTBEAT = 15  # seconds between a visible tab's heartbeats
PRESENCE_TTL = 35  # a tab missing two heartbeats in a row stops counting
PRESENCE_NAMES_LIMIT = 20  # names in a snapshot; the count is always exact
TYPING_INTERVAL = 3  # seconds: a typist publishes at most this often per discussion
TYPING_EXPIRES_IN = 8  # seconds a typing indicator stays up without a new keystroke

PRESENCE = "presence"
TYPING = "typing"
# For a private community's admins only (meta `recipients`): the pending
# requests to join changed, so their pages fetch the list again. It names no one,
# so a signal that reached a page after its reader stopped being admin would tell
# nothing; the list itself is served to admins only.
JOIN_REQUESTS = "join_requests"
# To a private community's members: someone joined or left, and how many they are now,
# so the count on their open pages stays right.
MEMBERS = "members"
# Addressed to people, not to a community (meta `personal`, `recipients`): a line
# arrived in their inbox, or they read some. Delivered only to polls that ask for
# them (`notifications=1`), whatever communities the recipients belong to.
NOTIFICATION = "notification"
NOTIFICATIONS_READ = "notifications_read"
# Some of the person's logins ended (signed out elsewhere, a new password): each open
# page asks whether its own still lives, and the ones that ended say so at once.
LOGINS_ENDED = "logins_ended"

_TAB_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{8,64}")
_SIGNAL_ID_SHAPE = re.compile(r"(\d{1,16})(?:-(\d{1,10}))?")


def looks_like_tab_id(value: str) -> bool:
    return _TAB_ID_SHAPE.fullmatch(value) is not None


def parse_signal_id(value: str) -> tuple[int, int] | None:
    """A stream id "<ms>-<seq>" (or a bare "<ms>") as a comparable pair; None if malformed."""
    match = _SIGNAL_ID_SHAPE.fullmatch(value)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# Prune expired tabs, add or remove this one, and publish a snapshot when the
# set of present users changed: all in one step, so snapshots reach the stream
# in the order the set changed and a newer one never precedes an older one.
# KEYS: presence set, signal stream
# ARGV: now, expires_at, member, visible (1/0), key ttl, maxlen, names limit,
#       meta JSON, community_id, article_id
_PRESENCE_SCRIPT = """
local function users(key)
  local seen, count = {}, 0
  for _, member in ipairs(redis.call('ZRANGE', key, 0, -1)) do
    local user, name = string.match(member, '^(%d+):[^:]+:(.*)$')
    if user and not seen[user] then
      seen[user] = name
      count = count + 1
    end
  end
  return seen, count
end
local expired = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if ARGV[4] == '1' and expired == 0 and redis.call('ZSCORE', KEYS[1], ARGV[3]) then
  -- The usual heartbeat: this tab was already counted and nobody expired, so
  -- nothing can have changed; skip reading the whole set.
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return {false, false}
end
local before, before_count = users(KEYS[1])
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
else
  redis.call('ZREM', KEYS[1], ARGV[3])
end
local after, after_count = users(KEYS[1])
local changed = before_count ~= after_count
if not changed then
  for user in pairs(after) do
    if not before[user] then changed = true break end
  end
end
local members, listed = {}, 0
for user, name in pairs(after) do
  if listed < tonumber(ARGV[7]) then
    listed = listed + 1
    members[listed] = {id = tonumber(user), username = name, profile_pic_url = cjson.null}
  end
end
local body = cjson.encode({type = 'presence', data = {
  community_id = tonumber(ARGV[9]), article_id = tonumber(ARGV[10]),
  count = after_count, members = members}})
if listed == 0 then
  -- Redis's cjson writes an empty table as an object. With nobody listed the body
  -- holds no name, so its one {} is the members list, which clients read as an array.
  body = string.gsub(body, '"members":{}', '"members":[]')
end
local version
if changed then
  version = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'meta', ARGV[8], 'body', body)
else
  local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
  version = last[1] and last[1][1] or '0-0'
end
return {body, version}
"""


@dataclass(frozen=True)
class PresenceSnapshot:
    body: dict  # the signal as clients receive it, without its id
    version: str  # stream id: a snapshot is newer than any signal with a smaller id


class Signals:
    """Publishing presence and typing (the Django side uses it synchronously)."""

    def __init__(self, redis_client, maxlen: int = SIGNALS_MAXLEN):
        self._redis = redis_client
        self._maxlen = maxlen
        self._presence_script = redis_client.register_script(_PRESENCE_SCRIPT)

    def presence(
        self,
        community_id: int,
        article_id: int,
        user_id: int,
        username: str,
        tab_id: str,
        visible: bool,
        now: float,
    ) -> PresenceSnapshot | None:
        """Record that a tab shows (or stopped showing) the article.

        The current snapshot, or None for a heartbeat of a tab already counted
        when nobody came or went (the common case, kept cheap).
        """
        meta = _dumps({"type": PRESENCE, "community_id": community_id, "author_id": user_id})
        body, version = self._presence_script(
            keys=[keys.presence(community_id, article_id), keys.SIGNALS],
            args=[
                now,
                now + PRESENCE_TTL,
                f"{user_id}:{tab_id}:{username}",
                1 if visible else 0,
                PRESENCE_TTL,
                self._maxlen,
                PRESENCE_NAMES_LIMIT,
                meta,
                community_id,
                article_id,
            ],
        )
        if body is None:
            return None
        return PresenceSnapshot(json.loads(body), version.decode())

    def typing(
        self,
        community_id: int,
        article_id: int,
        discussion_id: int,
        user_id: int,
        shown_as: dict,
    ) -> bool:
        """Publish "is typing" unless this user did so for the discussion moments ago.

        `shown_as` is how the typist appears ({id, username, is_pseudonymous}),
        the same as on the reply they are writing. True when published.
        """
        throttle = keys.typing_throttle(discussion_id, user_id)
        if not self._redis.set(throttle, 1, nx=True, ex=TYPING_INTERVAL):
            return False
        meta = _dumps({"type": TYPING, "community_id": community_id, "author_id": user_id})
        body = _dumps(
            {
                "type": TYPING,
                "data": {
                    "community_id": community_id,
                    "article_id": article_id,
                    "discussion_id": discussion_id,
                    "user": shown_as,
                    "expires_in": TYPING_EXPIRES_IN,
                },
            }
        )
        self._add(meta, body)
        return True

    def join_requests(self, community_id: int, admin_ids: list[int], pending: int) -> None:
        """Tell the community's admins that its pending requests to join changed."""
        meta = _dumps(
            {
                "type": JOIN_REQUESTS,
                "community_id": community_id,
                "author_id": 0,  # nobody's own: the deciding admin's other tabs update too
                "recipients": sorted(admin_ids),
            }
        )
        body = _dumps(
            {"type": JOIN_REQUESTS, "data": {"community_id": community_id, "pending": pending}}
        )
        self._add(meta, body)

    def members(self, community_id: int, member_count: int) -> None:
        """Tell the community's members how many they are now."""
        meta = _dumps({"type": MEMBERS, "community_id": community_id, "author_id": 0})
        body = _dumps(
            {"type": MEMBERS, "data": {"community_id": community_id, "member_count": member_count}}
        )
        self._add(meta, body)

    def newest_id(self) -> str:
        """The id of the newest signal ("0-0" before any): what a count read now
        already includes is at most this."""
        newest = self._redis.xrevrange(keys.SIGNALS, count=1)
        if not newest:
            return "0-0"
        stream_id = newest[0][0]
        return stream_id.decode() if isinstance(stream_id, bytes) else stream_id

    def personal(self, type_: str, recipients: list[int], data: dict) -> None:
        """A signal for these people only, wherever they are (NOTIFICATION, ...)."""
        meta = _dumps(
            {
                "type": type_,
                "community_id": 0,
                "author_id": 0,
                "personal": True,
                "recipients": sorted(recipients),
            }
        )
        self._add(meta, _dumps({"type": type_, "data": data}))

    def _add(self, meta: str, body: str) -> None:
        self._redis.xadd(
            keys.SIGNALS, {"meta": meta, "body": body}, maxlen=self._maxlen, approximate=True
        )


@dataclass(frozen=True, slots=True)
class SignalEntry:
    """One signal as the poll server holds it in memory."""

    id: tuple[int, int]
    community_id: int
    author_id: int
    wire: bytes  # the client JSON with its id spliced in, encoded once
    recipients: frozenset[int] | None = None  # only these members, or every member
    personal: bool = False  # for `recipients` wherever they are, not for a community
    type: str = ""

    def is_for(self, user_id: int) -> bool:
        """Whether a member of the signal's community may receive it."""
        if self.recipients is not None:
            return user_id in self.recipients
        return user_id != self.author_id  # a typist never sees their own indicator


def decode_signal(stream_id: bytes, fields: dict) -> SignalEntry:
    meta = json.loads(fields[b"meta"])
    ms, _, seq = stream_id.partition(b"-")
    body = fields[b"body"]
    if not body.startswith(b"{"):
        raise ValueError("signal body is not a JSON object")
    return SignalEntry(
        id=(int(ms), int(seq or 0)),
        community_id=int(meta["community_id"]),
        author_id=int(meta["author_id"]),
        wire=b'{"id":"' + stream_id + b'",' + body[1:],
        recipients=frozenset(map(int, meta["recipients"])) if "recipients" in meta else None,
        personal=bool(meta.get("personal")),
        type=str(meta.get("type", "")),
    )
