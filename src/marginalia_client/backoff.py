"""When to retry a request, and how long to wait before the next attempt."""

from collections.abc import Callable, Iterator


def full_jitter_delays(base: float, cap: float, random: Callable[[], float]) -> Iterator[float]:
    """Endless retry delays, each drawn uniformly below a ceiling that doubles from
    `base` up to `cap` ("full jitter"): clients that lost the server at the same moment
    spread their retries out instead of returning all at once.

    `random` returns a float in [0, 1). The ceiling is doubled rather than computed as
    base * 2**attempt, so an outage of any length never overflows a float.
    """
    ceiling = min(base, cap)
    while True:
        yield random() * ceiling
        ceiling = min(ceiling * 2, cap)


def is_transient(status_code: int) -> bool:
    """Whether an HTTP status means "try again later" rather than "this request is wrong"."""
    return status_code >= 500 or status_code == 429
