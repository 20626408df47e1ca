from django.contrib.auth.models import AbstractUser
from django.db import models

from .usernames import look_alike_keys


class User(AbstractUser):
    """A person who signs in; email is unique so it can be used to log in."""

    email = models.EmailField(unique=True)
    # What pages show beside the username; empty: the username alone. Chosen on the
    # settings page; the username stays the identity mentions and profiles use.
    display_name = models.CharField(max_length=80, blank=True, default="")
    # Unique, so no name a reader could take for another's is ever stored, however the
    # user is made (sign-up, admin, shell): accounts.usernames. Kept by save().
    username_folded_key = models.CharField(max_length=1000, unique=True, editable=False)
    username_cased_key = models.CharField(max_length=1000, unique=True, editable=False)

    @classmethod
    def unsaved(cls, username: str, **fields) -> "User":
        """A user with its look-alike keys, for bulk_create, which skips save()."""
        folded, cased = look_alike_keys(username)
        return cls(
            username=username, username_folded_key=folded, username_cased_key=cased, **fields
        )

    def save(self, *args, **kwargs):
        self.username_folded_key, self.username_cased_key = look_alike_keys(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_folded_key", "username_cased_key"}
        super().save(*args, **kwargs)


# Django finds an app's models through its models module.
from .refresh_families import RefreshTokenFamily  # noqa: E402,F401
