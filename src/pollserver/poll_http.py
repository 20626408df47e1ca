"""`GET /realtime/poll`: the query and token checked, the poll answered now or later.

A waiting poll holds no task or coroutine: only its `Waiter` in the fan-out,
whose future's callback writes the answer, and the connection's hang-up
callback, which cancels the waiter.
"""

import logging

from tornado.escape import parse_qs_bytes

from realtime_core import tokens
from realtime_core.queues import looks_like_queue_id
from realtime_core.signals import parse_signal_id

from .fanout import Waiter
from .http import HttpConnection, HttpError, Request
from .poll import QueueNotFound, Unavailable

log = logging.getLogger(__name__)

MAX_EVENT_ID = 2**53  # the largest integer a JavaScript client holds exactly
JSON = b"Content-Type: application/json; charset=UTF-8\r\n"


class PollExchange:
    """One poll, from its request to its answer."""

    __slots__ = ("_routes", "_request", "_connection", "_waiter")

    def __init__(self, routes, request: Request, connection: HttpConnection):
        self._routes = routes
        self._request = request
        self._connection = connection
        self._waiter: Waiter | None = None

    def start(self) -> None:
        try:
            arguments = parse_qs_bytes(self._request.query, keep_blank_values=True)
            queue_id = _queue_id(arguments)
            cursor = _last_event_id(arguments)
            token_user_id = self._token_user_id()
            signal_cursor = _signal_cursor(arguments)
            personal = _argument(arguments, "notifications") in (b"1", b"true")
        except HttpError as error:
            self._routes.send_error(self._request, self._connection, error)
            return
        self._routes.server.requests.started()
        self._routes.run(self._respond, queue_id, cursor, token_user_id, signal_cursor, personal)

    async def _respond(
        self,
        queue_id: str,
        cursor: int,
        token_user_id: int | None,
        signal_cursor: tuple[int, int] | None,
        personal: bool,
    ) -> None:
        """Answer at once, or leave a waiter whose future answers later."""
        server = self._routes.server
        try:
            answer = await server.poller.poll(
                queue_id, cursor, token_user_id, signal_cursor, personal
            )
        except QueueNotFound:
            server.metrics.not_found += 1
            self._error(HttpError(404, "Queue not found or expired; register again"))
        except Unavailable:
            server.metrics.redis_errors += 1
            self._error(HttpError(503, "Realtime service temporarily unavailable"))
        except Exception:
            log.exception("uncaught exception in GET /realtime/poll")
            self._error(HttpError(500, "Internal Server Error"))
        else:
            if isinstance(answer, Waiter):
                self._wait_for(answer)
                return  # the request is finished when the waiter is answered
            self._routes.send(self._request, self._connection, 200, answer, JSON)
            server.requests.finished()

    def _error(self, error: HttpError) -> None:
        self._routes.send_error(self._request, self._connection, error)
        self._routes.server.requests.finished()

    def _wait_for(self, waiter: Waiter) -> None:
        self._waiter = waiter
        waiter.future.add_done_callback(self._answered)
        if self._connection.closed:
            self._hung_up()
        else:
            self._connection.on_close = self._hung_up

    def _hung_up(self) -> None:
        self._routes.server.fanout.cancel(self._waiter)

    def _answered(self, future) -> None:
        """The waiter's answer; a cancelled one means the client went away."""
        self._connection.on_close = None
        if not future.cancelled():
            self._routes.send(self._request, self._connection, 200, future.result(), JSON)
        self._routes.server.requests.finished()

    def _token_user_id(self) -> int | None:
        """The user an Authorization header names; real browser clients send none."""
        header = self._request.authorization
        if header is None:
            return None
        token = tokens.bearer(header)
        if token is None:
            raise HttpError(401, "Authorization header must be 'Bearer <access token>'")
        try:
            return tokens.verify(token)
        except tokens.InvalidToken as exc:
            raise HttpError(401, str(exc)) from None


def _argument(arguments: dict[str, list[bytes]], name: str) -> bytes | None:
    values = arguments.get(name)
    return values[-1] if values else None


def _queue_id(arguments) -> str:
    raw = _argument(arguments, "queue_id")
    if not raw:
        raise HttpError(400, "queue_id is required")
    queue_id = raw.decode("ascii", "replace")
    if not looks_like_queue_id(queue_id):
        raise HttpError(400, "queue_id is malformed")
    return queue_id


def _last_event_id(arguments) -> int:
    raw = _argument(arguments, "last_event_id")
    if raw is None or raw == b"":
        raise HttpError(400, "last_event_id is required")
    # bytes.isdigit accepts only ASCII digits: no sign, spaces or underscores.
    if not raw.isdigit() or len(raw) > 16 or int(raw) > MAX_EVENT_ID:
        raise HttpError(400, "last_event_id must be an integer from 0 to 2^53")
    return int(raw)


def _signal_cursor(arguments) -> tuple[int, int] | None:
    """The newest presence or typing signal the client has seen; absent: it wants none."""
    raw = _argument(arguments, "signal_cursor")
    if raw is None:
        return None
    cursor = parse_signal_id(raw.decode("ascii", "replace"))
    if cursor is None:
        raise HttpError(400, "signal_cursor must be a signal id such as 1700000000000-0")
    return cursor
