"""Secrets from the environment, which no process runs without outside development.

The API (and the relay, through the same Django settings) signs tokens and derives
pseudonyms with its secrets; the poll server checks tokens with the JWT secret. A
default that ships with the source would let anyone forge a token or trace a
pseudonym back to its author, so outside DJANGO_DEBUG=1 a missing secret stops the
process at start, naming the variable.
"""

import logging
import os
import sys

# Known to everyone who reads this file: good for a laptop, never for a server.
DEVELOPMENT_SECRET = "dev-only-secret-change-me-in-production-0123456789"

# gunicorn's master stops, instead of restarting the worker forever, when a worker
# exits with this code ("the application could not be loaded"); any caller gets a
# non-zero exit.
EXIT_MISSING_SECRET = 4

log = logging.getLogger(__name__)
_warned: set[str] = set()  # names already warned about, so a warning is not per token


class MissingSecret(Exception):
    """A secret the process needs is not set (or is the public development one)."""

    def __init__(self, name: str, purpose: str, public: bool = False):
        problem = "is the public development key" if public else "is not set"
        super().__init__(
            f"{name} {problem}: {purpose}. Set it to a long random value "
            f"(or DJANGO_DEBUG=1 for local development only)."
        )

    def exit(self, process: str) -> None:
        """End the process with one line saying what is missing, not a traceback."""
        print(f"{process}: {self}", file=sys.stderr, flush=True)
        raise SystemExit(EXIT_MISSING_SECRET)


def development_mode() -> bool:
    """DJANGO_DEBUG=1: the one switch, for every process of an installation."""
    return os.environ.get("DJANGO_DEBUG", "0") == "1"


def require(name: str, purpose: str, fallback: str | None = None) -> str:
    """The value of `name` (or of `fallback` when `name` is unset).

    Outside development, raises MissingSecret when neither is set or the value is
    the public development key; in development, falls back to that key with a warning.
    """
    value = os.environ.get(name) or (os.environ.get(fallback) if fallback else None)
    if development_mode():
        if not value and name not in _warned:
            _warned.add(name)
            log.warning("%s is not set: using the public development key (DJANGO_DEBUG=1)", name)
        return value or DEVELOPMENT_SECRET
    if not value or value == DEVELOPMENT_SECRET:
        raise MissingSecret(name, purpose, public=bool(value))
    return value
