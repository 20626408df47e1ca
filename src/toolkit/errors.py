"""One error type for the API, rendered as JSON `{message, errors?}`."""

import math


class ApiError(Exception):
    def __init__(self, status: int, message: str, errors: list | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict:
        body = {"message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def too_many_requests(message: str, retry_after: float) -> ApiError:
    """429 with `Retry-After` in whole seconds (at least 1): clients that retry at
    once would otherwise spin against the limit."""
    seconds = max(1, math.ceil(retry_after))
    return ApiError(429, message, headers={"Retry-After": str(seconds)})
