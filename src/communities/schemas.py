from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from accounts.schemas import UserOut


class CommunityIn(Schema):
    name: str = Field(min_length=3, max_length=120)
    slug: str | None = Field(default=None, min_length=3, max_length=120, pattern=r"^[a-z0-9-]+$")
    description: str = Field(default="", max_length=5000)
    type: Literal["public", "private"] = "public"


class CommunityOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    type: str
    member_count: int
    my_role: str | None = Field(description="The caller's role, or null when not a member")
    join_requested: bool = Field(description="The caller has a pending request to join")
    created_at: datetime


class JoinOut(Schema):
    status: Literal["joined", "requested"]
    role: str | None = None


class MemberOut(Schema):
    user: UserOut
    role: str
    joined_at: datetime


class AddMemberIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    role: Literal["admin", "moderator", "member"] = "member"


class RoleIn(Schema):
    role: Literal["admin", "moderator", "member"]


class JoinRequestOut(Schema):
    id: int
    user: UserOut
    status: str
    created_at: datetime
