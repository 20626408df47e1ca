"""The server-side state of refresh tokens: one row per login (a "family").

Access tokens stay stateless. A refresh token names its family and carries its own
id (jti); only the family's current jti may be exchanged, once, for new tokens.
Presenting any other token of the family means one was copied (the holder and a
thief both have it), so the whole family is revoked and both must log in again;
only the token just replaced gets a few seconds' grace (see sessions.rotate).
"""

from django.conf import settings
from django.db import models


class RefreshTokenFamily(models.Model):
    id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="refresh_token_families"
    )
    current_jti = models.CharField(max_length=32)  # the one refresh token that may be used next
    # The one it replaced: for a few seconds it still gets the current one (sessions.rotate).
    previous_jti = models.CharField(max_length=32, blank=True, default="")
    # The browser or client that logged in (its User-Agent, cut to fit), so the person
    # can tell their logins apart on the settings page.
    user_agent = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(auto_now=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "rotated_at"])]

    def __str__(self) -> str:
        return f"refresh token family of user {self.user_id}"
