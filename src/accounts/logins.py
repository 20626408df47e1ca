"""The caller's logins, as the settings page lists them, and ending one of them.

Signing out everywhere is `POST /api/auth/logout {"all": true}` (accounts.api).
"""

import uuid

from ninja import Query, Router, Status

from toolkit.errors import not_found
from toolkit.log_lines import log_event
from toolkit.paging import Window
from toolkit.rate_limits import limit_writes

from . import sessions
from .auth import jwt_auth
from .browsers import browser_label
from .schemas import LoginOut

router = Router(tags=["auth"], auth=jwt_auth)
router.add_decorator(limit_writes)


@router.get("/logins", response=list[LoginOut])
def list_logins(request, window: Query[Window]):
    """The caller's live logins, newest first; `current` marks the one asking."""
    return [
        {
            "id": login.id,
            "browser": browser_label(login.user_agent),
            "user_agent": login.user_agent,
            "created_at": login.created_at,
            "last_used_at": login.rotated_at,
            "current": login.id == request.login_id,
        }
        for login in window.of(sessions.live_logins(request.auth).order_by("-created_at", "id"))
    ]


@router.delete("/logins/{login_id}", response={204: None})
def end_login(request, login_id: str):
    """Ends one of the caller's logins: its tokens are refused from now on. Any other
    id, another user's included (or one that is no id at all), is not found."""
    try:
        family_id = uuid.UUID(login_id)
    except ValueError:
        raise not_found("Login") from None
    if not sessions.live_logins(request.auth).filter(pk=family_id).exists():
        raise not_found("Login")
    sessions.end(request.auth.id, family_id)
    log_event("login_ended", user_id=request.auth.id)
    return Status(204, None)
