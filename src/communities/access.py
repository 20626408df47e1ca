"""Who may see and do what in a community: the one place these rules live.

Every read and write of community contents (articles, discussions, comments)
goes through `require_contents_access`, so a private community's contents are
for members only, whichever endpoint is asked.

A private community's card shows non-members its name, always (they need it to
ask to join or to accept an invite), and its description only when the admins
chose to show it; never its member count, members, articles or discussions.
"""

from django.db.models import Q

from toolkit.errors import ApiError

from .models import Community, Membership

MANAGERS = (Membership.ADMIN, Membership.MODERATOR)


def role_of(user, community: Community) -> str | None:
    if user is None:
        return None
    cache = getattr(user, "_community_roles", None)
    if cache is None:
        cache = user._community_roles = {}
    if community.pk not in cache:
        cache[community.pk] = (
            Membership.objects.filter(community=community, user=user)
            .values_list("role", flat=True)
            .first()
        )
    return cache[community.pk]


def forget_roles(user) -> None:
    """Drop the per-request role cache after a membership change."""
    if user is not None and hasattr(user, "_community_roles"):
        del user._community_roles


def can_read_contents(user, community: Community) -> bool:
    return not community.is_private or role_of(user, community) is not None


def readable_communities(user):
    """The communities whose contents the user may read: every public one, and the
    private ones they are a member of (a subquery, so it joins no membership rows
    and lists each community once)."""
    readable = Q(type=Community.PUBLIC)
    if user is not None:
        readable |= Q(pk__in=Membership.objects.filter(user=user).values("community_id"))
    return Community.objects.filter(readable)


def sees_inside(community: Community, role: str | None) -> bool:
    """Whether someone with `role` (None: not a member) sees past a private community's name."""
    return not community.is_private or role is not None


def card_description(community: Community, role: str | None) -> str:
    if sees_inside(community, role) or community.show_description:
        return community.description
    return ""


def require_contents_access(user, community: Community, write: bool = False) -> None:
    """Raise unless the user may read (or, with write, post to) the community's contents.

    Public communities: anyone reads, any signed-in user posts.
    Private communities: members only, for both.
    """
    if write and user is None:
        raise ApiError(401, "Authentication required")
    if not community.is_private:
        return
    if user is None:
        raise ApiError(401, "Authentication required")
    if role_of(user, community) is None:
        raise ApiError(403, "Only members of this private community can do that")


def is_manager(user, community: Community) -> bool:
    """Admins and moderators may remove others' discussions and comments."""
    return role_of(user, community) in MANAGERS


def is_admin(user, community: Community) -> bool:
    return role_of(user, community) == Membership.ADMIN


def require_admin(user, community: Community) -> None:
    if not is_admin(user, community):
        raise ApiError(403, "Only the community's admins can do that")
