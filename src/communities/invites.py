"""Invite links: created and revoked by admins, accepted by any signed-in user who holds one.

The token travels only in request bodies and in the page URL's fragment, which
browsers never send to a server, so no access log or Referer header carries it;
it is stored as a SHA-256 hash and never written to a log line.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from toolkit.errors import ApiError, not_found
from toolkit.log_lines import log_event

from . import access, services
from .models import Community, Invite, Membership

TOKEN_BYTES = 32  # 256 random bits: not guessable, whatever the number of tries


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active(community: Community):
    """The invites of the community that still let someone join, newest first."""
    return community.invites.filter(
        Q(max_uses=None) | Q(uses__lt=F("max_uses")),
        revoked_at=None,
        expires_at__gt=timezone.now(),
    ).select_related("created_by")


def create(
    community: Community, admin, expires_in_hours: int, max_uses: int | None
) -> tuple[Invite, str]:
    """A new invite and its token (the only time the token is known)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invite = Invite.objects.create(
        community=community,
        token_hash=_hash(token),
        created_by=admin,
        expires_at=timezone.now() + timedelta(hours=expires_in_hours),
        max_uses=max_uses,
    )
    log_event("invite_created", community_id=community.id, user_id=admin.id, invite_id=invite.id)
    return invite, token


@transaction.atomic
def revoke(invite: Invite, admin) -> None:
    invite = Invite.objects.select_for_update().get(pk=invite.pk)
    if invite.revoked_at is not None:
        raise ApiError(409, "That invite link was already revoked")
    invite.revoked_at = timezone.now()
    invite.save(update_fields=["revoked_at"])
    log_event(
        "invite_revoked", community_id=invite.community_id, user_id=admin.id, invite_id=invite.id
    )


def _usable(invite: Invite | None) -> Invite:
    """The invite, or the error that says why its link no longer works."""
    if invite is None:
        raise not_found("Invite link")
    if invite.revoked_at is not None:
        raise ApiError(410, "This invite link was revoked; ask an admin for a new one")
    if invite.expires_at <= timezone.now():
        raise ApiError(410, "This invite link has expired; ask an admin for a new one")
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        raise ApiError(410, "This invite link has been used up; ask an admin for a new one")
    return invite


def find(token: str) -> Invite:
    """The usable invite a token names (404 unknown, 410 no longer usable)."""
    return _usable(
        Invite.objects.select_related("community").filter(token_hash=_hash(token)).first()
    )


@transaction.atomic
def accept(token: str, user) -> Community:
    """Join the invite's community as a member, using up one use of the link."""
    invite = _usable(
        Invite.objects.select_for_update()
        .select_related("community")
        .filter(token_hash=_hash(token))
        .first()
    )
    if access.role_of(user, invite.community) is not None:
        raise ApiError(409, "You are already a member of this community")
    services.add_member(invite.community, user, Membership.MEMBER)
    Invite.objects.filter(pk=invite.pk).update(uses=F("uses") + 1)
    log_event(
        "invite_accepted", community_id=invite.community_id, user_id=user.id, invite_id=invite.id
    )
    return invite.community
