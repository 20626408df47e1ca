import uuid

from django.db import models


class OutboxEvent(models.Model):
    """An event stored in the transaction of the change it describes.

    The relay appends it to the Redis log after commit and records the
    event_id it received; `idempotency_key` makes a retried append a no-op.
    """

    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    meta = models.TextField()
    body = models.TextField(blank=True)
    # Set for membership events: the publish script updates the user's set too.
    member_user_id = models.BigIntegerField(null=True)
    member_community_id = models.BigIntegerField(null=True)
    is_member = models.BooleanField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True)
    event_id = models.BigIntegerField(null=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(published_at__isnull=True),
                name="outbox_pending",
            )
        ]
