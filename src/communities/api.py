from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from ninja import Query, Router, Status

from accounts.auth import current_user, jwt_auth, optional_jwt
from accounts.models import User
from discussions import activity
from toolkit.errors import ApiError, not_found
from toolkit.paging import Window
from toolkit.rate_limits import Limit, limit_writes
from toolkit.types import ObjectId

from . import access, invites, services
from .models import Community, Invite, JoinRequest, Membership
from .schemas import (
    AddMemberIn,
    CommunityIn,
    CommunityOut,
    CommunityPatchIn,
    InviteIn,
    InviteOut,
    InvitePreviewOut,
    InviteTokenIn,
    JoinOut,
    JoinRequestOut,
    MemberOut,
    MemberQuery,
    NewInviteOut,
    RoleIn,
)

router = Router(tags=["communities"])
router.add_decorator(limit_writes)

# Communities are listed to everyone: creating them has a limit of its own.
COMMUNITIES_PER_USER = Limit("communities_per_user", "Too many new communities in a short time")


def _with_viewer_fields(queryset, user):
    """member_count, admin_count, my_role, join_requested and unread_count in the same
    query."""
    queryset = queryset.annotate(
        member_count=Count("memberships", distinct=True),
        admin_count=Count(
            "memberships", filter=Q(memberships__role=Membership.ADMIN), distinct=True
        ),
    )
    if user is None:
        return queryset.annotate(
            my_role=Value(None, output_field=CharField()),
            join_requested=Value(False, output_field=BooleanField()),
            unread_count=activity.NOT_A_MEMBER,
        )
    return queryset.annotate(
        my_role=Subquery(
            Membership.objects.filter(community=OuterRef("pk"), user=user).values("role")[:1]
        ),
        join_requested=Exists(
            JoinRequest.objects.filter(
                community=OuterRef("pk"), user=user, status=JoinRequest.PENDING
            )
        ),
        unread_count=activity.community_unread_count(user, member=Q(my_role__isnull=False)),
    )


def get_community(community_id: int) -> Community:
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise not_found("Community")
    return community


def _community_out(community_id: int, user):
    return _with_viewer_fields(Community.objects.filter(pk=community_id), user).get()


def _user_named(username: str) -> User:
    """The user with that username, in any case. Never by e-mail: anyone may create a
    community, and adding by address would tell them whose account an address is."""
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise ApiError(404, "No user has that username")
    return user


