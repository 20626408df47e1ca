"""JWT bearer authentication for the API."""

from ninja.security import HttpBearer

from realtime_core import tokens

from .models import User


class AuthenticationFailed(Exception):
    """A bearer token was sent but is expired, malformed or forged."""


def failure_reason(exc: Exception) -> str:
    """Why a token was refused, as one word for log lines (never the token itself)."""
    return str(exc).lower().replace(" ", "_")


class JWTAuth(HttpBearer):
    def authenticate(self, request, token):
        try:
            user_id = tokens.verify(token, tokens.ACCESS)
        except tokens.InvalidToken as exc:
            raise AuthenticationFailed(str(exc)) from exc
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            raise AuthenticationFailed("Invalid token")
        request.user = user
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
