"""What every new password must pass, however it is set (sign-up, change, reset)."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from toolkit.errors import ApiError

from .models import User


def check_strength(password: str, user: User) -> None:
    """422 naming every validator's objection (settings.AUTH_PASSWORD_VALIDATORS)."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ApiError(422, "Password is too weak", errors=list(exc.messages)) from exc
