"""HTTP handlers: the poll, the health check, and what every response shares.

Every response, errors and preflights included, carries the CORS headers:
without them a browser reports a 404 as a network error and the client never
learns it should register again. Error bodies are JSON `{"message": ...}`.
Nothing here logs a URL with its query string, a header or an event.
"""

import asyncio
import logging
from dataclasses import dataclass

import tornado.web

from realtime_core import tokens
from realtime_core.queues import looks_like_queue_id
from realtime_core.signals import parse_signal_id

from .fanout import Waiter
from .poll import QueueNotFound, Unavailable

log = logging.getLogger(__name__)

MAX_EVENT_ID = 2**53  # the largest integer a JavaScript client holds exactly
JSON = "application/json; charset=UTF-8"


@dataclass(frozen=True)
class CorsPolicy:
    origins: frozenset[str]
    allow_any: bool  # "*" configured: then never with credentials
    allow_headers: str = "Authorization, Content-Type, X-Realtime-Queue-Id"

    @classmethod
    def for_origins(cls, origins: tuple[str, ...]) -> "CorsPolicy":
        return cls(origins=frozenset(origins), allow_any="*" in origins)


class ApiError(tornado.web.HTTPError):
    """An expected error, answered as `{"message": ...}` and not logged."""

    def __init__(self, status_code: int, message: str):
        super().__init__(status_code)
        self.message = message


class BaseHandler(tornado.web.RequestHandler):
    def set_default_headers(self) -> None:
        # Runs again when an error clears the response, so errors get CORS too.
        cors = self.settings["cors"]
        if cors.allow_any:
            self.set_header("Access-Control-Allow-Origin", "*")
        else:
            origin = self.request.headers.get("Origin")
            if origin in cors.origins:
                self.set_header("Access-Control-Allow-Origin", origin)
                self.set_header("Access-Control-Allow-Credentials", "true")
        self.set_header("Vary", "Origin")
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


class PollHandler(BaseHandler):
    def initialize(self, server) -> None:
        self.server = server
        self._waiter: Waiter | None = None
        self._closed = False

    async def get(self) -> None:
        queue_id = self._queue_id()
        cursor = self._last_event_id()
        token_user_id = self._token_user_id()
        signal_cursor = self._signal_cursor()
        self.server.requests.started()
        try:
            answer = await self._answer(queue_id, cursor, token_user_id, signal_cursor)
            if answer is not None:
                self.set_header("Content-Type", JSON)
                self.finish(answer)
        finally:
            self.server.requests.finished()

    async def _answer(
        self, queue_id: str, cursor: int, token_user_id: int | None,
        signal_cursor: tuple[int, int] | None,
    ) -> bytes | None:
        """The response body, or None when the client went away while waiting."""
        try:
            answer = await self.server.poller.poll(queue_id, cursor, token_user_id, signal_cursor)
        except QueueNotFound:
            self.server.metrics.not_found += 1
            raise ApiError(404, "Queue not found or expired; register again") from None
        except Unavailable:
            self.server.metrics.redis_errors += 1
            raise ApiError(503, "Realtime service temporarily unavailable") from None
        if not isinstance(answer, Waiter):
            return answer
        self._waiter = answer
        if self._closed:
            self.server.fanout.cancel(answer)
        try:
            return await answer.future
        except asyncio.CancelledError:
            return None

    def on_connection_close(self) -> None:
        self._closed = True
        if self._waiter is not None:
            self.server.fanout.cancel(self._waiter)

    def _argument(self, name: str) -> bytes | None:
        values = self.request.query_arguments.get(name)
        return values[-1] if values else None

    def _queue_id(self) -> str:
        raw = self._argument("queue_id")
        if not raw:
            raise ApiError(400, "queue_id is required")
        queue_id = raw.decode("ascii", "replace")
        if not looks_like_queue_id(queue_id):
            raise ApiError(400, "queue_id is malformed")
        return queue_id

    def _last_event_id(self) -> int:
        raw = self._argument("last_event_id")
        if raw is None or raw == b"":
            raise ApiError(400, "last_event_id is required")
        # bytes.isdigit accepts only ASCII digits: no sign, spaces or underscores.
        if not raw.isdigit() or len(raw) > 16 or int(raw) > MAX_EVENT_ID:
            raise ApiError(400, "last_event_id must be an integer from 0 to 2^53")
        return int(raw)

    def _signal_cursor(self) -> tuple[int, int] | None:
        """The newest presence or typing signal the client has seen; absent: it wants none."""
        raw = self._argument("signal_cursor")
        if raw is None:
            return None
        cursor = parse_signal_id(raw.decode("ascii", "replace"))
        if cursor is None:
            raise ApiError(400, "signal_cursor must be a signal id such as 1700000000000-0")
        return cursor

    def _token_user_id(self) -> int | None:
        """The user an Authorization header names; real browser clients send none."""
        header = self.request.headers.get("Authorization")
        if header is None:
            return None
        token = tokens.bearer(header)
        if token is None:
            raise ApiError(401, "Authorization header must be 'Bearer <access token>'")
        try:
            return tokens.verify(token)
        except tokens.InvalidToken as exc:
            raise ApiError(401, str(exc)) from None
