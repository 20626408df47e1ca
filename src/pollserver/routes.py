"""The routes: which request gets which answer, and what every answer carries.

`GET /realtime/poll` is `poll_http`'s; here are `/health`, `/ready`,
`/metrics`, CORS preflights on any path, 404 and 405. HEAD is served wherever
GET is (the HTTP layer drops the body). Every response, errors, preflights and
the refusal over the connection limit included, carries the CORS headers:
without them a browser reports a 404 as a network error and the client never
learns it should register again. Error bodies are JSON `{"message": ...}`. An
exception in a route is answered 500, logged with its traceback, and the
connection closed. Nothing here logs a URL with its query string, a header or
an event, and what is logged of a request has its control characters escaped,
so a client cannot forge a log line.
"""

import asyncio
import collections
import json
import logging
import time

from .http import HttpConnection, HttpError, Request
from .metrics import CONTENT_TYPE
from .poll_http import JSON, PollExchange

log = logging.getLogger(__name__)
access_log = logging.getLogger("pollserver.access")

METRICS = b"Content-Type: %s\r\n" % CONTENT_TYPE.encode()
NO_STORE = b"Cache-Control: no-store\r\n"
POLL_PATH = "/realtime/poll"
# Answers being worked out at once (each a task with its coroutines, awaiting a batched
# Redis read). When thousands of polls arrive together, running them all at once
# allocates thousands of short-lived frames among the long-lived waiters, and the
# fragmented heap keeps that peak as RSS (3.4 KB per queue measured); a few hundred at
# a time keep every Redis batch full and cost no measurable latency.
MAX_CONCURRENT_ANSWERS = 256
REFUSAL_RETRY_AFTER = 5  # seconds a client refused over the connection limit should wait
ANSWERED_METHODS = ("GET", "HEAD")
_CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)}


def printable(text: str) -> str:
    """`text` from a client, safe in a log line: control characters (CR, LF...) escaped."""
    return text.translate(_CONTROL_ESCAPES)


class CorsPolicy:
    """The allow-list of origins, and the CORS header lines built once per allowed origin."""

    allow_headers = "Authorization, Content-Type, X-Realtime-Queue-Id"
    # A 503's Retry-After is for the client to obey: a page on another origin (as every
    # page is: the poll server has its own port) reads it only when it is exposed.
    _EXPOSE = "Access-Control-Expose-Headers: Retry-After\r\n"
    _ANY = f"Access-Control-Allow-Origin: *\r\n{_EXPOSE}Vary: Origin\r\n".encode()
    _NOT_ALLOWED = b"Vary: Origin\r\n"

    def __init__(self, origins: tuple[str, ...]):
        self.allow_any = "*" in origins  # then never with credentials
        self._lines = {
            origin: (
                f"Access-Control-Allow-Origin: {origin}\r\n"
                f"Access-Control-Allow-Credentials: true\r\n{self._EXPOSE}Vary: Origin\r\n"
            ).encode("latin-1")
            for origin in origins
            if origin != "*"
        }

    def header_lines(self, origin: str | None) -> bytes:
        """The CORS header lines of any answer to a request from `origin`."""
        if self.allow_any:
            return self._ANY
        return self._lines.get(origin, self._NOT_ALLOWED) if origin else self._NOT_ALLOWED

    def unread_request_lines(self) -> bytes:
        """The CORS lines of an answer sent before its request was read (a refusal over
        the connection limit): with one allowed origin, the page is surely from it, and
        it can read the 503 and its Retry-After; with several, none can be named."""
        if self.allow_any:
            return self._ANY
        [only] = self._lines.values() if len(self._lines) == 1 else [self._NOT_ALLOWED]
        return only


def log_access(method: str, path: str, status: int, seconds: float) -> None:
    """Access log without the query string: it carries the queue id, a capability."""
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    if access_log.isEnabledFor(level):
        access_log.log(
            level, "%s %s %d %.1fms", printable(method), printable(path), status, 1000.0 * seconds
        )


