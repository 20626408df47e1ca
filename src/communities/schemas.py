from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field, field_validator

from accounts.schemas import UserOut
from discussions.activity import UNREAD_COUNT
from toolkit.paging import Window
from toolkit.text_limits import Text

from . import access
from .models import Membership

CommunityName = Text(120, 240, min_chars=3)
Description = Text(5000, 10_000)
SHOW_DESCRIPTION = (
    "Private communities: show the description to non-members too "
    "(members always see it; public communities show it to everyone)."
)


class CommunityIn(Schema):
    name: CommunityName
    slug: str | None = Field(default=None, min_length=3, max_length=120, pattern=r"^[a-z0-9-]+$")
    description: Description = ""
    type: Literal["public", "private"] = "public"
    show_description: bool = Field(False, description=SHOW_DESCRIPTION)


class CommunityPatchIn(Schema):
    """The fields to change; the others stay as they are."""

    name: CommunityName | None = None
    description: Description | None = None
    show_description: bool | None = Field(None, description=SHOW_DESCRIPTION)

    @field_validator("name", "description", "show_description", mode="before")
    @classmethod
    def not_null(cls, value):
        # None stands for "left out"; a null sent on purpose is a mistake to name.
        if value is None:
            raise ValueError("May be left out, but not null")
        return value


class CommunityOut(Schema):
    id: int
    name: str
    slug: str
    description: str = Field(
        description="Empty for a non-member of a private community unless show_description"
    )
    show_description: bool
    type: str
    member_count: int | None = Field(description="Null for a non-member of a private community")
    my_role: str | None = Field(description="The caller's role, or null when not a member")
    can_leave: bool = Field(description="The caller is a member and not the community's only admin")
    join_requested: bool = Field(description="The caller has a pending request to join")
    unread_count: int | None = Field(description=UNREAD_COUNT)
    created_at: datetime

    @staticmethod
    def resolve_description(community) -> str:
        return access.card_description(community, community.my_role)

    @staticmethod
    def resolve_member_count(community) -> int | None:
        return community.member_count if access.sees_inside(community, community.my_role) else None

    @staticmethod
    def resolve_can_leave(community) -> bool:
        if community.my_role is None:
            return False
        return community.my_role != Membership.ADMIN or community.admin_count > 1


class JoinOut(Schema):
    status: Literal["joined", "requested"]
    role: str | None = None


class MemberOut(Schema):
    user: UserOut
    role: str
    joined_at: datetime


class MemberQuery(Window):
    q: str | None = Field(
        None,
        max_length=150,
        pattern=r"^[\w.@+-]*$",
        description="only members whose username starts so (any case): "
        "the composers' @mention suggestions",
    )


class AddMemberIn(Schema):
    username: Text(254, 320, min_chars=1, description="The username of the user to add")
    role: Literal["admin", "moderator", "member"] = "member"


class RoleIn(Schema):
    role: Literal["admin", "moderator", "member"]


class JoinRequestOut(Schema):
    id: int
    user: UserOut
    status: str
    created_at: datetime


class InviteIn(Schema):
    expires_in_hours: int = Field(168, ge=1, le=720, description="1 hour to 30 days")
    max_uses: int | None = Field(None, ge=1, le=1000, description="Null: no limit until it expires")


class InviteOut(Schema):
    id: int
    created_by: UserOut | None
    created_at: datetime
    expires_at: datetime
    max_uses: int | None
    uses: int


class NewInviteOut(InviteOut):
    token: str = Field(description="Shown only now: the link is /invite/#<token>")


class InviteTokenIn(Schema):
    token: str = Field(min_length=1, max_length=128)


class InvitePreviewOut(Schema):
    community: CommunityOut
    expires_at: datetime
