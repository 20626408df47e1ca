"""The caller's last visit to a community's page, kept so the page can sum up
what was written since then ("while you were away"). Readers only, like the
community's contents: in a private community, members.

Like an article's visit (discussions.visits), recording one is bookkeeping
every opened page does, not a change the user makes: a limit of its own
rather than writes_per_user.
"""

from datetime import datetime

from django.utils import timezone
from ninja import Router, Schema

from accounts.auth import jwt_auth
from toolkit.rate_limits import Limit
from toolkit.types import ObjectId

from . import access
from .api import get_community
from .models import CommunityVisit

router = Router(tags=["communities"], auth=jwt_auth)

COMMUNITY_VISITS_PER_USER = Limit("community_visits_per_user", "Too many visits recorded")


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
    visit = CommunityVisit.objects.filter(user=request.auth, community_id=community_id).first()
    return {"community_id": community_id, "seen_at": visit.seen_at if visit else None,
            "previous_seen_at": None}


@router.put("/{community_id}/visit", response=CommunityVisitOut)
def record_visit(request, community_id: ObjectId):
    """Record a visit now; the answer carries the one before, which is what the
    page sums up the news since (`GET /api/communities/{id}/news?since=`)."""
    COMMUNITY_VISITS_PER_USER.hit(f"user:{request.auth.pk}")
    _readable_community_id(request.auth, community_id)
    visit = CommunityVisit.objects.filter(user=request.auth, community_id=community_id).first()
    previous = visit.seen_at if visit else None
    visit, _ = CommunityVisit.objects.update_or_create(
        user=request.auth, community_id=community_id, defaults={"seen_at": timezone.now()}
    )
    return {"community_id": community_id, "seen_at": visit.seen_at,
            "previous_seen_at": previous}
