"""`GET /realtime/poll` served on Tornado's HTTP/1 connection, below tornado.web.

Nearly every request this server sees is a poll, and the profile showed
tornado.web's per-request machinery (a handler object, routing, the request
object, `finish`/`flush`) costing about as much as the poll itself. `PollRouter`
takes the Application's place in the `HTTPServer`: it answers the poll with
one small delegate per request and hands every other request (health,
readiness, metrics, preflights, errors on other paths) to the Application
unchanged.

The poll's answers follow the rest of the server: CORS headers on every
response, errors as JSON `{"message": ...}`, and an access log without the
query string (the queue id is a capability) or any header.
"""

import asyncio
import json
import logging
import time

import tornado.web
from tornado import httputil
from tornado.escape import parse_qs_bytes

from realtime_core import tokens
from realtime_core.queues import looks_like_queue_id
from realtime_core.signals import parse_signal_id

from .fanout import Waiter
from .handlers import JSON, ApiError, CorsPolicy, log_access
from .poll import QueueNotFound, Unavailable

log = logging.getLogger(__name__)

POLL_PATH = "/realtime/poll"
MAX_EVENT_ID = 2**53  # the largest integer a JavaScript client holds exactly
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
            500: "Internal Server Error", 503: "Service Unavailable"}


class PollRouter(httputil.HTTPServerConnectionDelegate):
    """The HTTPServer's delegate: polls here, everything else to the Application."""

    def __init__(self, server, app: tornado.web.Application):
        self.server = server
        self.app = app
        self.cors: CorsPolicy = app.settings["cors"]
        self.responding: set[asyncio.Task] = set()  # polls being decided, not yet waiting
        self._date = (0, "")  # (second, Date header): formatting it costs more than a poll's logic

    def start_request(self, server_conn, request_conn) -> httputil.HTTPMessageDelegate:
        return PollExchange(self, server_conn, request_conn)

    def on_close(self, server_conn) -> None:
        self.app.on_close(server_conn)

    def date_header(self) -> str:
        now = int(time.time())
        if self._date[0] != now:
            self._date = (now, httputil.format_timestamp(now))
        return self._date[1]


