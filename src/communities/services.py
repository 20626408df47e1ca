"""Membership changes. Each runs in one transaction and, for private
communities, records a membership event so poll servers start or stop
delivering that community's events to the user, and tells the admins' open
pages when the pending requests to join changed."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from notifications import activity
from notifications.models import Notification
from realtime import connection, events
from toolkit.errors import ApiError
from toolkit.log_lines import log_event

from . import access
from .models import Community, JoinRequest, Membership


def _membership_changed(community: Community, user, is_member: bool) -> None:
    access.forget_roles(user)
    if community.is_private:
        events.record_membership(user.id, community.id, is_member)
        _member_count_changed(community)
    log_event(
        "member_added" if is_member else "member_removed",
        community_id=community.id,
        user_id=user.id,
    )


def _member_count_changed(community: Community) -> None:
    """Once committed, the members' open pages learn the new count. A nudge, like the
    join-request signal: lost while Redis is away, right again at the next load. Public
    communities' memberships are not followed by the poll servers, so only private ones."""

    def publish() -> None:
        try:
            connection.signals().members(community.id, community.memberships.count())
        except connection.REDIS_ERRORS:
            log_event(
                "signal_not_published", logging.WARNING, type="members", community_id=community.id
            )

    transaction.on_commit(publish)


def _join_requests_changed(community: Community) -> None:
    """Signal the admins once the change is committed, so their pages fetch the list.

    A signal is a nudge, not a record: if Redis is away it is lost, and the
    admins' pages catch up on their next periodic refresh.
    """

    def publish() -> None:
        admin_ids = list(
            community.memberships.filter(role=Membership.ADMIN).values_list("user_id", flat=True)
        )
        pending = community.join_requests.filter(status=JoinRequest.PENDING).count()
        try:
            connection.signals().join_requests(community.id, admin_ids, pending)
        except connection.REDIS_ERRORS:
            log_event(
                "signal_not_published",
                logging.WARNING,
                type="join_requests",
                community_id=community.id,
            )

    transaction.on_commit(publish)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "community"
    slug, n = base, 1
    while Community.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_community(
    creator,
    name: str,
    description: str,
    type_: str,
    slug: str | None,
    show_description: bool = False,
):
    if slug and Community.objects.filter(slug=slug).exists():
        raise ApiError(409, "That slug is taken")
    try:
        with transaction.atomic():
            community = Community.objects.create(
                name=name,
                slug=slug or _unique_slug(name),
                description=description,
                show_description=show_description,
                type=type_,
                created_by=creator,
            )
    except IntegrityError as exc:
        raise ApiError(409, "That slug is taken") from exc
    Membership.objects.create(community=community, user=creator, role=Membership.ADMIN)
    _membership_changed(community, creator, True)
    log_event(
        "community_created", community_id=community.id, user_id=creator.id, type=community.type
    )
    return community


def update_community(community: Community, admin, changes: dict) -> None:
    """Change name, description or show_description (the slug stays: links keep working)."""
    for field, value in changes.items():
        setattr(community, field, value)
    community.save(update_fields=list(changes))
    log_event(
        "community_updated",
        community_id=community.id,
        user_id=admin.id,
        fields=",".join(sorted(changes)),
    )


@transaction.atomic
def join(community: Community, user) -> tuple[str, str | None]:
    """Public: join at once. Private: file a request for an admin to decide."""
    _take_turn(community)
    access.forget_roles(user)  # read again, now that no other change can come in between
    if access.role_of(user, community) is not None:
        raise ApiError(409, "You are already a member")
    if community.is_private:
        if JoinRequest.objects.filter(
            community=community, user=user, status=JoinRequest.PENDING
        ).exists():
            raise ApiError(409, "Your request to join is already pending")
        join_request = JoinRequest.objects.create(community=community, user=user)
        _join_requests_changed(community)
        log_event(
            "join_requested", community_id=community.id, user_id=user.id, request_id=join_request.id
        )
        return "requested", None
    add_member(community, user, Membership.MEMBER)
    return "joined", Membership.MEMBER


