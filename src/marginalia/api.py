"""The API root: routers, and every error rendered as JSON with the right status."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from accounts.api import router as auth_router
from accounts.auth import AuthenticationFailed, failure_reason
from accounts.logins import router as logins_router
from accounts.own_account import router as own_account_router
from accounts.password_reset import router as password_reset_router
from communities.api import router as communities_router
from communities.visits import router as community_visits_router
from discussions.api import router as discussions_router
from discussions.live import router as live_router
from discussions.previews import router as previews_router
from discussions.visits import router as visits_router
from notifications.api import inbox_router
from notifications.api import router as notifications_router
from profiles.api import router as profiles_router
from realtime_endpoints.api import router as realtime_router
from search.api import router as search_router
from toolkit.errors import ApiError
from toolkit.log_lines import log_event

logger = logging.getLogger(__name__)


def _contains_nul(value) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class BodyNotAnObject(ValueError):
    """A body that is JSON but not an object: it parses, and fails every schema (422)."""


class JsonParser(Parser):
    """JSON bodies, each an object. Another JSON value (`[]`, `null`, `"x"`) would
    otherwise pass as an empty object wherever every field is optional, and an
    edit would answer 200 having changed nothing. Text holding a NUL character,
    which PostgreSQL cannot store, is refused like malformed JSON (400)."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise BodyNotAnObject("The request body must be a JSON object")
        if _contains_nul(data):
            raise ValueError("NUL character in the request body")
        return data


class Utf8JSONRenderer(JSONRenderer):
    """JSON as UTF-8 rather than ASCII escapes: a page of emoji comments is a third the
    size (a 4-byte character escapes to 12 bytes). Text that cannot be encoded never
    gets here: the schemas refuse it."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Marginalia API",
    version="1.0",
    description="Communities, articles, discussions and threaded comments, with realtime queues.",
    parser=JsonParser(),
    renderer=Utf8JSONRenderer(),
)

api.add_router("/auth", auth_router)
api.add_router("/auth", password_reset_router)
api.add_router("/auth", logins_router)
api.add_router("/auth", own_account_router)
api.add_router("/communities", communities_router)
# Its own limit, not limit_writes (communities.visits).
api.add_router("/communities", community_visits_router)
api.add_router("/", discussions_router)
api.add_router("/", visits_router)  # its own limit, not limit_writes (discussions.visits)
api.add_router("/", previews_router)  # likewise (discussions.previews)
api.add_router("/realtime", realtime_router)
api.add_router("/realtime", live_router)
api.add_router("/me", notifications_router)
api.add_router("/", inbox_router)
api.add_router("/users", profiles_router)
api.add_router("/", search_router)  # its own limit, not limit_writes (search.api)


def _json(request, status: int, body: dict):
    return api.create_response(request, body, status=status)


@api.exception_handler(ApiError)
def on_api_error(request, exc: ApiError):
    response = _json(request, exc.status, exc.body())
    for name, value in exc.headers.items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationFailed)
def on_bad_token(request, exc: AuthenticationFailed):
    log_event("auth_failed", logging.WARNING, reason=failure_reason(exc), method=request.method,
              path=request.path)
    return _json(request, 401, {"message": str(exc)})


@api.exception_handler(AuthenticationError)
def on_missing_token(request, exc):
    log_event("auth_failed", logging.INFO, reason="no_token", method=request.method,
              path=request.path)
    return _json(request, 401, {"message": "Authentication required"})


@api.exception_handler(ValidationError)
def on_invalid_input(request, exc: ValidationError):
    errors = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": e.get("msg", "")}
        for e in exc.errors
    ]
    # A malformed id or query parameter is a bad request; a body that parses
    # but breaks the schema is unprocessable.
    in_url = all(e["loc"][:1] in (["path"], ["query"]) for e in errors)
    return _json(request, 400 if in_url else 422, {"message": "Invalid input", "errors": errors})


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    # Ninja wraps whatever the parser raises in a 400 "Cannot parse request body".
    if isinstance(exc.__cause__, BodyNotAnObject):
        reason = str(exc.__cause__)
        return _json(request, 422, {"message": "Invalid input",
                                    "errors": [{"loc": ["body"], "msg": reason}]})
    return _json(request, exc.status_code, {"message": str(exc)})


@api.exception_handler(Http404)
def on_404(request, exc):
    return _json(request, 404, {"message": "Not found"})


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return _json(request, 413, {"message": "Request body too large"})


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    # Logged with the route only: bodies may hold private discussion content.
    logger.exception("unhandled error on %s %s", request.method, request.path)
    return _json(request, 500, {"message": "Internal server error"})