class PollExchange(httputil.HTTPMessageDelegate):
    """One request on a connection: answered here if it is a poll, else passed on."""

    # Only what the answer needs is kept (not the request's headers): thousands of
    # these wait at once, and every byte of them counts per idle queue.
    __slots__ = ("_router", "_server_conn", "_conn", "_other", "_origin", "_authorization",
                 "_query", "_started_at", "_waiter", "_closed")

    def __init__(self, router: PollRouter, server_conn, request_conn):
        self._router = router
        self._server_conn = server_conn
        self._conn = request_conn
        self._other: httputil.HTTPMessageDelegate | None = None  # the Application's delegate
        self._waiter: Waiter | None = None
        self._closed = False

    def headers_received(self, start_line, headers):
        path, _, query = start_line.path.partition("?")
        if start_line.method != "GET" or path != POLL_PATH:
            self._other = self._router.app.start_request(self._server_conn, self._conn)
            return self._other.headers_received(start_line, headers)
        self._origin = headers.get("Origin")
        self._authorization = headers.get("Authorization")
        self._query = query
        self._started_at = time.monotonic()
        return None

    def data_received(self, chunk: bytes):
        if self._other is not None:
            return self._other.data_received(chunk)
        return None  # a body on a poll means nothing; it is read and ignored

    def finish(self) -> None:
        if self._other is not None:
            self._other.finish()
            return
        self._conn.set_close_callback(self.on_connection_close)
        task = asyncio.get_running_loop().create_task(self._respond())
        responding = self._router.responding
        responding.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(responding.discard)

    def on_connection_close(self) -> None:
        if self._other is not None:
            self._other.on_connection_close()
            return
        self._closed = True
        if self._waiter is not None:
            self._router.server.fanout.cancel(self._waiter)

    async def _respond(self) -> None:
        """Answer at once, or leave a waiter whose future answers later.

        A waiting poll holds no task or coroutine, only its waiter's callback.
        """
        try:
            arguments = parse_qs_bytes(self._query, keep_blank_values=True)
            queue_id = _queue_id(arguments)
            cursor = _last_event_id(arguments)
            token_user_id = self._token_user_id()
            signal_cursor = _signal_cursor(arguments)
        except ApiError as error:
            self._write_error(error)
            return
        server = self._router.server
        server.requests.started()
        try:
            answer = await self._poll(queue_id, cursor, token_user_id, signal_cursor)
        except ApiError as error:
            self._write_error(error)
        except Exception:
            log.exception("uncaught exception in GET %s", POLL_PATH)
            self._write_error(ApiError(500, "Internal Server Error"))
        else:
            if isinstance(answer, Waiter):
                self._wait_for(answer)
                return  # the request is finished when the waiter is answered
            self._write(200, answer)
        server.requests.finished()

    async def _poll(
        self, queue_id: str, cursor: int, token_user_id: int | None,
        signal_cursor: tuple[int, int] | None,
    ) -> bytes | Waiter:
        server = self._router.server
        try:
            return await server.poller.poll(queue_id, cursor, token_user_id, signal_cursor)
        except QueueNotFound:
            server.metrics.not_found += 1
            raise ApiError(404, "Queue not found or expired; register again") from None
        except Unavailable:
            server.metrics.redis_errors += 1
            raise ApiError(503, "Realtime service temporarily unavailable") from None

    def _wait_for(self, waiter: Waiter) -> None:
        self._waiter = waiter
        waiter.future.add_done_callback(self._answered)
        if self._closed:
            self._router.server.fanout.cancel(waiter)

    def _answered(self, future) -> None:
        """The waiter's answer; a cancelled one means the client went away."""
        if not future.cancelled():
            self._write(200, future.result())
        self._router.server.requests.finished()

    def _token_user_id(self) -> int | None:
        """The user an Authorization header names; real browser clients send none."""
        header = self._authorization
        if header is None:
            return None
        token = tokens.bearer(header)
        if token is None:
            raise ApiError(401, "Authorization header must be 'Bearer <access token>'")
        try:
            return tokens.verify(token)
        except tokens.InvalidToken as exc:
            raise ApiError(401, str(exc)) from None

    def _write_error(self, error: ApiError) -> None:
        body = json.dumps({"message": error.message}).encode()
        self._write(error.status_code, body, error.status_code == 401)

    def _write(self, status: int, body: bytes, asks_for_token: bool = False) -> None:
        router = self._router
        headers = httputil.HTTPHeaders()
        headers["Content-Type"] = JSON
        headers["Content-Length"] = str(len(body))
        headers["Date"] = router.date_header()
        for name, value in router.cors.headers_for(self._origin):
            headers[name] = value
        headers["Cache-Control"] = "no-store"
        if asks_for_token:
            headers["WWW-Authenticate"] = "Bearer"
        self._conn.write_headers(
            httputil.ResponseStartLine("HTTP/1.1", status, _REASONS[status]), headers, body
        )
        self._conn.finish()
        log_access("GET", POLL_PATH, status, time.monotonic() - self._started_at)


def _argument(arguments: dict[str, list[bytes]], name: str) -> bytes | None:
    values = arguments.get(name)
    return values[-1] if values else None


def _queue_id(arguments) -> str:
    raw = _argument(arguments, "queue_id")
    if not raw:
        raise ApiError(400, "queue_id is required")
    queue_id = raw.decode("ascii", "replace")
    if not looks_like_queue_id(queue_id):
        raise ApiError(400, "queue_id is malformed")
    return queue_id


def _last_event_id(arguments) -> int:
    raw = _argument(arguments, "last_event_id")
    if raw is None or raw == b"":
        raise ApiError(400, "last_event_id is required")
    # bytes.isdigit accepts only ASCII digits: no sign, spaces or underscores.
    if not raw.isdigit() or len(raw) > 16 or int(raw) > MAX_EVENT_ID:
        raise ApiError(400, "last_event_id must be an integer from 0 to 2^53")
    return int(raw)


def _signal_cursor(arguments) -> tuple[int, int] | None:
    """The newest presence or typing signal the client has seen; absent: it wants none."""
    raw = _argument(arguments, "signal_cursor")
    if raw is None:
        return None
    cursor = parse_signal_id(raw.decode("ascii", "replace"))
    if cursor is None:
        raise ApiError(400, "signal_cursor must be a signal id such as 1700000000000-0")
    return cursor
