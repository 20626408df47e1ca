"""Turns recorded activity into inbox lines, after the commit and in bulk.

The relay's loop runs `deliver_pending` on every pass (settings.RELAY_PASSES), and the
write that recorded the activity wakes it, so a line reaches its inbox a fraction of a
second after the change committed. Each
activity costs a handful of queries whatever its audience: one per follow rule, one
to gather unread comment lines, one for who turned a kind of line off in their inbox,
one insert per kind of line. A person hears of one change once, by the most direct
reason: a mention before a reply, a reply before a follow.

The lines of one kind about one change differ only in their reader (and, gathered,
their count and words), so they travel as one `_Lines` group: on PostgreSQL one
INSERT ... SELECT FROM unnest() stores thousands of them without a model object or a
placeholder each (bench/README.md, "A discussion followed by 5,000"); one personal signal
tells them all.
"""

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import connection as database
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from discussions.links import item_url
from discussions.models import Comment, Discussion
from discussions.pseudonyms import pseudonym
from realtime import connection
from realtime_core.signals import NOTIFICATION
from toolkit.id_lists import any_of
from toolkit.log_lines import log_event

from . import follows
from .mentions import mentioned_users
from .models import GROUP_OF_KIND, Activity, Notification, NotificationPreferences

BATCH_SIZE = 200
TOPIC_IN_TEXT = 80  # characters of a topic or title quoted in a line
TEXT_MAX = Notification._meta.get_field("text").max_length


@dataclass
class _Lines:
    """Lines of one kind about one thing, one per reader."""

    kind: str
    created_at: datetime
    actor_id: int | None
    community_id: int
    article_id: int | None = None
    discussion_id: int | None = None
    comment_id: int | None = None
    # What the open pages of the readers are told (the same words for all of them).
    live_text: str = ""
    readers: list[tuple[int, int, str]] = field(default_factory=list)  # user, count, text
    # Readers' unread lines this one replaces (gathered comments): their count stays.
    replaces: dict[int, int] = field(default_factory=dict)
    # Told, not stored: a membership change kept out of the inbox still reaches the
    # person's open pages, which show it at once (web/js/inbox/own-membership.js).
    stored: bool = True

    def add(self, user_id: int, text: str, count: int = 1) -> None:
        self.readers.append((user_id, count, text[:TEXT_MAX]))

    def adds_unread(self, user_id: int) -> bool:
        return self.stored and user_id not in self.replaces

    def split(self, unwanted: set[int]) -> tuple["_Lines", "_Lines"]:
        """(the lines of readers who keep this kind in their inbox, the others')."""
        kept, dropped = replace(self, readers=[]), replace(self, readers=[], stored=False)
        for reader in self.readers:
            (dropped if reader[0] in unwanted else kept).readers.append(reader)
        kept.replaces = {user: line for user, line in self.replaces.items() if user not in unwanted}
        return kept, dropped


@dataclass
class _Post:
    """What the lines about a post say and link to."""

    discussion: Discussion
    comment: Comment | None
    author_id: int
    is_pseudonymous: bool
    content: str

    def author_name(self, author) -> str:
        if self.is_pseudonymous:
            return pseudonym(self.discussion.article_id, self.author_id)
        return author.username if author is not None else "Someone"

    def lines(self, kind: str, live_text: str) -> _Lines:
        discussion = self.discussion
        return _Lines(
            kind=kind,
            created_at=timezone.now(),
            # A pseudonymous post's lines never name, nor link to, its author.
            actor_id=None if self.is_pseudonymous else self.author_id,
            community_id=discussion.community_id,
            article_id=discussion.article_id,
            discussion_id=discussion.id,
            comment_id=self.comment.id if self.comment else None,
            live_text=live_text[:TEXT_MAX],
        )


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > TOPIC_IN_TEXT:
        text = text[: TOPIC_IN_TEXT - 1].rstrip() + "…"
    return f"“{text}”"


