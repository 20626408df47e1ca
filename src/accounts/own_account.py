"""The caller's own account (`/api/auth/me`): reading it, and changing what a person
changes besides the password (accounts.api): the name shown beside their username,
and their e-mail address."""

import logging

from django.db import IntegrityError, transaction
from ninja import Router

from toolkit.errors import ApiError
from toolkit.log_lines import log_event
from toolkit.rate_limits import limit_writes

from . import throttling
from .auth import jwt_auth
from .models import User
from .schemas import MeOut, ProfileIn

router = Router(tags=["auth"], auth=jwt_auth)
router.add_decorator(limit_writes)


def _new_email(request, user: User, payload: ProfileIn) -> str | None:
    """The address to change to, once the current password confirms it is the account's
    holder asking (whoever holds the address can reset the password); None: no change."""
    email = payload.email.lower() if payload.email is not None else None
    if email is None or email == user.email.lower():
        return None
    if payload.current_password is None:
        raise ApiError(
            422,
            "Invalid input",
            errors=[
                {
                    "loc": ["body", "payload", "current_password"],
                    "msg": "Enter your current password to change your e-mail address",
                }
            ],
        )
    if not throttling.current_password_confirmed(request, user, payload.current_password):
        log_event("email_change_refused", logging.WARNING, user_id=user.id)
        raise ApiError(403, "The current password is wrong")
    # Only now: whether an address is taken is no answer for someone without the password.
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ApiError(409, "An account with that email already exists")
    return email


@router.get("/me", response=MeOut)
def me(request):
    return request.auth


@router.patch("/me", response=MeOut)
def update_me(request, payload: ProfileIn):
    """Changes the display name (empty: none) and the e-mail address (with the current
    password); what is left out stays as it is."""
    user = request.auth
    changed = []
    email = _new_email(request, user, payload)
    if email is not None:
        user.email = email
        changed.append("email")
    if payload.display_name is not None and payload.display_name != user.display_name:
        user.display_name = payload.display_name
        changed.append("display_name")
    if changed:
        try:
            with transaction.atomic():
                user.save(update_fields=changed)
        except IntegrityError as exc:  # lost a race for the same address
            raise ApiError(409, "An account with that email already exists") from exc
        log_event("profile_changed", user_id=user.id, fields=",".join(changed))
    return user
