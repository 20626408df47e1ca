"""Which private communities each user belongs to, as this process knows it.

A user's set is read from Redis (`keys.memberships`) the first time one of
their queues polls here; from then on the membership events of the log keep it
current, so a removal stops delivery as soon as the event is read.

Sets are immutable and interned: users with the same communities share one
(thousands of users of one community cost one set, not one each), and a
membership event replaces the user's set rather than changing it, so whoever
holds a set (the fan-out's index) keeps exactly what it indexed.
"""

from realtime_core import keys

from .batching import BatchedReader


def with_membership(communities: frozenset[int], community_id: int,
                    is_member: bool) -> frozenset[int]:
    """The set after one membership event (a new set: sets here are never changed)."""
    return communities | {community_id} if is_member else communities - {community_id}


class Memberships:
    def __init__(self, redis):
        self._redis = redis
        self._communities: dict[int, frozenset[int]] = {}
        self._interned: dict[frozenset[int], frozenset[int]] = {}
        # Membership events the log reader saw while a user's set was being
        # read: the read may predate them, so they are replayed on top of it.
        self._journals: dict[int, list[tuple[int, bool]]] = {}
        self._generation = 0  # bumped by clear(); a read begun before it is stale
        self._reads = BatchedReader(self._read_sets)

    def of(self, user_id: int) -> frozenset[int] | None:
        """The user's communities now, if loaded; a membership event replaces the set."""
        return self._communities.get(user_id)

    async def load(self, user_id: int) -> frozenset[int]:
        communities = self._communities.get(user_id)
        if communities is not None:
            return communities
        generation = self._generation
        self._journals.setdefault(user_id, [])
        try:
            # Keyed by generation too, so a read begun before clear() is not shared after it.
            communities = await self._reads.read((generation, user_id))
        except Exception:
            self._journals.pop(user_id, None)
            raise
        if generation != self._generation:
            return communities  # Redis lost data meanwhile: not cached, the poll catches up
        loaded = self._communities.get(user_id)
        if loaded is not None:
            return loaded  # another poll of this user installed the same read first
        for community_id, is_member in self._journals.pop(user_id, ()):
            communities = with_membership(communities, community_id, is_member)
        return self._install(user_id, communities)

    def apply(self, user_id: int, community_id: int, is_member: bool) -> bool:
        """Apply a membership event; True when a loaded user's set changed."""
        communities = self._communities.get(user_id)
        if communities is None:
            journal = self._journals.get(user_id)
            if journal is not None:
                journal.append((community_id, is_member))
            return False
        if is_member == (community_id in communities):
            return False
        self._install(user_id, with_membership(communities, community_id, is_member))
        return True

    def retain(self, user_ids) -> None:
        """Forget the users not in `user_ids` (those with no queue or poll here any more)."""
        for user_id in [u for u in self._communities if u not in user_ids]:
            del self._communities[user_id]
        self._interned = {c: c for c in self._communities.values()}  # drop the unused sets

    def clear(self) -> None:
        self._communities.clear()
        self._interned.clear()
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
    ) -> list[frozenset[int]]:
        pipe = self._redis.pipeline(transaction=False)
        for _, user_id in generations_and_users:
            pipe.smembers(keys.memberships(user_id))
        # Frozen: the batch's answer may be shared by several polls of one user.
        return [frozenset(int(c) for c in raw) for raw in await pipe.execute()]
