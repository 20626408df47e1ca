"""Queue registration, heartbeat and status (the Django half of realtime)."""

import logging

from ninja import Router

from accounts.auth import jwt_auth
from communities.models import Community, Membership
from realtime import relay
from realtime.connection import REDIS_ERRORS, client, event_log, queue_registry
from realtime_core.queues import RegistrationLimitExceeded
from toolkit.errors import ApiError, too_many_requests
from toolkit.log_lines import log_event

from .schemas import HeartbeatOut, RegisterOut, StatusOut

# Each operation names its OpenAPI operation id: it is part of the wire contract
# (generated clients name their calls after it), and Ninja would otherwise derive it
# from this module's path.
router = Router(tags=["realtime"], auth=jwt_auth)


def private_community_ids(user) -> list[int]:
    return list(
        Membership.objects.filter(user=user, community__type=Community.PRIVATE)
        .order_by("community_id")
        .values_list("community_id", flat=True)
    )


def _unavailable() -> ApiError:
    return ApiError(503, "The realtime service is unavailable; try again shortly")


@router.post("/register", response=RegisterOut, operation_id="realtime_api_register")
def register(request):
    """A new event queue for the caller; the user's other queues stay valid."""
    communities = private_community_ids(request.auth)
    try:
        # The head is read before the queue exists, so no later event is missed.
        head, _epoch = event_log().head(floor=relay.highest_event_id())
        queue_id = queue_registry().create(request.auth.id, communities, str(request.login_id))
        communities = _settle_memberships(request.auth, communities)
    except RegistrationLimitExceeded as exc:
        log_event("registration_limited", logging.WARNING, user_id=request.auth.id)
        raise too_many_requests("Too many registrations", exc.retry_after) from exc
    except REDIS_ERRORS as exc:
        raise _unavailable() from exc
    # The queue id is a capability: it never goes into a log.
    log_event("queue_registered", user_id=request.auth.id, communities=len(communities))
    return {"queue_id": queue_id, "last_event_id": head, "communities": communities}


def _settle_memberships(user, written: list[int]) -> list[int]:
    """Read the memberships again after writing them to Redis, and rewrite until they agree.

    A membership change that committed between our read and our write may have
    published its event before our write, which then put back the old set; a
    change committing after the re-read publishes after our write, so it lands
    on top of it. Without this a removed member could keep receiving the
    community's events until their next membership change.
    """
    for _ in range(3):
        current = private_community_ids(user)
        if set(current) == set(written):
            return current
        queue_registry().replace_memberships(user.id, current)
        written = current
    return written


@router.post("/heartbeat", response=HeartbeatOut, operation_id="realtime_api_heartbeat")
def heartbeat(request, queue_id: str | None = None):
    if not queue_id:
        raise ApiError(400, "queue_id is required")
    try:
        alive = queue_registry().touch(queue_id[:128], request.auth.id)
    except REDIS_ERRORS as exc:
        raise _unavailable() from exc
    if not alive:
        raise ApiError(404, "Queue not found or expired; register again")
    return {"message": "Heartbeat successful"}


@router.get("/status", response=StatusOut, operation_id="realtime_api_status")
def status(request):
    try:
        enabled = bool(client().ping())
    except REDIS_ERRORS:
        enabled = False
    return {
        "user_id": request.auth.id,
        "communities": private_community_ids(request.auth),
        "realtime_enabled": enabled,
    }
