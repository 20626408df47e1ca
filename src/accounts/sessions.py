"""Logins as refresh-token families: start one, exchange its refresh token, once,
for new tokens (a second use of any refresh token revokes its whole family), and
end one or all of a user's. Access tokens name their family too, and are honoured
only while it lives (accounts.auth), so an ended login's access tokens stop at once."""

import logging
import os
import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from realtime import connection
from realtime_core import tokens
from realtime_core.signals import LOGINS_ENDED
from toolkit.log_lines import log_event

from .auth import failure_reason, family_of
from .models import User
from .refresh_families import RefreshTokenFamily


class RefreshRefused(Exception):
    """The refresh token cannot be exchanged. `reason` is one word for the log."""

    def __init__(self, message: str, reason: str, user_id: int | None = None):
        super().__init__(message)
        self.reason = reason
        self.user_id = user_id


def _issue(user: User, family: RefreshTokenFamily) -> dict:
    return {
        "access": tokens.issue(user.id, tokens.ACCESS, fam=str(family.id)),
        "refresh": tokens.issue(
            user.id, tokens.REFRESH, fam=str(family.id), jti=family.current_jti
        ),
        "user": user,
    }


def browser_of(request) -> str:
    """The browser or client a request comes from, as a login records it."""
    return request.headers.get("User-Agent", "")


def _unusable_before():
    """A family nobody refreshed since then can never be used again: its last refresh
    token has expired."""
    return timezone.now() - timedelta(seconds=tokens.lifetimes()[tokens.REFRESH])


def live_logins(user: User):
    """The user's logins that may still be used: not ended, and not expired."""
    return RefreshTokenFamily.objects.filter(
        user=user, revoked_at__isnull=True, rotated_at__gte=_unusable_before()
    )


def start(user: User, user_agent: str = "") -> dict:
    """A new login (from the browser or client `user_agent` names): its family, and its
    first access and refresh tokens."""
    # Forget the user's logins that can never be used again, so the table holds live
    # logins only.
    RefreshTokenFamily.objects.filter(user=user, rotated_at__lt=_unusable_before()).delete()
    user_agent = user_agent[: RefreshTokenFamily._meta.get_field("user_agent").max_length]
    family = RefreshTokenFamily.objects.create(
        id=uuid.uuid4(), user=user, user_agent=user_agent, current_jti=uuid.uuid4().hex
    )
    return _issue(user, family)


def reuse_grace() -> float:
    """Seconds during which the refresh token just replaced still gets the current one.

    Browser tabs share one stored session but may read it a moment late (Chromium
    hands localStorage to other tabs asynchronously), and an answer can be lost on
    the way back: without this, either would look like theft and log the user out.
    A copy used later than this, or any older token, still revokes the family.
    """
    return float(os.environ.get("JWT_REFRESH_REUSE_GRACE", 10))


def _within_reuse_grace(family: RefreshTokenFamily) -> bool:
    return timezone.now() - family.rotated_at <= timedelta(seconds=reuse_grace())


def refresh_claims(refresh_token: str) -> tuple[dict, int, uuid.UUID]:
    """A refresh token's claims, user id and family; RefreshRefused if it is not one."""
    try:
        claims = tokens.decode(refresh_token, tokens.REFRESH)
        user_id = tokens.subject(claims)
    except tokens.InvalidToken as exc:
        raise RefreshRefused(str(exc), failure_reason(exc)) from exc
    try:
        return claims, user_id, family_of(claims)
    except tokens.InvalidToken as exc:  # signed by us, but not by a login of this kind
        raise RefreshRefused("Invalid token", "no_family") from exc


