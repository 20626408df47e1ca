"""A deactivated or deleted user's realtime access ends at once.

Every API route already refuses such a user, but queues they hold would go on
receiving events, each poll renewing them. So the change records a revocation
event (realtime.events.record_revocation) in the same transaction: the relay
deletes the user's queues and memberships in Redis, and poll servers answer
the user's waiting polls and forget their queues as they read it.

Hooked on the model's signals rather than on a service, because users are
deactivated and deleted through Django's own tools (admin, shell, management
commands). A bulk `QuerySet.update(is_active=False)` sends no signal: go
through `save()` or delete the users.
"""

from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver

from realtime import events

from .models import User


@receiver(pre_save, sender=User, dispatch_uid="revoke_on_deactivation")
def revoke_on_deactivation(sender, instance: User, raw: bool, **kwargs) -> None:
    # Recorded before the row is written: in a transaction both commit together;
    # in autocommit a failed save leaves a revoked but active user (who can register
    # again once the minute-long revocation mark is gone), never a deactivated user
    # still receiving events.
    if raw or instance.pk is None or instance.is_active:
        return
    if User.objects.filter(pk=instance.pk, is_active=True).exists():
        events.record_revocation(instance.pk)


@receiver(post_delete, sender=User, dispatch_uid="revoke_on_deletion")
def revoke_on_deletion(sender, instance: User, **kwargs) -> None:
    # Django deletes in a transaction of its own, so the event commits with the deletion;
    # the cascade removes the memberships without membership events of their own.
    events.record_revocation(instance.pk)