class Routes:
    """Every request of the server's `HttpServer` comes here."""

    def __init__(
        self, server, cors: CorsPolicy, max_concurrent_answers: int = MAX_CONCURRENT_ANSWERS
    ):
        self.server = server
        self.cors = cors
        self._max_concurrent_answers = max_concurrent_answers
        self._preflight_lines = (
            b"Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n"
            b"Access-Control-Allow-Headers: " + cors.allow_headers.encode() + b"\r\n"
            b"Access-Control-Max-Age: 600\r\n"
        )
        self._running: set[asyncio.Task] = set()  # the loop keeps only weak references
        self._queued: collections.deque = collections.deque()  # (coroutine function, args)
        self._gets = {
            POLL_PATH: self._poll,
            "/health": self._health,
            "/ready": self._ready,
            "/metrics": self._metrics,
        }

    def handle(self, request: Request, connection: HttpConnection) -> None:
        try:
            self._dispatch(request, connection)
        except Exception:
            self.fail(request, connection)

    def _dispatch(self, request: Request, connection: HttpConnection) -> None:
        answer = self._gets.get(request.path)
        if request.method in ANSWERED_METHODS and answer is not None:
            answer(request, connection)
        elif request.method == "OPTIONS":
            self.send(request, connection, 204, b"", self._preflight_lines)
        elif answer is not None:
            self.send_error(
                request,
                connection,
                HttpError(405, "Method Not Allowed", b"Allow: GET, HEAD, OPTIONS\r\n"),
            )
        else:
            self.send_error(request, connection, HttpError(404, "Not found"))

    def fail(self, request: Request, connection: HttpConnection) -> None:
        """After an unexpected exception in a route: 500 if still unanswered, then close.

        Called from the `except` block, so the log line carries the traceback.
        """
        self.server.metrics.route_errors += 1
        log.exception(
            "uncaught exception answering %s %s", printable(request.method), printable(request.path)
        )
        if connection.answering:
            self.send_error(
                request, connection, HttpError(500, "Internal Server Error"), close=True
            )
        else:
            connection.close()

    def reject(self, connection: HttpConnection, error: HttpError) -> None:
        self.send_error(None, connection, error)

    def refuse(self, connection: HttpConnection) -> None:
        """Over the connection limit: 503 and close, unlogged (the sweep logs a count)."""
        error = HttpError(
            503, "Too many connections; retry later", b"Retry-After: %d\r\n" % REFUSAL_RETRY_AFTER
        )
        connection.respond(
            503,
            self.cors.unread_request_lines() + NO_STORE + JSON + error.headers,
            self._error_body(error),
        )

    def run(self, answer, *args) -> None:
        """Run `answer(*args)`, an answer that needs Redis, now or when a slot is free."""
        if len(self._running) < self._max_concurrent_answers:
            task = asyncio.get_running_loop().create_task(answer(*args))
            self._running.add(task)
            task.add_done_callback(self._finished)
        else:
            self._queued.append((answer, args))

    def _finished(self, task: asyncio.Task) -> None:
        self._running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # Answers catch their own exceptions (see fail); one that escapes is a bug.
            log.error("uncaught exception in an answer", exc_info=task.exception())
        if self._queued:
            answer, args = self._queued.popleft()
            self.run(answer, *args)

    def _poll(self, request: Request, connection: HttpConnection) -> None:
        PollExchange(self, request, connection).start()

    def _health(self, request: Request, connection: HttpConnection) -> None:
        healthy, report = self.server.health()
        self.send(request, connection, 200 if healthy else 503, json.dumps(report).encode(), JSON)

    def _metrics(self, request: Request, connection: HttpConnection) -> None:
        self.send(request, connection, 200, self.server.render_metrics(), METRICS)

    def _ready(self, request: Request, connection: HttpConnection) -> None:
        self.run(self._readiness, request, connection)  # it pings Redis

    async def _readiness(self, request: Request, connection: HttpConnection) -> None:
        try:
            ready, report = await self.server.readiness()
            self.send(request, connection, 200 if ready else 503, json.dumps(report).encode(), JSON)
        except Exception:
            self.fail(request, connection)

    def send(
        self,
        request: Request | None,
        connection: HttpConnection,
        status: int,
        body: bytes,
        head_lines: bytes = b"",
        close: bool = False,
    ) -> None:
        origin = request.origin if request is not None else None
        connection.respond(
            status, self.cors.header_lines(origin) + NO_STORE + head_lines, body, close
        )
        if request is not None:
            log_access(request.method, request.path, status, time.monotonic() - request.started_at)
        else:
            log_access("-", "(malformed request)", status, 0.0)

    def send_error(
        self,
        request: Request | None,
        connection: HttpConnection,
        error: HttpError,
        close: bool = False,
    ) -> None:
        head_lines = JSON + error.headers
        if error.status_code == 401:
            head_lines += b"WWW-Authenticate: Bearer\r\n"
        self.send(
            request, connection, error.status_code, self._error_body(error), head_lines, close
        )

    @staticmethod
    def _error_body(error: HttpError) -> bytes:
        return json.dumps({"message": error.message}).encode()