def deliver_pending() -> int:
    """Deliver a batch of pending activity; how many were delivered. The people told
    get a personal signal each, after the commit, so their open pages count it."""
    told: list[tuple[str, _Lines]] = []
    with transaction.atomic():
        batch = list(
            Activity.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(delivered_at__isnull=True)
            .order_by("id")
            .select_related(
                "actor",
                "community",
                "subject",
                "discussion__article",
                "discussion__community",
                "comment__parent",
            )[:BATCH_SIZE]
        )
        for activity in batch:
            groups = _lines_for(activity)
            unwanted = _turned_off(groups)
            for group in groups:
                kept, dropped = group.split(unwanted.get(GROUP_OF_KIND[group.kind], set()))
                # Stored one activity at a time: the next one gathers comment lines with
                # these.
                if kept.readers:
                    _store(kept)
                    told.append((activity.community.slug, kept))
                if dropped.readers and dropped.kind in Notification.MEMBERSHIP_KINDS:
                    told.append((activity.community.slug, dropped))
        Activity.objects.filter(id__in=[a.id for a in batch]).update(delivered_at=timezone.now())
    for slug, group in told:
        _signal(slug, group)
    return len(batch)


_INSERT_FROM_ARRAYS = """
INSERT INTO {table} (user_id, count, text, kind, created_at, actor_id, community_id,
                     article_id, discussion_id, comment_id)
SELECT reader.user_id, reader.count, reader.text, %s, %s, %s, %s, %s, %s, %s
FROM unnest(%s::bigint[], %s::integer[], %s::text[]) AS reader(user_id, count, text)
"""


def _turned_off(groups: list[_Lines]) -> dict[str, set[int]]:
    """Who among the readers turned each group of kinds off in their inbox: one query
    for all the people of an activity (only those who chose anything have a row)."""
    people = {user_id for group in groups for user_id, _, _ in group.readers}
    if not people:
        return {}
    turned_off = Q()
    for kind_group in {GROUP_OF_KIND[group.kind] for group in groups if group.readers}:
        turned_off |= Q(**{f"kinds__{kind_group}__inbox": False})
    unwanted: dict[str, set[int]] = {}
    choices = NotificationPreferences.objects.filter(turned_off, user_id__in=any_of(people))
    for user_id, kinds in choices.values_list("user_id", "kinds"):
        for kind_group, channels in kinds.items():
            if channels.get("inbox") is False:
                unwanted.setdefault(kind_group, set()).add(user_id)
    return unwanted


def _store(group: _Lines) -> None:
    """One statement for the whole group on PostgreSQL, a bulk insert elsewhere; the
    unread lines it replaces go first."""
    if group.replaces:
        Notification.objects.filter(id__in=any_of(group.replaces.values())).delete()
    shared = {
        "kind": group.kind,
        "created_at": group.created_at,
        "actor_id": group.actor_id,
        "community_id": group.community_id,
        "article_id": group.article_id,
        "discussion_id": group.discussion_id,
        "comment_id": group.comment_id,
    }
    if database.vendor != "postgresql":
        Notification.objects.bulk_create(
            Notification(user_id=user_id, count=count, text=text, **shared)
            for user_id, count, text in group.readers
        )
        return
    user_ids, counts, texts = (list(column) for column in zip(*group.readers))
    with database.cursor() as cursor:
        cursor.execute(
            _INSERT_FROM_ARRAYS.format(table=Notification._meta.db_table),
            [*shared.values(), user_ids, counts, texts],
        )


def _signal(community_slug: str, group: _Lines) -> None:
    """The same words for everyone told of one change (a gathered line's count is the
    inbox's to say), so one signal serves thousands of followers; those whose unread
    line was replaced get one that leaves their count as it is."""
    data = {
        "kind": group.kind,
        "text": group.live_text,
        "url": item_url(community_slug, group.article_id, group.discussion_id, group.comment_id),
        "community_id": group.community_id,
        "article_id": group.article_id,
        "discussion_id": group.discussion_id,
        "comment_id": group.comment_id,
    }
    readers = [user_id for user_id, _, _ in group.readers]
    for adds_unread in (True, False):
        recipients = [user_id for user_id in readers if group.adds_unread(user_id) == adds_unread]
        if not recipients:
            continue
        try:
            connection.signals().personal(
                NOTIFICATION, recipients, {**data, "adds_unread": adds_unread}
            )
        except connection.REDIS_ERRORS:
            # A nudge, not a record: the inbox has the line, and pages fetch the count
            # when they connect again.
            log_event(
                "signal_not_published",
                logging.WARNING,
                type=NOTIFICATION,
                community_id=group.community_id,
            )


