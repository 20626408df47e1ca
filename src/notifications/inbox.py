"""A person's inbox as they may see it now.

A line about a post shows only while its reader may still read the community
(members of a private one: left or removed, they see none of its lines) and while
its discussion and comment are not deleted; lines about the reader's own
membership always show, as they name nothing but the community. A line gathering
several comments names the newest: it stays when that one is deleted, as the others
are still there to read, and then leads to the discussion (`comment_gone`).
"""

import logging

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from communities.models import Community, Membership
from realtime import connection
from realtime_core.signals import NOTIFICATIONS_READ
from toolkit.log_lines import log_event

from .models import Notification


def readable_community(user, community_path: str) -> Q:
    """Rows whose community (at `community_path`) the user may read now."""
    member = Membership.objects.filter(community=OuterRef(community_path), user=user)
    return Q(**{f"{community_path}__type": Community.PUBLIC}) | Q(Exists(member))


def visible_to(user) -> QuerySet:
    readable = readable_community(user, "community")
    comment_alive = Q(comment__isnull=True) | Q(comment__is_deleted=False)
    gathered = Q(kind=Notification.COMMENTS, count__gt=1)
    post_alive = Q(discussion__is_deleted=False) & (comment_alive | gathered)
    return (
        Notification.objects.filter(user=user)
        .filter(Q(kind__in=Notification.MEMBERSHIP_KINDS) | (readable & post_alive))
        .annotate(comment_gone=ExpressionWrapper(~comment_alive, output_field=BooleanField()))
    )


def unread_count(user) -> int:
    return visible_to(user).filter(read_at__isnull=True).count()


def counted_with_cursor(user) -> tuple[int, str | None]:
    """The unread count, and the newest signal it already includes: a page applies
    only later ones (a poll replays the last seconds of signals, which must not count
    twice). The cursor is read first: a line committed meanwhile may then count once
    more, for the moment until the next read, but never goes missing. None without
    Redis; the page then applies every signal."""
    try:
        cursor = connection.signals().newest_id()
    except connection.REDIS_ERRORS:
        cursor = None
    return unread_count(user), cursor


def mark_read(user, ids: list[int] | None = None, article_id: int | None = None) -> None:
    """Mark the user's lines read: those of `ids`, of an article, or (neither) all."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(id__in=ids)
    if article_id is not None:
        unread = unread.filter(article_id=article_id)
    if unread.update(read_at=timezone.now()):
        transaction.on_commit(lambda: _tell_read(user))


def _tell_read(user) -> None:
    """Every open page of the reader, on every device, shows the new count at once."""
    try:
        connection.signals().personal(
            NOTIFICATIONS_READ, [user.id], {"unread_count": unread_count(user)}
        )
    except connection.REDIS_ERRORS:
        log_event("signal_not_published", logging.WARNING, type=NOTIFICATIONS_READ, user_id=user.id)