def _user(user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise not_found("User")
    return user


@router.get("", response=list[CommunityOut], auth=optional_jwt)
def list_communities(request, window: Query[Window], mine: bool | None = None):
    """Communities by name (a private one shows non-members only its name, and its
    description when its admins chose to show it): all of them, only the caller's
    (`mine=true`), or those the caller is not in (`mine=false`)."""
    user = current_user(request)
    queryset = _with_viewer_fields(Community.objects.all(), user)
    if mine and user is None:
        raise ApiError(401, "Authentication required")
    if mine:
        queryset = queryset.filter(memberships__user=user)
    elif mine is False and user is not None:
        queryset = queryset.exclude(memberships__user=user)
    return window.of(queryset.order_by("name", "id"))


@router.post("", response={201: CommunityOut}, auth=jwt_auth)
def create_community(request, payload: CommunityIn):
    COMMUNITIES_PER_USER.hit(f"user:{request.auth.id}")
    community = services.create_community(
        request.auth,
        payload.name,
        payload.description,
        payload.type,
        payload.slug,
        payload.show_description,
    )
    return Status(201, _community_out(community.id, request.auth))


@router.get("/by-slug/{slug}", response=CommunityOut, auth=optional_jwt)
def get_community_by_slug(request, slug: str):
    # A NUL character cannot reach PostgreSQL; no slug holds one anyway.
    community = None if "\x00" in slug else Community.objects.filter(slug=slug[:120]).first()
    if community is None:
        raise not_found("Community")
    return _community_out(community.id, current_user(request))


# Invite links are declared before /{community_id}, which would otherwise take "invites".
# The token goes in the body, never the URL, so no access log holds it.
@router.post("/invites/preview", response=InvitePreviewOut, auth=optional_jwt)
def preview_invite(request, payload: InviteTokenIn):
    """The community an invite link leads to, as its card shows it to the caller."""
    invite = invites.find(payload.token)
    community = _community_out(invite.community_id, current_user(request))
    return {"community": community, "expires_at": invite.expires_at}


@router.post("/invites/accept", response=CommunityOut, auth=jwt_auth)
def accept_invite(request, payload: InviteTokenIn):
    """Join the community of a usable invite link (410 when expired, revoked or used up)."""
    community = invites.accept(payload.token, request.auth)
    return _community_out(community.id, request.auth)


@router.get("/{community_id}", response=CommunityOut, auth=optional_jwt)
def get_community_detail(request, community_id: ObjectId):
    return _community_out(get_community(community_id).id, current_user(request))


@router.patch("/{community_id}", response=CommunityOut, auth=jwt_auth)
def update_community(request, community_id: ObjectId, payload: CommunityPatchIn):
    community = get_community(community_id)
    access.require_admin(request.auth, community)
    changes = payload.dict(exclude_unset=True)
    if changes:
        services.update_community(community, request.auth, changes)
    return _community_out(community.id, request.auth)


@router.post("/{community_id}/join", response={200: JoinOut, 202: JoinOut}, auth=jwt_auth)
def join_community(request, community_id: ObjectId):
    outcome, role = services.join(get_community(community_id), request.auth)
    return Status(202 if outcome == "requested" else 200, {"status": outcome, "role": role})


@router.post("/{community_id}/leave", response={204: None}, auth=jwt_auth)
def leave_community(request, community_id: ObjectId):
    services.remove_member(get_community(community_id), request.auth)
    return Status(204, None)


@router.get("/{community_id}/members", response=list[MemberOut], auth=optional_jwt)
def list_members(request, community_id: ObjectId, window: Query[MemberQuery]):
    community = get_community(community_id)
    access.require_contents_access(current_user(request), community)
    members = community.memberships.select_related("user").order_by("joined_at", "id")
    if window.q:
        members = members.filter(user__username__istartswith=window.q)
    return window.of(members)


@router.post("/{community_id}/members", response={201: MemberOut}, auth=jwt_auth)
def add_member(request, community_id: ObjectId, payload: AddMemberIn):
    community = get_community(community_id)
    access.require_admin(request.auth, community)
    user = _user_named(payload.username)
    return Status(201, services.add_member(community, user, payload.role, by=request.auth))


@router.patch("/{community_id}/members/{user_id}", response=MemberOut, auth=jwt_auth)
def change_role(request, community_id: ObjectId, user_id: ObjectId, payload: RoleIn):
    community = get_community(community_id)
    access.require_admin(request.auth, community)
    return services.set_role(community, _user(user_id), payload.role, by=request.auth)


@router.delete("/{community_id}/members/{user_id}", response={204: None}, auth=jwt_auth)
def remove_member(request, community_id: ObjectId, user_id: ObjectId):
    community = get_community(community_id)
    if user_id != request.auth.id:
        access.require_admin(request.auth, community)
    services.remove_member(community, _user(user_id), by=request.auth)
    return Status(204, None)


@router.get("/{community_id}/requests", response=list[JoinRequestOut], auth=jwt_auth)
def list_join_requests(request, community_id: ObjectId, window: Query[Window]):
    """Pending requests, oldest first."""
    community = get_community(community_id)
    access.require_admin(request.auth, community)
    return window.of(
        community.join_requests.filter(status=JoinRequest.PENDING)
        .select_related("user")
        .order_by("created_at", "id")
    )


def _join_request(community: Community, request_id: ObjectId) -> JoinRequest:
    join_request = (
        JoinRequest.objects.select_related("user", "community")
        .filter(pk=request_id, community=community)
        .first()
    )
    if join_request is None:
        raise not_found("Join request")
    return join_request


@router.post("/{community_id}/requests/{request_id}/approve", response={204: None}, auth=jwt_auth)
def approve_join_request(request, community_id: ObjectId, request_id: ObjectId):
    community = get_community(community_id)
    access.require_admin(request.auth, community)
    services.decide_request(_join_request(community, request_id), approve=True, by=request.auth)
    return Status(204, None)


@router.post("/{community_id}/requests/{request_id}/reject", response={204: None}, auth=jwt_auth)
def reject_join_request(request, community_id: ObjectId, request_id: ObjectId):
    community = get_community(community_id)
    access.require_admin(request.auth, community)
    services.decide_request(_join_request(community, request_id), approve=False, by=request.auth)
    return Status(204, None)


@router.get("/{community_id}/invites", response=list[InviteOut], auth=jwt_auth)
def list_invites(request, community_id: ObjectId, window: Query[Window]):
    """The invite links that still work, newest first."""
    community = get_community(community_id)
    access.require_admin(request.auth, community)
    return window.of(invites.active(community))


@router.post("/{community_id}/invites", response={201: NewInviteOut}, auth=jwt_auth)
def create_invite(request, community_id: ObjectId, payload: InviteIn):
    community = get_community(community_id)
    access.require_admin(request.auth, community)
    invite, token = invites.create(
        community, request.auth, payload.expires_in_hours, payload.max_uses
    )
    return Status(201, {**InviteOut.from_orm(invite).dict(), "token": token})


@router.delete("/{community_id}/invites/{invite_id}", response={204: None}, auth=jwt_auth)
def revoke_invite(request, community_id: ObjectId, invite_id: ObjectId):
    community = get_community(community_id)
    access.require_admin(request.auth, community)
    invite = Invite.objects.filter(pk=invite_id, community=community).first()
    if invite is None:
        raise not_found("Invite link")
    invites.revoke(invite, request.auth)
    return Status(204, None)
