"""One error type for the API, rendered as JSON `{message, errors?}`."""

import math


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        errors: list | None = None,
        headers: dict[str, str] | None = None,
    ):
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


def too_many_requests(what: str, retry_after: float) -> ApiError:
    """429 with `Retry-After` in whole seconds (at least 1): clients that retry at
    once would otherwise spin against the limit. The message names the wait too, for
    the person reading it: "`what`; try again in 52 s"."""
    seconds = max(1, math.ceil(retry_after))
    return ApiError(
        429, f"{what}; try again in {wait_in_words(seconds)}", headers={"Retry-After": str(seconds)}
    )


def wait_in_words(seconds: int) -> str:
    """52 s, 15 min, 2 h: the unit a person would use, rounded up."""
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 90 * 60:
        return f"{math.ceil(seconds / 60)} min"
    return f"{math.ceil(seconds / 3600)} h"
