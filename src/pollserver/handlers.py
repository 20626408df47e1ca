"""HTTP handlers for everything but the poll (`poll_http`), and what every response shares.

Every response, errors and preflights included, carries the CORS headers:
without them a browser reports a 404 as a network error and the client never
learns it should register again. Error bodies are JSON `{"message": ...}`.
Nothing here logs a URL with its query string, a header or an event.
"""

import logging
from dataclasses import dataclass

import tornado.web

log = logging.getLogger(__name__)
access_log = logging.getLogger("pollserver.access")

JSON = "application/json; charset=UTF-8"


@dataclass(frozen=True)
class CorsPolicy:
    origins: frozenset[str]
    allow_any: bool  # "*" configured: then never with credentials
    allow_headers: str = "Authorization, Content-Type, X-Realtime-Queue-Id"

    @classmethod
    def for_origins(cls, origins: tuple[str, ...]) -> "CorsPolicy":
        return cls(origins=frozenset(origins), allow_any="*" in origins)

    def headers_for(self, origin: str | None) -> list[tuple[str, str]]:
        """The CORS headers of any answer to a request from `origin`."""
        if self.allow_any:
            return [("Access-Control-Allow-Origin", "*"), ("Vary", "Origin")]
        if origin in self.origins:
            return [("Access-Control-Allow-Origin", origin),
                    ("Access-Control-Allow-Credentials", "true"), ("Vary", "Origin")]
        return [("Vary", "Origin")]


def log_access(method: str, path: str, status: int, seconds: float) -> None:
    """Access log without the query string: it carries the queue id, a capability."""
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    if access_log.isEnabledFor(level):
        access_log.log(level, "%s %s %d %.1fms", method, path, status, 1000.0 * seconds)


class ApiError(tornado.web.HTTPError):
    """An expected error, answered as `{"message": ...}` and not logged."""

    def __init__(self, status_code: int, message: str):
        super().__init__(status_code)
        self.message = message


class BaseHandler(tornado.web.RequestHandler):
    def set_default_headers(self) -> None:
        # Runs again when an error clears the response, so errors get CORS too.
        for name, value in self.settings["cors"].headers_for(self.request.headers.get("Origin")):
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-store")

    def compute_etag(self) -> None:
        return None  # answers are never cached; hashing every body would only cost CPU

    def options(self, *args) -> None:
        """CORS preflight; what it allows only needs saying here, not on every answer."""
        self.set_header("Access-Control-Allow-Methods", "GET, OPTIONS")
        self.set_header("Access-Control-Allow-Headers", self.settings["cors"].allow_headers)
        self.set_header("Access-Control-Max-Age", "600")
        self.set_status(204)

    def write_error(self, status_code: int, **kwargs) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        message = error.message if isinstance(error, ApiError) else self._reason
        if status_code == 401:
            self.set_header("WWW-Authenticate", "Bearer")
        self.finish({"message": message})

    def log_exception(self, typ, value, tb) -> None:
        # Tornado's own version logs the full URL and the request's headers.
        if not isinstance(value, tornado.web.HTTPError):
            log.error(
                "uncaught exception in %s %s",
                self.request.method,
                self.request.path,
                exc_info=(typ, value, tb),
            )


class PollPreflightHandler(BaseHandler):
    """/realtime/poll for every method but GET (`poll_http` answers GET): preflights, 405s."""


class NotFoundHandler(BaseHandler):
    def prepare(self) -> None:
        if self.request.method != "OPTIONS":
            raise ApiError(404, "Not found")


class HealthHandler(BaseHandler):
    def initialize(self, server) -> None:
        self.server = server

    def get(self) -> None:
        healthy, report = self.server.health()
        self.set_status(200 if healthy else 503)
        self.finish(report)


class ReadyHandler(BaseHandler):
    def initialize(self, server) -> None:
        self.server = server

    async def get(self) -> None:
        ready, report = await self.server.readiness()
        self.set_status(200 if ready else 503)
        self.finish(report)


class MetricsHandler(BaseHandler):
    def initialize(self, server) -> None:
        self.server = server

    def get(self) -> None:
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.finish(self.server.render_metrics())
