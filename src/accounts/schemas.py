from ninja import Schema
from pydantic import EmailStr, Field


class SignupIn(Schema):
    username: str = Field(min_length=3, max_length=150, pattern=r"^[\w.@+-]+$")
    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=1, max_length=128)


class LoginIn(Schema):
    login: str = Field(min_length=1, max_length=254, description="Username or email")
    password: str = Field(min_length=1, max_length=128)


class RefreshIn(Schema):
    refresh: str = Field(min_length=1, max_length=4096)


class UserOut(Schema):
    id: int
    username: str


class MeOut(UserOut):
    email: str


class TokensOut(Schema):
    access: str
    refresh: str
    user: MeOut
