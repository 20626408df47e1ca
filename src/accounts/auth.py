"""JWT bearer authentication for the API."""

import uuid

from ninja.security import HttpBearer

from realtime_core import tokens

from .models import User


class AuthenticationFailed(Exception):
    """A bearer token was sent but is expired, malformed or forged."""


def failure_reason(exc: Exception) -> str:
    """Why a token was refused, as one word for log lines (never the token itself)."""
    return str(exc).lower().replace(" ", "_")


def family_of(claims: dict) -> uuid.UUID:
    """The login a token of ours belongs to; InvalidToken for one without a valid family."""
    try:
        return uuid.UUID(str(claims["fam"]))
    except (KeyError, ValueError) as exc:
        raise tokens.InvalidToken("Invalid token") from exc


class JWTAuth(HttpBearer):
    def authenticate(self, request, token):
        try:
            claims = tokens.decode(token, tokens.ACCESS)
            user_id = tokens.subject(claims)
            family_id = family_of(claims)
        except tokens.InvalidToken as exc:
            raise AuthenticationFailed(str(exc)) from exc
        # The token's login must still live: signing out, a password change or a
        # reused refresh token ends it, and its access tokens with it, at once. The
        # same one query as the user's own, joined to the login's row.
        user = User.objects.filter(
            pk=user_id,
            is_active=True,
            refresh_token_families__id=family_id,
            refresh_token_families__revoked_at__isnull=True,
        ).first()
        if user is None:
            raise AuthenticationFailed(
                "Session ended"
                if User.objects.filter(pk=user_id, is_active=True).exists()
                else "Invalid token"
            )
        request.user = user
        request.login_id = family_id
        return user


def optional_jwt(request):
    """Anonymous access allowed; a bad token is still rejected rather than ignored."""
    header = request.headers.get("Authorization")
    if not header:
        return True  # ninja needs a truthy value to let the anonymous request through
    token = tokens.bearer(header)
    if token is None:
        raise AuthenticationFailed("Malformed Authorization header")
    return JWTAuth().authenticate(request, token)


jwt_auth = JWTAuth()


def current_user(request) -> User | None:
    """The signed-in user of a request authenticated by jwt_auth or optional_jwt."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, User) else None
