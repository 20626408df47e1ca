"""Which private communities each user belongs to, as this process knows it.

A user's set is read from Redis (`keys.memberships`) the first time one of
their queues polls here; from then on the membership events of the log keep it
current, so a removal stops delivery as soon as the event is read.

It also knows, per user, the event id of their latest join
(`keys.joined`, from Redis with the set and then from the membership events):
a poll whose cursor is older than that must catch up, so a re-added member is
never shown what happened in the community while they were out. A revocation
(the user deactivated or deleted) forgets the user: Redis no longer holds their
memberships, so a later read finds none.

Sets are immutable and interned: users with the same communities share one
(thousands of users of one community cost one set, not one each), and a
membership event replaces the user's set rather than changing it, so whoever
holds a set (the fan-out's index) keeps exactly what it indexed.
"""

from realtime_core import keys

from .batching import BatchedReader


def with_membership(
    communities: frozenset[int], community_id: int, is_member: bool
) -> frozenset[int]:
    """The set after one membership event (a new set: sets here are never changed)."""
    return communities | {community_id} if is_member else communities - {community_id}


_REVOKED = None  # a journal entry's community when the event was a revocation


class Memberships:
    def __init__(self, redis):
        self._redis = redis
        self._communities: dict[int, frozenset[int]] = {}
        self._interned: dict[frozenset[int], frozenset[int]] = {}
        self._joined: dict[int, int] = {}  # user -> event id of their latest join, if any
        # Membership events the log reader saw while a user's set was being read:
        # the read may predate them, so they are replayed on top of it.
        # (community or _REVOKED, is_member, event id)
        self._journals: dict[int, list[tuple[int | None, bool, int]]] = {}
        self._generation = 0  # bumped by clear(); a read begun before it is stale
        self._reads = BatchedReader(self._read_sets)

    def of(self, user_id: int) -> frozenset[int] | None:
        """The user's communities now, if loaded; a membership event replaces the set."""
        return self._communities.get(user_id)

    def joined_at(self, user_id: int) -> int:
        """The event id of the loaded user's latest join (0: none known)."""
        return self._joined.get(user_id, 0)

    async def load(self, user_id: int) -> frozenset[int]:
        communities = self._communities.get(user_id)
        if communities is not None:
            return communities
        generation = self._generation
        self._journals.setdefault(user_id, [])
        try:
            # Keyed by generation too, so a read begun before clear() is not shared after it.
            communities, joined = await self._reads.read((generation, user_id))
        except Exception:
            self._journals.pop(user_id, None)
            raise
        if generation != self._generation:
            return communities  # Redis lost data meanwhile: not cached, the poll catches up
        loaded = self._communities.get(user_id)
        if loaded is not None:
            return loaded  # another poll of this user installed the same read first
        for community_id, is_member, event_id in self._journals.pop(user_id, ()):
            if community_id is _REVOKED:
                return frozenset()  # the read may predate it; the next poll reads again
            communities = with_membership(communities, community_id, is_member)
            if is_member:
                joined = max(joined, event_id)
        if joined:
            self._joined[user_id] = joined
        return self._install(user_id, communities)

    def apply(self, user_id: int, community_id: int, is_member: bool, event_id: int) -> bool:
        """Apply a membership event; True when a loaded user's set changed."""
        communities = self._communities.get(user_id)
        if communities is None:
            journal = self._journals.get(user_id)
            if journal is not None:
                journal.append((community_id, is_member, event_id))
            return False
        if is_member:
            self._joined[user_id] = event_id
        if is_member == (community_id in communities):
            return False
        self._install(user_id, with_membership(communities, community_id, is_member))
        return True

    def revoke(self, user_id: int, event_id: int) -> None:
        """Forget the user: their access was revoked, and Redis holds no membership of theirs."""
        self._communities.pop(user_id, None)
        self._joined.pop(user_id, None)
        journal = self._journals.get(user_id)
        if journal is not None:
            journal.append((_REVOKED, False, event_id))

    def retain(self, user_ids) -> None:
        """Forget the users not in `user_ids` (those with no queue or poll here any more)."""
        for user_id in [u for u in self._communities if u not in user_ids]:
            del self._communities[user_id]
            self._joined.pop(user_id, None)
        self._interned = {c: c for c in self._communities.values()}  # drop the unused sets

    def clear(self) -> None:
        self._communities.clear()
        self._interned.clear()
        self._joined.clear()
        self._journals.clear()
        self._generation += 1

    def __len__(self) -> int:
        return len(self._communities)

    def _install(self, user_id: int, communities: frozenset[int]) -> frozenset[int]:
        communities = self._interned.setdefault(communities, communities)
        self._communities[user_id] = communities
        return communities

    async def _read_sets(
        self, generations_and_users: list[tuple[int, int]]
    ) -> list[tuple[frozenset[int], int]]:
        """(communities, latest join's event id) of each user."""
        pipe = self._redis.pipeline(transaction=False)
        for _, user_id in generations_and_users:
            pipe.smembers(keys.memberships(user_id))
            pipe.get(keys.joined(user_id))
        replies = await pipe.execute()
        # Frozen: the batch's answer may be shared by several polls of one user.
        return [
            (frozenset(int(c) for c in members), int(joined or 0))
            for members, joined in zip(replies[::2], replies[1::2])
        ]
