"""The caller's last visit to a community's page, kept so the page can sum up
what was written since then ("while you were away"). Readers only, like the
community's contents: in a private community, members."""

from datetime import datetime

from ninja import Router, Schema

from accounts.auth import jwt_auth
from toolkit import visits
from toolkit.types import ObjectId

from . import access
from .api import get_community
from .models import CommunityVisit

router = Router(tags=["communities"], auth=jwt_auth)


class CommunityVisitOut(Schema):
    community_id: int
    seen_at: datetime | None  # null: the caller has not visited the community's page before
    previous_seen_at: datetime | None  # the visit before this one (PUT), null on GET


def _readable_community_id(user, community_id: int) -> int:
    community = get_community(community_id)
    access.require_contents_access(user, community)
    return community.id


@router.get("/{community_id}/visit", response=CommunityVisitOut)
def get_visit(request, community_id: ObjectId):
    _readable_community_id(request.auth, community_id)
    return {
        "community_id": community_id,
        "previous_seen_at": None,
        "seen_at": visits.last_seen(CommunityVisit, request.auth, community_id=community_id),
    }


@router.put("/{community_id}/visit", response=CommunityVisitOut)
def record_visit(request, community_id: ObjectId):
    """Record a visit now; the answer carries the one before, which is what the
    page sums up the news since (`GET /api/communities/{id}/news?since=`)."""
    _readable_community_id(request.auth, community_id)
    seen_at, previous = visits.record(CommunityVisit, request.auth, community_id=community_id)
    return {"community_id": community_id, "seen_at": seen_at, "previous_seen_at": previous}
