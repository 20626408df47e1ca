from typing import Annotated

from ninja import Schema
from pydantic import EmailStr, Field

from toolkit.text_limits import Text, at_most_bytes

Username = Text(150, 300, min_chars=3, pattern=r"^[\w.@+-]+$")
Email = Annotated[EmailStr, Field(max_length=254), at_most_bytes(254)]
# Hashed, never stored nor shown: 128 characters bound the hasher's work.
Password = Annotated[str, Field(min_length=1, max_length=128)]


class SignupIn(Schema):
    username: Username
    email: Email
    password: Password


class LoginIn(Schema):
    login: Text(254, 320, min_chars=1, description="Username or email")
    password: Password


class RefreshIn(Schema):
    refresh: str = Field(min_length=1, max_length=4096)


# Every user and author object carries it, as the seed's schema has: front ends that show
# an avatar read it without a check. Marginalia keeps no pictures, so it is always null.
PROFILE_PIC_URL = Field(None, description="An avatar's URL; null: none, show initials")


class LogoutIn(Schema):
    refresh: str | None = Field(
        None, max_length=4096,
        description="The login to end; without it, the login of the bearer access token")
    all: bool = Field(False, description="End every login of the user, everywhere")


class PasswordChangeIn(Schema):
    current_password: Password
    new_password: Password


class PasswordResetIn(Schema):
    email: Email


class PasswordResetOut(Schema):
    message: str


class PasswordResetConfirmIn(Schema):
    # Both from a reset link; anything else of a sane length is an invalid link (400).
    uid: str = Field(min_length=1, max_length=64)
    token: str = Field(min_length=1, max_length=128)
    new_password: Password


class UserOut(Schema):
    id: int
    username: str
    profile_pic_url: str | None = PROFILE_PIC_URL


class MeOut(UserOut):
    email: str


class TokensOut(Schema):
    access: str
    refresh: str
    user: MeOut
