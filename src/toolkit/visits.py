"""A person's last visit to what a page shows (an article, a community), kept so
the page can mark or sum up what was written since. Both pages keep one row per
person and subject and answer the visit before the one they record.

Recording a visit is bookkeeping that every opened page does, not a change the
person makes, so it has a limit of its own instead of counting against
writes_per_user: someone reading many pages quickly can still post.
"""

from datetime import datetime

from django.db import models
from django.utils import timezone

from .rate_limits import Limit

VISITS_PER_USER = Limit("visits_per_user", "Too many visits recorded")


def last_seen(visits: type[models.Model], user, **subject) -> datetime | None:
    """When `user` last visited `subject` (article=… or community=…), None before the first."""
    visit = visits.objects.filter(user=user, **subject).first()
    return visit.seen_at if visit else None


def record(visits: type[models.Model], user, **subject) -> tuple[datetime, datetime | None]:
    """Record a visit now, after the caller's limit; answers (now, the visit before)."""
    VISITS_PER_USER.hit(f"user:{user.pk}")
    previous = last_seen(visits, user, **subject)
    visit, _ = visits.objects.update_or_create(
        user=user, **subject, defaults={"seen_at": timezone.now()}
    )
    return visit.seen_at, previous
