"""The caller's last visit to an article, kept so the article page can mark
what is new since then. Members only in a private community, like the
article itself (anyone else gets the article's 404).

Recording a visit is bookkeeping that every opened article page does, not a
change the user makes, so it has a limit of its own instead of counting
against writes_per_user: someone reading many articles quickly can still post.
"""

from datetime import datetime

from django.utils import timezone
from ninja import Router, Schema

from accounts.auth import jwt_auth
from notifications import inbox
from toolkit.rate_limits import Limit
from toolkit.types import ObjectId

from . import lookups
from .models import ArticleVisit

router = Router(tags=["articles and discussions"], auth=jwt_auth)

VISITS_PER_USER = Limit("visits_per_user", "Too many visits recorded")


class VisitOut(Schema):
    article_id: int
    seen_at: datetime | None  # null: the caller has not visited the article before
    previous_seen_at: datetime | None  # the visit before this one (PUT), null on GET


@router.get("/articles/{article_id}/visit", response=VisitOut)
def get_visit(request, article_id: ObjectId):
    lookups.readable_article(request.auth, article_id)
    visit = ArticleVisit.objects.filter(user=request.auth, article_id=article_id).first()
    return {"article_id": article_id, "seen_at": visit.seen_at if visit else None,
            "previous_seen_at": None}


@router.put("/articles/{article_id}/visit", response=VisitOut)
def record_visit(request, article_id: ObjectId):
    """Record a visit now; the answer carries the one before, which is what the
    page marks new items against."""
    VISITS_PER_USER.hit(f"user:{request.auth.pk}")
    lookups.readable_article(request.auth, article_id)
    visit = ArticleVisit.objects.filter(user=request.auth, article_id=article_id).first()
    previous = visit.seen_at if visit else None
    visit, _ = ArticleVisit.objects.update_or_create(
        user=request.auth, article_id=article_id, defaults={"seen_at": timezone.now()}
    )
    inbox.mark_read(request.auth, article_id=article_id)  # the page shows what they said
    return {"article_id": article_id, "seen_at": visit.seen_at, "previous_seen_at": previous}