def _lines_for(activity: Activity) -> list[_Lines]:
    if activity.kind == Activity.MEMBERSHIP:
        return [_membership_lines(activity)]
    discussion = activity.discussion
    if discussion is None or discussion.is_deleted:
        return []  # gone before anyone heard of it
    if activity.kind == Activity.DISCUSSION_CREATED:
        post = _Post(
            discussion, None, discussion.author_id, discussion.is_pseudonymous, discussion.content
        )
        return _discussion_lines(post, activity.actor)
    comment = activity.comment
    if comment is None or comment.is_deleted:
        return []
    post = _Post(discussion, comment, comment.author_id, comment.is_pseudonymous, comment.content)
    return _comment_lines(post, activity.actor)


def _mention_lines(post: _Post, actor, told: set[int]) -> _Lines:
    community = post.discussion.community
    mentioned = follows.readers_among(community, mentioned_users(post.content)) - told
    told |= mentioned
    text = f"{post.author_name(actor)} mentioned you in {_quoted(post.discussion.topic)}"
    lines = post.lines(Notification.MENTION, text)
    for user_id in sorted(mentioned):
        lines.add(user_id, text)
    return lines


def _discussion_lines(post: _Post, actor) -> list[_Lines]:
    told = {post.author_id}
    mentions = _mention_lines(post, actor, told)
    discussion = post.discussion
    followers = follows.article_followers(discussion.community, discussion.article) - told
    text = (
        f"{post.author_name(actor)} started {_quoted(discussion.topic)} "
        f"on {_quoted(discussion.article.title)}"
    )
    started = post.lines(Notification.DISCUSSION, text)
    for user_id in sorted(followers):
        started.add(user_id, text)
    return [mentions, started]


def _comment_lines(post: _Post, actor) -> list[_Lines]:
    told = {post.author_id}
    mentions = _mention_lines(post, actor, told)
    discussion, comment = post.discussion, post.comment
    replied_to = comment.parent.author_id if comment.parent else discussion.author_id
    what = "your comment" if comment.parent else "your discussion"
    text = f"{post.author_name(actor)} replied to {what} in {_quoted(discussion.topic)}"
    reply = post.lines(Notification.REPLY, text)
    if (
        replied_to not in told
        and replied_to not in follows.discussion_muters(discussion)
        and follows.readers_among(discussion.community, {replied_to})
    ):
        reply.add(replied_to, text)
        told.add(replied_to)
    followers = follows.discussion_followers(discussion) - told
    return [mentions, reply, _gathered_comment_lines(post, actor, followers)]


def _gathered_comment_lines(post: _Post, actor, followers: set[int]) -> _Lines:
    """One line per follower: an unread line about this discussion's comments is
    replaced by one counting this comment too (once stored)."""
    topic = _quoted(post.discussion.topic)
    one = f"{post.author_name(actor)} commented in {topic}"
    lines = post.lines(Notification.COMMENTS, one)
    if not followers:
        return lines
    # Every unread gathered line of the discussion, then those of the followers: a
    # list of thousands of ids in the query would cost more than the rows.
    unread = Notification.objects.filter(
        kind=Notification.COMMENTS,
        discussion=post.discussion,
        read_at__isnull=True,
    ).values_list("id", "user_id", "count")
    earlier = {
        user_id: (line_id, count) for line_id, user_id, count in unread if user_id in followers
    }
    for user_id in sorted(followers):
        count = earlier.get(user_id, (None, 0))[1] + 1
        lines.add(user_id, f"{count} new comments in {topic}" if count > 1 else one, count)
    # Replaced when stored: a follower who keeps comments out of the inbox keeps theirs.
    lines.replaces = {user_id: line_id for user_id, (line_id, _) in earlier.items()}
    return lines


_MEMBERSHIP_TEXTS = {
    Notification.JOIN_APPROVED: "Your request to join {community} was approved",
    Notification.JOIN_REJECTED: "Your request to join {community} was declined",
    Notification.ADDED: "You were added to {community}",
    Notification.ROLE_CHANGED: "You are now {role} of {community}",
    Notification.REMOVED: "You were removed from {community}",
}


def _membership_lines(activity: Activity) -> _Lines:
    community = activity.community
    text = _MEMBERSHIP_TEXTS[activity.membership_kind].format(
        community=community.name,
        role={"admin": "an admin", "moderator": "a moderator"}.get(activity.role, "a member"),
    )
    lines = _Lines(
        kind=activity.membership_kind,
        created_at=timezone.now(),
        actor_id=activity.actor_id,
        community_id=community.id,
        live_text=text,
    )
    lines.add(activity.subject_id, text)
    return lines
