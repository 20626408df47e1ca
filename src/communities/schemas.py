from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from accounts.schemas import UserOut
from marginalia.text_limits import Text


class CommunityIn(Schema):
    name: Text(120, 240, min_chars=3)
    slug: str | None = Field(default=None, min_length=3, max_length=120, pattern=r"^[a-z0-9-]+$")
    description: Text(5000, 10_000) = ""
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
    username: Text(150, 300, min_chars=1)
    role: Literal["admin", "moderator", "member"] = "member"


class RoleIn(Schema):
    role: Literal["admin", "moderator", "member"]


class JoinRequestOut(Schema):
    id: int
    user: UserOut
    status: str
    created_at: datetime
