from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in; email is unique so it can be used to log in."""

    email = models.EmailField(unique=True)


# Django finds an app's models through its models module.
from .refresh_families import RefreshTokenFamily  # noqa: E402,F401
