"""Async Python client of Marginalia's realtime events (see docs/python-client.md)."""

from .client import RealtimeClient, Status
from .errors import AuthenticationError, CannotSend, RealtimeError, RequestFailed
from .markers import CatchupRequired, Reregistered, Signal

__all__ = [
    "AuthenticationError",
    "CannotSend",
    "CatchupRequired",
    "RealtimeClient",
    "RealtimeError",
    "Reregistered",
    "RequestFailed",
    "Signal",
    "Status",
]
