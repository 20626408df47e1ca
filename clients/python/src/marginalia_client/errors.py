"""Errors the client raises instead of retrying: retrying cannot fix them."""

import httpx


class RealtimeError(Exception):
    """Base class of the client's errors."""


class AuthenticationError(RealtimeError):
    """The API refused the access token (401); supply a fresh one."""


class RequestFailed(RealtimeError):
    """The server answered with an error that retrying would not fix. From `events()`
    that is a 4xx other than 401 and the 404 of an expired queue: a bug or a
    misconfiguration, not an outage."""

    def __init__(self, status_code: int, message: str):
        super().__init__(f"HTTP {status_code}: {message}")
        self.status_code = status_code
        self.message = message


class CannotSend(RealtimeError, ValueError):
    """The request cannot be sent as configured (a URL without http:// or https://, an
    access token holding a space or line break): no retry would change that. The
    message never repeats the token."""


def raise_for_status(response: httpx.Response) -> None:
    """Raises the client's error for an error response; returns for a success."""
    if response.is_success:
        return
    try:
        message = response.json()["message"]
    except (ValueError, KeyError, TypeError):
        message = response.text or response.reason_phrase
    if response.status_code == 401:
        raise AuthenticationError(message)
    raise RequestFailed(response.status_code, message)
