"""When to retry a request, and how long to wait before the next attempt."""

from collections.abc import Callable


class RetryDelays:
    """Delays before retries (docs/protocol.md, "Retry delays"): each drawn uniformly
    below a ceiling that doubles from `base` up to `cap` with every failure in a row
    ("full jitter"), so clients that lost the server at the same moment spread their
    retries out instead of returning all at once.

    The failures count across steps (a registration that succeeds while polls keep
    failing does not start the ceiling over); only `reset()`, called when a poll is
    answered, does. `random` returns a float in [0, 1).
    """

    def __init__(self, base: float, cap: float, random: Callable[[], float]):
        self._base = base
        self._cap = cap
        self._random = random
        self._ceiling = min(base, cap)

    def next(self, retry_after: float | None = None) -> float:
        """The wait before the next attempt: what the server asked for (`Retry-After`)
        if it did, else a random fraction of the ceiling. Either way the ceiling grows.
        It is doubled rather than computed as base * 2**failures, so an outage of any
        length never overflows a float."""
        delay = self._random() * self._ceiling if retry_after is None else retry_after
        self._ceiling = min(self._ceiling * 2, self._cap)
        return delay

    def reset(self) -> None:
        self._ceiling = min(self._base, self._cap)


def is_transient(status_code: int) -> bool:
    """Whether an HTTP status means "try again later" rather than "this request is wrong"."""
    return status_code >= 500 or status_code == 429
