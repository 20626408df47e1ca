"""Liveness and readiness of an API process, for load balancers and orchestrators.

Liveness says only that the process answers: restart it when this fails.
Readiness says it can serve every endpoint now (database and Redis reachable):
take it out of rotation while this fails. Neither says anything about users.
"""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from realtime.connection import REDIS_ERRORS, client


@require_GET
def liveness(request):
    return JsonResponse({"status": "alive"})


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _redis_reachable() -> bool:
    try:
        return bool(client().ping())
    except REDIS_ERRORS:
        return False


@require_GET
def readiness(request):
    checks = {"database": _database_reachable(), "redis": _redis_reachable()}
    ready = all(checks.values())
    body = {
        "status": "ready" if ready else "not_ready",
        **{name: "ok" if ok else "unreachable" for name, ok in checks.items()},
    }
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response
