"""Signed access and refresh tokens (JWT, HS256, PyJWT).

Both the API, which issues them, and the poll server, which checks an optional
Authorization header, use this module with the same secret.
"""

import os
import time

import jwt

from . import secret_keys

ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"


class InvalidToken(Exception):
    """Missing, expired, malformed or forged."""


def secret() -> str:
    """JWT_SECRET, else DJANGO_SECRET_KEY; raises secret_keys.MissingSecret outside development."""
    return secret_keys.require(
        "JWT_SECRET",
        "it signs and checks access and refresh tokens, and the API and the poll server must share it",
        fallback="DJANGO_SECRET_KEY",
    )


def lifetimes() -> dict[str, int]:
    return {
        ACCESS: int(os.environ.get("JWT_ACCESS_TTL", 15 * 60)),
        REFRESH: int(os.environ.get("JWT_REFRESH_TTL", 7 * 24 * 3600)),
    }


def issue(user_id: int, kind: str, **extra_claims: str) -> str:
    """A signed token; refresh tokens carry their login's family and their own id as extra claims."""
    now = int(time.time())
    claims = {
        **extra_claims,
        "sub": str(user_id),
        "type": kind,
        "iat": now,
        "exp": now + lifetimes()[kind],
    }
    return jwt.encode(claims, secret(), algorithm=ALGORITHM)


def verify(token: str, kind: str = ACCESS) -> int:
    """Return the user id the token was issued to, or raise InvalidToken."""
    return subject(decode(token, kind))


def subject(claims: dict) -> int:
    """The user id of decoded claims."""
    try:
        return int(claims["sub"])
    except (TypeError, ValueError) as exc:
        raise InvalidToken("Invalid token") from exc


def decode(token: str, kind: str) -> dict:
    """The claims of a valid token of this kind, or raise InvalidToken."""
    try:
        claims = jwt.decode(
            token, secret(), algorithms=[ALGORITHM], options={"require": ["exp", "sub", "type"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidToken("Token has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken("Invalid token") from exc
    if claims.get("type") != kind:
        raise InvalidToken(f"Not an {kind} token" if kind == ACCESS else f"Not a {kind} token")
    return claims


def bearer(header_value: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if well formed."""
    if not header_value:
        return None
    scheme, _, token = header_value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
