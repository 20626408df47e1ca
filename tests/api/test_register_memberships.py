"""Register publishes the caller's private memberships to Redis, and a membership change
racing the registration cannot leave the old set behind (real Redis, test database)."""

from communities.models import Membership
from realtime.connection import client
from realtime_core import keys
from realtime_core.queues import QueueRegistry


def _published(user_id: int) -> set[int]:
    return {int(c) for c in client().smembers(keys.memberships(user_id))}


def test_register_publishes_the_private_memberships(api, lab):
    body = api.post("/api/realtime/register", as_=lab.member).json()
    assert body["communities"] == [lab.community.id]
    assert _published(lab.member.id) == {lab.community.id}


def test_a_removal_committed_during_registration_is_not_undone(api, lab, monkeypatch):
    create = QueueRegistry.create

    def create_while_removed(self, user_id, private_community_ids, login_id=None):
        queue_id = create(self, user_id, private_community_ids, login_id)
        # The removal commits just after register read the memberships, and its event
        # reached Redis before register's write: that write put the old set back.
        Membership.objects.filter(user_id=user_id, community=lab.community).delete()
        return queue_id

    monkeypatch.setattr(QueueRegistry, "create", create_while_removed)
    body = api.post("/api/realtime/register", as_=lab.member).json()
    assert body["communities"] == []
    assert _published(lab.member.id) == set()
