from django.conf import settings
from django.db import models


class NotificationPreferences(models.Model):
    """How a user wants to hear about activity in tabs they are not looking at.

    Kept on the server so the choice follows the user to every browser. Both
    are off until the user turns them on; a user without a row has the defaults.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    # For what others do on the article page the person has open:
    desktop = models.BooleanField(default=False)  # a desktop notification while the tab is hidden
    sound = models.BooleanField(default=False)  # a short tone for new activity
    # For inbox lines, per group of kinds (KIND_GROUPS): {"replies": {"inbox": false,
    # "desktop": true, "sound": false}, ...}; a group or channel left out has its default.
    kinds = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    CHANNEL_DEFAULTS = {"inbox": True, "desktop": False, "sound": False}

    def channels(self, group: str) -> dict[str, bool]:
        """How the person hears of a line of this group of kinds."""
        return {**self.CHANNEL_DEFAULTS, **self.kinds.get(group, {})}

    def all_channels(self) -> dict[str, dict[str, bool]]:
        return {group: self.channels(group) for group in KIND_GROUPS}


class ArticleFollow(models.Model):
    """A member's choice about an article of a community: followed, or muted.

    Who follows an article is worked out, not stored: its submitter and the
    community's admins follow it without a row; a row says "followed" for anyone
    else, and "muted" overrides the automatic follow (notifications.follows).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    article = models.ForeignKey("discussions.Article", on_delete=models.CASCADE, related_name="+")
    muted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "article", "user"], name="one_article_follow_per_user"
            )
        ]


class DiscussionFollow(models.Model):
    """A member's choice about one discussion: followed, or muted. Its author and
    everyone who commented in it follow it without a row, until they mute it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    discussion = models.ForeignKey(
        "discussions.Discussion", on_delete=models.CASCADE, related_name="+"
    )
    muted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["discussion", "user"], name="one_discussion_follow_per_user"
            )
        ]


class Activity(models.Model):
    """Something that happened that people may need to hear of, stored in the
    transaction of the change: one row whoever follows. Its notifications are
    written after the commit, in bulk, by the relay's pass (notifications.delivery),
    so a write costs the same however many people follow."""

    DISCUSSION_CREATED = "discussion_created"
    COMMENT_CREATED = "comment_created"
    MEMBERSHIP = "membership"  # `text` names the change: one person hears of it

    kind = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    discussion = models.ForeignKey(
        "discussions.Discussion", on_delete=models.CASCADE, null=True, related_name="+"
    )
    comment = models.ForeignKey(
        "discussions.Comment", on_delete=models.CASCADE, null=True, related_name="+"
    )
    # A membership change: whose, which (a Notification kind), and the role it gave.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    membership_kind = models.CharField(max_length=20, blank=True, default="")
    role = models.CharField(max_length=10, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(delivered_at__isnull=True),
                name="activity_pending",
            )
        ]


def _named_in_every_line(to: str, on_delete=models.CASCADE, db_index: bool = False, **options):
    """A row every line of one change names: not checked by the database, and indexed only
    where a query reads it.

    The lines of one change are written thousands at a time (notifications.delivery), and
    they all name the same comment, discussion, article, community and actor, rows that
    exist when the relay writes the lines and are never deleted (posts and communities
    are deleted softly). Checking that one comment exists 5,000 times, at the commit
    (Django's constraints are deferred), was the larger half of delivering a comment to
    5,000 followers. Django's own CASCADE and SET_NULL still act on these columns.
    """
    return models.ForeignKey(
        to,
        on_delete=on_delete,
        related_name="+",
        db_constraint=False,
        db_index=db_index,
        **options,
    )


class Notification(models.Model):
    """One line of a person's inbox.

    Comments on a followed discussion are gathered: while one such line is unread,
    the next comment replaces it with a line counting both ("5 new comments in
    …"), under a new id, so the newest lines always have the highest ids.
    """

    REPLY = "reply"
    MENTION = "mention"
    DISCUSSION = "discussion"  # a new discussion on an article I follow
    COMMENTS = "comments"  # new comments on a discussion I follow, gathered
    JOIN_APPROVED = "join_approved"
    JOIN_REJECTED = "join_rejected"
    ADDED = "added"
    ROLE_CHANGED = "role_changed"
    REMOVED = "removed"
    # About the reader's own membership: shown whatever their membership is now, and
    # saying nothing but the community's name, which anyone may see.
    MEMBERSHIP_KINDS = (JOIN_APPROVED, JOIN_REJECTED, ADDED, ROLE_CHANGED, REMOVED)
    KINDS = (REPLY, MENTION, DISCUSSION, COMMENTS, *MEMBERSHIP_KINDS)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )  # checked; indexed by the inbox's own indexes (below)
    kind = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True)
    actor = _named_in_every_line(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    community = _named_in_every_line("communities.Community")
    article = _named_in_every_line("discussions.Article", null=True)
    # Indexed: delivering a comment reads the discussion's unread gathered lines.
    discussion = _named_in_every_line("discussions.Discussion", null=True, db_index=True)
    comment = _named_in_every_line("discussions.Comment", null=True)
    count = models.PositiveIntegerField(default=1)  # comments gathered in this line
    text = models.CharField(max_length=500)
    # Not stored: while delivering, the unread line of gathered comments this one takes
    # the place of (notifications.delivery).
    replaces: int | None = None

    class Meta:
        indexes = [
            models.Index(fields=["user", "-id"], name="inbox_newest_first"),
            models.Index(
                fields=["user", "-id"],
                condition=models.Q(read_at__isnull=True),
                name="inbox_unread",
            ),
        ]


# The groups of kinds a person chooses how to hear of (NotificationPreferences.kinds).
KIND_GROUPS = {
    "replies": (Notification.REPLY,),
    "mentions": (Notification.MENTION,),
    "discussions": (Notification.DISCUSSION,),
    "comments": (Notification.COMMENTS,),
    "membership": Notification.MEMBERSHIP_KINDS,
}
GROUP_OF_KIND = {kind: group for group, kinds in KIND_GROUPS.items() for kind in kinds}
