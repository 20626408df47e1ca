import unicodedata
import uuid
from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, EmailStr, Field
from pydantic_core import PydanticCustomError

from toolkit.text_limits import Text, at_most_bytes, has_visible_character

# Letters, digits and . + - _, with at least one letter or digit. Never "@": a login
# names a username or an e-mail, and a username that was someone's address would take
# that person's sign-in by e-mail.
Username = Text(150, 300, min_chars=3, pattern=r"^[\w.+-]*[^\W_][\w.+-]*$")
Email = Annotated[EmailStr, Field(max_length=254), at_most_bytes(254)]
# Hashed, never stored nor shown: 128 characters bound the hasher's work.
Password = Annotated[str, Field(min_length=1, max_length=128)]


def _trimmed(value):
    # Only text is trimmed; anything else goes on to fail as "not a string".
    return value.strip() if isinstance(value, str) else value


# Characters that reorder the text around them: in a name they could show it, and
# whatever follows it on the line, backwards ("a\u202eb").
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _printable(value: str) -> str:
    # Control characters, line and paragraph separators would break the one line
    # a name is shown on (and could fake another line beneath it).
    if any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value):
        raise PydanticCustomError(
            "control_characters", "Control characters and line breaks are not allowed"
        )
    if any(c in _BIDI_CONTROLS for c in value):
        raise PydanticCustomError(
            "bidi_controls", "Characters that change the direction of text are not allowed"
        )
    if value and not has_visible_character(value):
        raise PydanticCustomError("string_blank", "A name needs a character that can be seen")
    return value


DisplayName = Annotated[
    Text(80, 320, description="Shown beside the username; empty: none. Trimmed."),
    BeforeValidator(_trimmed),
    AfterValidator(_printable),
]


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
        None,
        max_length=4096,
        description="The login to end; without it, the login of the bearer access token",
    )
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
    display_name: str = Field(description="Shown beside the username; empty: none")


class ProfileIn(Schema):
    display_name: DisplayName | None = None
    email: Email | None = None
    current_password: str | None = Field(
        None, min_length=1, max_length=128, description="Required to change the e-mail address"
    )


class LoginOut(Schema):
    """One of the caller's logins: a browser or client that signed in and still may."""

    id: uuid.UUID
    browser: str = Field(description="A short name of the browser and system, for people")
    user_agent: str = Field(description="The User-Agent it signed in with, as sent")
    created_at: datetime
    last_used_at: datetime = Field(description="When its tokens were last refreshed")
    current: bool = Field(description="The login of the token that asked")


class TokensOut(Schema):
    access: str
    refresh: str
    user: MeOut
