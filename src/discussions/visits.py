"""The caller's last visit to an article, kept so the article page can mark
what is new since then. Members only in a private community, like the
article itself (anyone else gets the article's 404)."""

from datetime import datetime

from ninja import Router, Schema

from accounts.auth import jwt_auth
from notifications import inbox
from toolkit import visits
from toolkit.types import ObjectId

from . import lookups
from .models import ArticleVisit

router = Router(tags=["articles and discussions"], auth=jwt_auth)


class VisitOut(Schema):
    article_id: int
    seen_at: datetime | None  # null: the caller has not visited the article before
    previous_seen_at: datetime | None  # the visit before this one (PUT), null on GET


@router.get("/articles/{article_id}/visit", response=VisitOut)
def get_visit(request, article_id: ObjectId):
    lookups.readable_article(request.auth, article_id)
    return {
        "article_id": article_id,
        "previous_seen_at": None,
        "seen_at": visits.last_seen(ArticleVisit, request.auth, article_id=article_id),
    }


@router.put("/articles/{article_id}/visit", response=VisitOut)
def record_visit(request, article_id: ObjectId):
    """Record a visit now; the answer carries the one before, which is what the
    page marks new items against."""
    lookups.readable_article(request.auth, article_id)
    seen_at, previous = visits.record(ArticleVisit, request.auth, article_id=article_id)
    inbox.mark_read(request.auth, article_id=article_id)  # the page shows what they said
    return {"article_id": article_id, "seen_at": seen_at, "previous_seen_at": previous}
