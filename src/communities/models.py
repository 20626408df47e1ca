from django.conf import settings
from django.db import models


class Community(models.Model):
    PUBLIC = "public"
    PRIVATE = "private"
    TYPES = [(PUBLIC, "Public"), (PRIVATE, "Private")]

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True, max_length=5000)
    type = models.CharField(max_length=10, choices=TYPES, default=PUBLIC)
    # A private community's description is for members unless its admins show it
    # to everyone (it may say what the group works on before it is announced).
    show_description = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    @property
    def is_private(self) -> bool:
        return self.type == self.PRIVATE

    def __str__(self):
        return self.slug


class Membership(models.Model):
    ADMIN = "admin"
    MODERATOR = "moderator"
    MEMBER = "member"
    ROLES = [(ADMIN, "Admin"), (MODERATOR, "Moderator"), (MEMBER, "Member")]

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=ROLES, default=MEMBER)
    # What a member has not read starts here for an article they never opened:
    # leaving deletes the row, so joining again starts it afresh.
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="one_membership_per_user")
        ]


class JoinRequest(models.Model):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    STATUSES = [(PENDING, "Pending"), (APPROVED, "Approved"), (REJECTED, "Rejected")]

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_user",
            )
        ]


class Invite(models.Model):
    """A link that lets whoever holds it join, until it expires, is revoked or used up.

    Only the SHA-256 of the token is stored: the link is shown once, to the admin
    who made it, and the database alone cannot be turned into working links.
    """

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invites")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    max_uses = models.PositiveIntegerField(null=True)  # null: any number until it expires
    uses = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class CommunityVisit(models.Model):
    """When a user last opened a community's page: the page sums up what was
    written since the visit before (the article's own visits are ArticleVisit)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "community"], name="one_visit_per_user_community"
            )
        ]
