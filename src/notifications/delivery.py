"""Turns recorded activity into inbox lines, after the commit and in bulk.

The relay's loop runs `deliver_pending` on every pass (settings.RELAY_PASSES), so a
line reaches its inbox a fraction of a second after the change committed. Each
activity costs a handful of queries whatever its audience: one per follow rule, one
to gather unread comment lines, one for who turned a kind of line off in their inbox,
one bulk insert. A person hears of one change once, by the most direct reason: a
mention before a reply, a reply before a follow.
"""

from dataclasses import dataclass

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from discussions.models import Comment, Discussion
from discussions.pseudonyms import pseudonym
from realtime import connection
from realtime_core.signals import NOTIFICATION
from toolkit.log_lines import log_event

from . import follows
from .mentions import mentioned_users
from .models import GROUP_OF_KIND, Activity, Notification, NotificationPreferences

BATCH_SIZE = 200
TOPIC_IN_TEXT = 80  # characters of a topic or title quoted in a line


@dataclass
class _Post:
    """What a line about a post says and links to."""

    discussion: Discussion
    comment: Comment | None
    author_id: int
    is_pseudonymous: bool
    content: str

    @property
    def shown_actor_id(self) -> int | None:
        # A pseudonymous post's lines never name, nor link to, its author.
        return None if self.is_pseudonymous else self.author_id

    def author_name(self, author) -> str:
        if self.is_pseudonymous:
            return pseudonym(self.discussion.article_id, self.author_id)
        return author.username if author is not None else "Someone"

    def line(self, user_id: int, kind: str, text: str, count: int = 1) -> Notification:
        return Notification(
            user_id=user_id, kind=kind, created_at=timezone.now(), actor_id=self.shown_actor_id,
            community_id=self.discussion.community_id, article_id=self.discussion.article_id,
            discussion_id=self.discussion.id,
            comment_id=self.comment.id if self.comment else None, count=count, text=text[:500],
        )


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > TOPIC_IN_TEXT:
        text = text[:TOPIC_IN_TEXT - 1].rstrip() + "…"
    return f"“{text}”"


def deliver_pending() -> int:
    """Deliver a batch of pending activity; how many were delivered. The people told
    get a personal signal each, after the commit, so their open pages count it."""
    told = []
    with transaction.atomic():
        batch = list(
            Activity.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(delivered_at__isnull=True).order_by("id")
            .select_related("actor", "community", "subject", "discussion__article",
                            "discussion__community", "comment__parent")[:BATCH_SIZE]
        )
        for activity in batch:
            written = _lines_for(activity)
            lines = _kept_in_inbox(written)
            replaced = [line.replaces for line in lines if line.replaces is not None]
            if replaced:
                Notification.objects.filter(id__in=replaced).delete()
            # Stored one activity at a time: the next one gathers comment lines with these.
            Notification.objects.bulk_create(lines)
            # A change to one's own membership reaches one's open pages even kept out of
            # the inbox: they show it at once (web/js/inbox/own-membership.js).
            unstored = [line for line in written
                        if line.kind in Notification.MEMBERSHIP_KINDS and line not in lines]
            told.append((activity.community.slug, lines, unstored))
        Activity.objects.filter(id__in=[a.id for a in batch]).update(delivered_at=timezone.now())
    for slug, lines, unstored in told:
        _signal(slug, lines, unstored)
    return len(batch)


def _signal(community_slug: str, lines: list[Notification],
            unstored: list[Notification]) -> None:
    """One personal signal per kind of line and per effect on the unread count: the
    same words for everyone told of one change (a gathered line's count is the
    inbox's to say), so one signal serves thousands of followers. `unstored` lines
    were kept out of the inbox: their signal adds nothing to the count."""
    groups: dict[tuple[str, bool], list[Notification]] = {}
    for line in lines:
        groups.setdefault((line.kind, line.replaces is None), []).append(line)
    for line in unstored:
        groups.setdefault((line.kind, False), []).append(line)
    for (kind, adds_unread), group in groups.items():
        first = group[0]
        data = {
            "kind": kind, "text": getattr(first, "live_text", first.text),
            "url": item_url(community_slug, first.article_id, first.discussion_id,
                            first.comment_id),
            "community_id": first.community_id, "article_id": first.article_id,
            "discussion_id": first.discussion_id, "comment_id": first.comment_id,
            "adds_unread": adds_unread,
        }
        try:
            connection.signals().personal(NOTIFICATION, [line.user_id for line in group], data)
        except connection.REDIS_ERRORS:
            # A nudge, not a record: the inbox has the line, and pages fetch the count
            # when they connect again.
            log_event("signal_not_published", logging.WARNING, type=NOTIFICATION,
                      community_id=first.community_id)


def item_url(community_slug: str, article_id: int | None, discussion_id: int | None,
             comment_id: int | None) -> str:
    """The page and place of what a line is about, on this site."""
    page = f"/c/{community_slug}/"
    if article_id is None:
        return page
    place = f"comment-{comment_id}" if comment_id else f"discussion-{discussion_id}"
    return f"{page}a/{article_id}/#{place}"