def rotate(refresh_token: str) -> dict:
    """New tokens for the current refresh token of a live family, which it replaces.

    Raises RefreshRefused for an expired, forged or revoked token, and for one
    already used (past the reuse grace), after revoking its family.
    """
    claims, user_id, family_id = refresh_claims(refresh_token)
    try:
        jti = str(claims["jti"])
    except KeyError as exc:  # signed by us, but not by a login of this kind
        raise RefreshRefused("Invalid token", "no_family") from exc

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise RefreshRefused("Invalid token", "inactive_user", user_id)
    with transaction.atomic():
        family = (
            RefreshTokenFamily.objects.select_for_update().filter(pk=family_id, user=user).first()
        )
        if family is None:
            refused = RefreshRefused("Invalid token", "unknown_family", user_id)
        elif family.revoked_at is not None:
            refused = RefreshRefused("Refresh token revoked", "revoked", user_id)
        elif family.previous_jti == jti and _within_reuse_grace(family):
            # Two tabs refreshing at once, or a retry after a lost answer: the
            # current token again, not a new one, so no holder is left behind.
            return _issue(user, family)
        elif family.current_jti != jti:
            family.revoked_at = timezone.now()
            family.save(update_fields=["revoked_at"])
            refused = RefreshRefused(
                "Refresh token already used; log in again", "reused_family_revoked", user_id
            )
        else:
            family.previous_jti, family.current_jti = family.current_jti, uuid.uuid4().hex
            family.save(update_fields=["previous_jti", "current_jti", "rotated_at"])
            return _issue(user, family)
    # Raised after the transaction, so the revocation of a reused family is kept.
    raise refused


def is_live(user_id: int, family_id: uuid.UUID) -> bool:
    return RefreshTokenFamily.objects.filter(
        pk=family_id, user_id=user_id, revoked_at__isnull=True
    ).exists()


def end(user_id: int, family_id: uuid.UUID) -> None:
    """Ends one login: its refresh and access tokens are refused from now on."""
    if RefreshTokenFamily.objects.filter(
        pk=family_id, user_id=user_id, revoked_at__isnull=True
    ).update(revoked_at=timezone.now()):
        # Queues first: poll servers look them up again when the pages' signal comes.
        _end_queues(user_id, lambda registry: registry.end_login(user_id, str(family_id)))
        _tell_open_pages(user_id)


def end_all(user_id: int) -> int:
    """Ends every login of the user; how many there were."""
    ended = RefreshTokenFamily.objects.filter(user_id=user_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if ended:
        _end_queues(user_id, lambda registry: registry.end_all(user_id))
        _tell_open_pages(user_id)
    return ended


def _end_queues(user_id: int, end) -> None:
    """Once committed, the realtime queues of the ended logins end too: a queue id is a
    capability, and one copied from a page must not outlive the login that made it.
    Registered before the pages' signal (`_tell_open_pages`), so it runs first: poll
    servers, on that signal, answer the user's waiting polls and look each queue up
    again."""

    def delete() -> None:
        try:
            end(connection.queue_registry())
        except connection.REDIS_ERRORS:
            log_event("queues_not_ended", logging.WARNING, user_id=user_id)

    transaction.on_commit(delete)


def _tell_open_pages(user_id: int) -> None:
    """Once committed, the person's open pages check their login, and those whose login
    ended say so at once instead of at their next request. A nudge: without Redis they
    learn it at that request, as before."""

    def publish() -> None:
        try:
            connection.signals().personal(LOGINS_ENDED, [user_id], {})
        except connection.REDIS_ERRORS:
            log_event("signal_not_published", logging.WARNING, type=LOGINS_ENDED, user_id=user_id)

    transaction.on_commit(publish)


@receiver(pre_save, sender=User, dispatch_uid="logins_end_on_password_change")
def logins_end_on_password_change(sender, instance: User, raw: bool, **kwargs) -> None:
    """A new password ends every login, wherever it was set (the API, a reset, the admin).

    `_password` holds the raw password from set_password() until the save: it is None
    when check_password() only re-hashes the same password in a newer algorithm.
    """
    if raw or instance.pk is None or getattr(instance, "_password", None) is None:
        return
    ended = end_all(instance.pk)
    if ended:
        log_event("logins_ended", user_id=instance.pk, reason="password_changed", logins=ended)
