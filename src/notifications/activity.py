"""What the apps record as it happens, in the writer's transaction: one Activity row
per change, whoever follows. Who hears of it is worked out after the commit
(notifications.delivery), so the cost of a write never grows with its audience. The
relay is woken once the row is committed, so it tells them at once."""

from django.db import transaction

from realtime import relay

from .models import Activity, Notification


def _record(**fields) -> None:
    Activity.objects.create(**fields)
    transaction.on_commit(relay.wake_after_commit)


def discussion_started(discussion) -> None:
    _record(
        kind=Activity.DISCUSSION_CREATED,
        actor_id=discussion.author_id,
        community_id=discussion.community_id,
        discussion=discussion,
    )


def comment_written(comment, discussion) -> None:
    _record(
        kind=Activity.COMMENT_CREATED,
        actor_id=comment.author_id,
        community_id=discussion.community_id,
        discussion=discussion,
        comment=comment,
    )


def membership_changed(community, person, kind: str, actor=None, role: str = "") -> None:
    """`person` is told of a change of their membership (`kind`, a Notification kind)."""
    assert kind in Notification.MEMBERSHIP_KINDS, kind
    _record(
        kind=Activity.MEMBERSHIP,
        actor=actor,
        community=community,
        subject=person,
        membership_kind=kind,
        role=role,
    )
