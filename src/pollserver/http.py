"""HTTP/1.1 for this server's few routes: httptools parses, Tornado's `IOStream` carries bytes.

Why not `tornado.httpserver`: nearly every request here is a poll that then
waits, thousands at once. Tornado's HTTP layer keeps, per waiting connection,
two connection objects, a coroutine reading the next request, its futures and
the parsed request, and spends on each request about as much CPU as the poll
itself (bench/RESULTS.md). Here a connection is one small object driven by
callbacks, and a response is one `bytes` written once. Request heads are
parsed by httptools (llhttp, Node's parser, also under uvicorn): strict about
request lines, header syntax, Content-Length and versions (bench/EDGE.md has
the comparison that chose it).

What the server decides, each a bound on what an anonymous client can make it
hold (the numbers are `HttpLimits`, set from the environment in `app`):

- One request at a time per connection. The next request is not read while
  one is being answered, nor while its answer has not all been handed to the
  kernel: a client that pipelines without reading fills its own socket
  buffers and then waits; its requests never pile up in this process.
- A head of at most `max_head_bytes` (longer: the connection is closed); a
  body only with Content-Length up to `max_body_bytes`, read and ignored (a
  chunked body is refused with 400, a longer one with 413); an HTTP/1.1
  request needs exactly one Host header (else 400). A malformed request is
  answered and the connection closed.
- A deadline for every state: `idle_timeout` waiting for a request's first
  byte, `head_timeout` from there to the end of the head, `body_timeout` for
  the body, `write_timeout` for an answer to be taken by the client. While a
  request is being answered there is none here: a poll answers within the
  poll timeout. One sweep over all connections enforces them.
- At most `max_unsent_bytes` of one answer wait in the process for a client
  that does not read; a larger answer closes the connection.
- At most `max_connections` connections: one more is answered 503 with
  Retry-After and closed at once, and counted.

The application is a `Routes` object: `handle(request, connection)` for every
request, `reject(connection, error)` for a malformed one, `refuse(connection)`
for one over the connection limit. It answers through `connection.respond`,
at once or later.
"""

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httptools
from tornado import httputil
from tornado.iostream import IOStream, StreamBufferFullError, StreamClosedError
from tornado.tcpserver import TCPServer

from .metrics import PollMetrics

log = logging.getLogger(__name__)