def _kept_in_inbox(lines: list[Notification]) -> list[Notification]:
    """The lines but those of a kind their person turned off in the inbox (who then
    gets no signal either): one query for all the people of an activity."""
    if not lines:
        return lines
    groups = {GROUP_OF_KIND[line.kind] for line in lines}
    turned_off = Q()
    for group in groups:
        turned_off |= Q(**{f"kinds__{group}__inbox": False})
    choices = (NotificationPreferences.objects
               .filter(turned_off, user_id__in={line.user_id for line in lines})
               .values_list("user_id", "kinds"))
    unwanted = {(user_id, group) for user_id, kinds in choices
                for group, channels in kinds.items() if channels.get("inbox") is False}
    return [line for line in lines if (line.user_id, GROUP_OF_KIND[line.kind]) not in unwanted]


def _lines_for(activity: Activity) -> list[Notification]:
    if activity.kind == Activity.MEMBERSHIP:
        return [_membership_line(activity)]
    discussion = activity.discussion
    if discussion is None or discussion.is_deleted:
        return []  # gone before anyone heard of it
    if activity.kind == Activity.DISCUSSION_CREATED:
        post = _Post(discussion, None, discussion.author_id, discussion.is_pseudonymous,
                     discussion.content)
        return _discussion_lines(post, activity.actor)
    comment = activity.comment
    if comment is None or comment.is_deleted:
        return []
    post = _Post(discussion, comment, comment.author_id, comment.is_pseudonymous,
                 comment.content)
    return _comment_lines(post, activity.actor)


def _mention_lines(post: _Post, actor, told: set[int]) -> list[Notification]:
    community = post.discussion.community
    mentioned = follows.readers_among(community, mentioned_users(post.content)) - told
    told |= mentioned
    name = post.author_name(actor)
    topic = _quoted(post.discussion.topic)
    return [post.line(user_id, Notification.MENTION, f"{name} mentioned you in {topic}")
            for user_id in sorted(mentioned)]


def _discussion_lines(post: _Post, actor) -> list[Notification]:
    told = {post.author_id}
    lines = _mention_lines(post, actor, told)
    discussion = post.discussion
    followers = follows.article_followers(discussion.community, discussion.article) - told
    text = (f"{post.author_name(actor)} started {_quoted(discussion.topic)} "
            f"on {_quoted(discussion.article.title)}")
    lines += [post.line(user_id, Notification.DISCUSSION, text) for user_id in sorted(followers)]
    return lines


def _comment_lines(post: _Post, actor) -> list[Notification]:
    told = {post.author_id}
    lines = _mention_lines(post, actor, told)
    discussion, comment = post.discussion, post.comment
    replied_to = comment.parent.author_id if comment.parent else discussion.author_id
    if replied_to not in told and replied_to not in follows.discussion_muters(discussion) \
            and follows.readers_among(discussion.community, {replied_to}):
        what = "your comment" if comment.parent else "your discussion"
        lines.append(post.line(replied_to, Notification.REPLY,
                               f"{post.author_name(actor)} replied to {what} in "
                               f"{_quoted(discussion.topic)}"))
        told.add(replied_to)
    lines += _gathered_comment_lines(post, actor, follows.discussion_followers(discussion) - told)
    return lines


def _gathered_comment_lines(post: _Post, actor, followers: set[int]) -> list[Notification]:
    """One line per follower: an unread line about this discussion's comments is
    replaced by one counting this comment too (deleted once the line is kept)."""
    if not followers:
        return []
    unread = Notification.objects.filter(
        kind=Notification.COMMENTS, discussion=post.discussion, read_at__isnull=True,
        user_id__in=followers,
    ).values_list("id", "user_id", "count")
    earlier = {user_id: (line_id, count) for line_id, user_id, count in unread}
    topic = _quoted(post.discussion.topic)
    one = f"{post.author_name(actor)} commented in {topic}"
    lines = []
    for user_id in sorted(followers):
        replaces, earlier_count = earlier.get(user_id, (None, 0))
        count = earlier_count + 1
        line = post.line(user_id, Notification.COMMENTS,
                         f"{count} new comments in {topic}" if count > 1 else one, count=count)
        line.replaces = replaces  # the unread count stays as it was
        line.live_text = one  # what their open pages say of this comment
        lines.append(line)
    return lines


_MEMBERSHIP_TEXTS = {
    Notification.JOIN_APPROVED: "Your request to join {community} was approved",
    Notification.JOIN_REJECTED: "Your request to join {community} was declined",
    Notification.ADDED: "You were added to {community}",
    Notification.ROLE_CHANGED: "You are now {role} of {community}",
    Notification.REMOVED: "You were removed from {community}",
}


def _membership_line(activity: Activity) -> Notification:
    community = activity.community
    text = _MEMBERSHIP_TEXTS[activity.membership_kind].format(
        community=community.name,
        role={"admin": "an admin", "moderator": "a moderator"}.get(activity.role, "a member"))
    return Notification(user_id=activity.subject_id, kind=activity.membership_kind,
                        created_at=timezone.now(), actor_id=activity.actor_id,
                        community_id=community.id, text=text)