@transaction.atomic
def add_member(community: Community, user, role: str, by=None) -> Membership:
    """`by`: the admin who added them, who is told so; None when they joined themselves."""
    _take_turn(community, admin=by if by != user else None)
    access.forget_roles(user)
    if access.role_of(user, community) is not None:
        raise ApiError(409, "That user is already a member")
    membership = Membership.objects.create(community=community, user=user, role=role)
    if JoinRequest.objects.filter(
        community=community, user=user, status=JoinRequest.PENDING
    ).update(status=JoinRequest.APPROVED, decided_at=timezone.now()):
        _join_requests_changed(community)
    _membership_changed(community, user, True)
    if by is not None and by != user:
        activity.membership_changed(community, user, Notification.ADDED, actor=by, role=role)
    return membership


@transaction.atomic
def decide_request(request_obj: JoinRequest, approve: bool, by=None) -> None:
    _take_turn(request_obj.community, admin=by)
    request_obj.refresh_from_db(fields=["status"])
    if request_obj.status != JoinRequest.PENDING:
        raise ApiError(409, "That request was already decided")
    activity.membership_changed(
        request_obj.community,
        request_obj.user,
        Notification.JOIN_APPROVED if approve else Notification.JOIN_REJECTED,
        actor=by,
    )
    if approve:
        add_member(request_obj.community, request_obj.user, Membership.MEMBER)
    else:
        request_obj.status = JoinRequest.REJECTED
        request_obj.decided_at = timezone.now()
        request_obj.save(update_fields=["status", "decided_at"])
        _join_requests_changed(request_obj.community)
        log_event(
            "join_rejected",
            community_id=request_obj.community_id,
            user_id=request_obj.user_id,
            request_id=request_obj.id,
        )


def _take_turn(community: Community, admin=None) -> None:
    """Make membership changes in one community take turns, for this transaction.

    What they check (the last admin stays, a request is decided once, nobody joins
    twice) then holds when two admins act at the same moment. The community's row is
    locked FOR NO KEY UPDATE, which lets posts that refer to it be written meanwhile.
    `admin`: who acts as admin, checked again now: one demoted or removed a moment ago,
    after the view's own check, must not act on the strength of it.
    """
    list(Community.objects.select_for_update(no_key=True).filter(pk=community.pk).values("pk"))
    if admin is not None:
        access.forget_roles(admin)  # read again, under the lock
        access.require_admin(admin, community)


def _admins(community: Community):
    return Membership.objects.filter(community=community, role=Membership.ADMIN)


@transaction.atomic
def set_role(community: Community, user, role: str, by=None) -> Membership:
    _take_turn(community, admin=by)
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is None:
        raise ApiError(404, "Member not found")
    if (
        membership.role == Membership.ADMIN
        and role != Membership.ADMIN
        and _admins(community).count() == 1
    ):
        raise ApiError(409, "A community needs at least one admin")
    if by is not None and by != user and membership.role != role:
        activity.membership_changed(community, user, Notification.ROLE_CHANGED, actor=by, role=role)
    membership.role = role
    membership.save(update_fields=["role"])
    access.forget_roles(user)
    log_event("role_changed", community_id=community.id, user_id=user.id, role=role)
    return membership


@transaction.atomic
def remove_member(community: Community, user, by=None) -> None:
    """`by`: the admin who removed them, who is told so; None when they left."""
    _take_turn(community, admin=by if by != user else None)
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is None:
        raise ApiError(404, "Member not found")
    if membership.role == Membership.ADMIN and _admins(community).count() == 1:
        raise ApiError(409, "The last admin cannot leave; make someone else admin first")
    membership.delete()
    _membership_changed(community, user, False)
    if by is not None and by != user:
        activity.membership_changed(community, user, Notification.REMOVED, actor=by)