END_OF_HEAD = b"\r\n\r\n"
# Lines ended by a bare LF: llhttp refuses them, and the head is answered 400 at once
# instead of waiting out its deadline for a CRLF that will not come.
END_OF_BARE_LF_HEAD = b"\n\n"
# Requests here are a few hundred bytes: reading in small chunks bounds what a
# connection buffers beyond its current request (Tornado reads ahead one chunk).
READ_CHUNK_BYTES = 4096
# Connections the sweep closes before letting the loop run other callbacks: closing a
# thousand at once (a flood's deadlines all passing together) would stall every answer.
CLOSES_PER_TURN = 50
REASONS = {
    200: "OK",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class HttpLimits:
    max_connections: int = 10_000
    max_head_bytes: int = 16 * 1024
    max_body_bytes: int = 64 * 1024
    max_unsent_bytes: int = 1024 * 1024  # four times the largest poll answer (256 KiB)
    idle_timeout: float = 120.0  # browsers reconnect at once, and a poll waits far less
    head_timeout: float = 10.0
    body_timeout: float = 10.0
    write_timeout: float = 30.0

    @property
    def sweep_interval(self) -> float:
        """How often deadlines are checked: a connection outlives its deadline by at most this."""
        shortest = min(self.idle_timeout, self.head_timeout, self.body_timeout, self.write_timeout)
        return min(max(shortest / 4, 0.05), 2.5)


class Request:
    """What the routes need of a request; the other headers are not kept."""

    __slots__ = ("method", "path", "query", "origin", "authorization", "keep_alive", "started_at")

    def __init__(self, method: str, path: str, query: str, started_at: float):
        self.method = method
        self.path = path
        self.query = query
        self.origin: str | None = None
        self.authorization: str | None = None
        self.keep_alive = True
        self.started_at = started_at


class Routes(Protocol):
    def handle(self, request: Request, connection: "HttpConnection") -> None: ...

    def reject(self, connection: "HttpConnection", error: "HttpError") -> None: ...

    def refuse(self, connection: "HttpConnection") -> None: ...


class HttpError(Exception):
    """An expected error, answered as JSON `{"message": ...}` and not logged."""

    def __init__(self, status_code: int, message: str, headers: bytes = b""):
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.headers = headers  # whole header lines the answer carries, e.g. Allow


class _HeadFields:
    """The httptools callbacks of one request head, keeping only what the routes need."""

    __slots__ = (
        "target",
        "origin",
        "authorization",
        "hosts",
        "content_length",
        "transfer_encoding",
        "parser",
        "keep_alive",
    )

    def __init__(self):
        self.parser = httptools.HttpRequestParser(self)  # a cycle, broken in parse_head
        self.keep_alive = False
        self.target = b""
        self.origin: bytes | None = None
        self.authorization: bytes | None = None
        self.hosts = 0
        self.content_length = 0
        self.transfer_encoding = False

    def on_url(self, url: bytes) -> None:
        self.target += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"origin":
            self.origin = value.strip(b" \t")
        elif name == b"authorization":
            self.authorization = value.strip(b" \t")
        elif name == b"host":
            self.hosts += 1
        elif name == b"content-length":
            self.content_length = int(value)  # llhttp checked the digits and refused repeats
        elif name == b"transfer-encoding":
            self.transfer_encoding = True

    def on_headers_complete(self) -> None:
        # llhttp resets its keep-alive flag once the message is complete: read it now.
        self.keep_alive = self.parser.should_keep_alive()


def parse_head(
    head: bytes, started_at: float, max_body_bytes: int = HttpLimits.max_body_bytes
) -> tuple[Request, int]:
    """The request and its body length, from the bytes up to and including the blank line."""
    if not head.isascii():
        raise HttpError(400, "request line and headers must be ASCII")
    fields = _HeadFields()
    parser = fields.parser
    try:
        parser.feed_data(head)
    except httptools.HttpParserError as error:
        raise HttpError(400, f"malformed request: {error}") from None
    except httptools.HttpParserUpgrade:  # not a kind of HttpParserError
        raise HttpError(400, "protocol upgrades and CONNECT are not served") from None
    finally:
        fields.parser = None
    version = parser.get_http_version()
    if version not in ("1.1", "1.0"):
        raise HttpError(400, "only HTTP/1.1 and HTTP/1.0 are served")
    if version == "1.1" and fields.hosts != 1:
        raise HttpError(400, "an HTTP/1.1 request needs one Host header")
    if fields.transfer_encoding:
        raise HttpError(400, "request bodies must be sent with Content-Length")
    if fields.content_length > max_body_bytes:
        raise HttpError(413, "request body too large")
    target = fields.target.decode("ascii")
    if not target.startswith("/"):
        raise HttpError(400, "the request target must be a path")
    path, _, query = target.partition("?")
    request = Request(parser.get_method().decode("ascii"), path, query, started_at)
    if fields.origin is not None:
        request.origin = fields.origin.decode("ascii")
    if fields.authorization is not None:
        request.authorization = fields.authorization.decode("ascii")
    request.keep_alive = fields.keep_alive
    return request, fields.content_length


class DateHeader:
    """The Date header, formatted once a second: formatting costs more than a poll's logic."""

    def __init__(self):
        self._second = -1
        self._line = b""

    def line(self) -> bytes:
        now = int(time.time())
        if now != self._second:
            self._second = now
            self._line = f"Date: {httputil.format_timestamp(now)}\r\n".encode()
        return self._line


# The states of a connection; each but ANSWERING has a deadline.
IDLE, HEAD, BODY, ANSWERING, WRITING = "idle", "head", "body", "answering", "writing"


class HttpConnection:
    """One client connection: reads a request, lets the routes answer, then reads the next."""

    __slots__ = ("_stream", "_server", "_request", "_received", "state", "deadline", "on_close")

    def __init__(self, stream: IOStream, server: "HttpServer"):
        self._stream = stream
        self._server = server
        self._request: Request | None = None  # being answered
        self._received = b""  # read from the stream and not yet part of a request
        self.state = ANSWERING  # until read_next: a refused connection is answered at once
        self.deadline: float | None = None  # monotonic time the current state must end by
        self.on_close: Callable[[], None] | None = None  # the routes' interest in a hang-up
        stream.set_close_callback(self._closed)

    def read_next(self) -> None:
        """Wait for the next request: its first byte starts the head's deadline."""
        self._request = None
        if self._received:  # pipelined: the next head has begun
            self._enter(HEAD, self._server.limits.head_timeout)
            self._take_head()
        else:
            self._enter(IDLE, self._server.limits.idle_timeout)
            self._read_more()

    def _enter(self, state: str, timeout: float | None) -> None:
        self.state = state
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def _read_more(self) -> None:
        # Whatever has arrived, up to a chunk: a head nearly always comes whole in one read.
        # (Reading its first byte alone, then up to the blank line, left Tornado's buffer
        # non-empty between the two reads, and each request took the socket out of the
        # loop's selector and put it back: a tenth of the server's CPU.)
        try:
            future = self._stream.read_bytes(READ_CHUNK_BYTES, partial=True)
        except StreamClosedError:
            return
        future.add_done_callback(self._arrived)

    def _arrived(self, future: asyncio.Future) -> None:
        if future.exception() is not None:
            return  # closed
        if self.state is IDLE:
            self._enter(HEAD, self._server.limits.head_timeout)
        self._received += future.result()
        self._take_head()

    def _take_head(self) -> None:
        """Parse the head once its blank line is in; read on until then, within the limit."""
        limits = self._server.limits
        end = self._received.find(END_OF_HEAD)
        if end >= 0:
            end += len(END_OF_HEAD)
        else:
            end = self._received.find(END_OF_BARE_LF_HEAD)
            if end < 0:
                if len(self._received) >= limits.max_head_bytes:
                    self.close()  # the blank line can no longer come within the limit
                else:
                    self._read_more()
                return
            end += len(END_OF_BARE_LF_HEAD)
        if end > limits.max_head_bytes:
            self.close()
            return
        head, self._received = self._received[:end], self._received[end:]
        self._enter(ANSWERING, None)
        try:
            request, body_length = parse_head(head, time.monotonic(), limits.max_body_bytes)
        except HttpError as error:
            self._received = b""
            self._server.routes.reject(self, error)
            return
        self._request = request
        if len(self._received) >= body_length:  # no body, or all of it arrived with the head
            self._received = self._received[body_length:]
            self._server.routes.handle(request, self)
            return
        missing = body_length - len(self._received)
        self._received = b""
        self._enter(BODY, limits.body_timeout)
        try:
            body = self._stream.read_bytes(missing)
        except StreamClosedError:
            return
        body.add_done_callback(self._body_read)

    def _body_read(self, future: asyncio.Future) -> None:
        if future.exception() is None and self._request is not None:
            self._enter(ANSWERING, None)
            self._server.routes.handle(self._request, self)

    @property
    def answering(self) -> bool:
        """Whether the current request still waits for its answer."""
        return self.state is ANSWERING and not self._stream.closed()

    def respond(self, status: int, head_lines: bytes, body: bytes, close: bool = False) -> None:
        """Send the answer to the current request; `head_lines` are whole header lines.

        The connection is closed once the answer is written when the client
        asked, when this answers a malformed request, or when `close` is set.
        The next request is read only once the client has taken this answer.
        """
        if not self.answering:
            return  # the client left, or the request was answered already
        stream = self._stream
        request = self._request
        keep_alive = request is not None and request.keep_alive and not close
        length = len(body)
        if request is not None and request.method == "HEAD":
            body = b""  # the length is still the one a GET would have had
        data = b"".join(
            (
                b"HTTP/1.1 %d %s\r\n" % (status, REASONS[status].encode()),
                self._server.date.line(),
                b"Content-Length: %d\r\n" % length,
                head_lines,
                b"Connection: keep-alive\r\n\r\n" if keep_alive else b"Connection: close\r\n\r\n",
                body,
            )
        )
        try:
            written = stream.write(data)
        except StreamBufferFullError:
            self._server.metrics.answers_too_large += 1
            log.warning(
                "closing a connection: a %d-byte answer is over the %d bytes that may "
                "wait for a client",
                len(data),
                self._server.limits.max_unsent_bytes,
            )
            stream.close()
            return
        except StreamClosedError:
            return
        if written.done():  # the kernel took it all at once, as it nearly always does
            self._written(keep_alive)
        else:
            self._enter(WRITING, self._server.limits.write_timeout)
            written.add_done_callback(lambda done: done.exception() or self._written(keep_alive))

    def _written(self, keep_alive: bool) -> None:
        if keep_alive:
            self.read_next()
        else:
            self._stream.close()

    @property
    def closed(self) -> bool:
        return self._stream.closed()

    def close(self) -> None:
        self._stream.close()

    def _closed(self) -> None:
        self._server.forget(self)
        self.deadline = None
        if self.on_close is not None:
            callback, self.on_close = self.on_close, None
            callback()


class HttpServer(TCPServer):
    def __init__(
        self, routes: Routes, limits: HttpLimits = HttpLimits(), metrics: PollMetrics | None = None
    ):
        # What Tornado may buffer of a connection's incoming bytes: a request's worth.
        super().__init__(
            max_buffer_size=limits.max_head_bytes + limits.max_body_bytes + READ_CHUNK_BYTES,
            read_chunk_size=READ_CHUNK_BYTES,
        )
        self.routes = routes
        self.limits = limits
        self.metrics = metrics if metrics is not None else PollMetrics()
        self.date = DateHeader()
        self.connections: set[HttpConnection] = set()
        self._sweeper: asyncio.Task | None = None
        self._refusals_reported = 0

    def handle_stream(self, stream: IOStream, address) -> None:
        stream.max_write_buffer_size = self.limits.max_unsent_bytes
        try:
            stream.set_nodelay(True)  # each answer is one write; never wait to coalesce
        except StreamClosedError:
            return
        connection = HttpConnection(stream, self)
        if self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())
        if len(self.connections) >= self.limits.max_connections:
            self.metrics.connections_refused += 1
            self.routes.refuse(connection)
            return
        self.connections.add(connection)
        self.metrics.open_connections = len(self.connections)
        connection.read_next()

    def forget(self, connection: HttpConnection) -> None:
        self.connections.discard(connection)
        self.metrics.open_connections = len(self.connections)

    def stop(self) -> None:
        super().stop()
        if self._sweeper is not None:
            self._sweeper.cancel()

    async def _sweep(self) -> None:
        """Close connections past their state's deadline: one pass over all, not a timer each."""
        while True:
            await asyncio.sleep(self.limits.sweep_interval)
            now = time.monotonic()
            expired = [c for c in self.connections if c.deadline is not None and c.deadline < now]
            for index, connection in enumerate(expired):
                if index and index % CLOSES_PER_TURN == 0:
                    await asyncio.sleep(0)  # let other connections be answered in between
                # Checked again: in between, a connection may have moved on or closed.
                if connection.deadline is not None and connection.deadline < now:
                    self.metrics.connections_timed_out += 1
                    connection.close()
            refused = self.metrics.connections_refused - self._refusals_reported
            if refused:  # one line per sweep, not one per refusal: a flood must not flood the log
                self._refusals_reported += refused
                log.warning(
                    "refused %d connections: the limit of %d is reached",
                    refused,
                    self.limits.max_connections,
                )
