"""HTTP/1.1 for this server's few routes, on Tornado's `TCPServer` and `IOStream`.

Why not `tornado.httpserver`: nearly every request here is a poll that then
waits, thousands at once. Tornado's HTTP layer keeps, per waiting connection,
two connection objects, a coroutine reading the next request, its futures and
the parsed request, and spends on each request about as much CPU as the poll
itself (bench/RESULTS.md). Here a connection is one small object driven by
callbacks, and a response is one `bytes` written once.

What it speaks: request line and headers up to `MAX_HEAD_BYTES` (longer ones
close the connection, as Tornado's own server does); bodies only with
`Content-Length` up to `MAX_BODY_BYTES`, read and ignored (a chunked body or a
longer one is refused); keep-alive by the HTTP/1.1 and HTTP/1.0 rules; one
request at a time per connection (a pipelined request waits in the stream's
buffer until the previous one is answered); connections that send nothing for
`IDLE_TIMEOUT` seconds between or within requests are closed.

The application is a `Routes` object: `handle(request, connection)` for every
request, `reject(connection, error)` for a malformed one.
It answers through `connection.respond`, at once or later.
"""

import asyncio
import time
from collections.abc import Callable
from typing import Protocol

from tornado import httputil
from tornado.iostream import IOStream, StreamClosedError
from tornado.tcpserver import TCPServer

MAX_HEAD_BYTES = 16 * 1024
MAX_BODY_BYTES = 64 * 1024
IDLE_TIMEOUT = 120.0  # seconds; browsers reconnect at once, and a poll waits far less
SWEEP_INTERVAL = 15.0
REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
           404: "Not Found", 405: "Method Not Allowed", 413: "Payload Too Large",
           500: "Internal Server Error", 503: "Service Unavailable"}
_TOKEN_CHARS = frozenset(b"!#$%&'*+-.^_`|~0123456789"
                         b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


class Request:
    """What the routes need of a request; the other headers are not kept."""

    __slots__ = ("method", "path", "query", "origin", "authorization", "keep_alive",
                 "started_at")

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


class HttpError(Exception):
    """An expected error, answered as JSON `{"message": ...}` and not logged."""

    def __init__(self, status_code: int, message: str):
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def parse_head(head: bytes, started_at: float) -> tuple[Request, int]:
    """The request and its body length, from the bytes up to and including the blank line."""
    try:
        text = head.decode("ascii")
    except UnicodeDecodeError:
        raise HttpError(400, "request line and headers must be ASCII") from None
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[0] or not _TOKEN_CHARS.issuperset(parts[0].encode()):
        raise HttpError(400, "malformed request line")
    method, target, version = parts
    if version not in ("HTTP/1.1", "HTTP/1.0") or not target.startswith("/"):
        raise HttpError(400, "malformed request line")
    path, _, query = target.partition("?")
    request = Request(method, path, query, started_at)
    connection = None
    body_length = 0
    seen_length = None
    for line in lines[1:]:
        if not line:
            continue  # the blank line that ends the head
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or line[0] in " \t":
            raise HttpError(400, "malformed header line")
        value = value.strip(" \t")
        lowered = name.lower()
        if lowered == "origin":
            request.origin = value
        elif lowered == "authorization":
            request.authorization = value
        elif lowered == "connection":
            connection = value.lower()
        elif lowered == "content-length":
            if not value.isdigit() or len(value) > 12 or (
                    seen_length is not None and value != seen_length):
                raise HttpError(400, "malformed Content-Length")
            seen_length = value
            body_length = int(value)
            if body_length > MAX_BODY_BYTES:
                raise HttpError(413, "request body too large")
        elif lowered == "transfer-encoding":
            raise HttpError(400, "request bodies must be sent with Content-Length")
    tokens = {token.strip() for token in connection.split(",")} if connection else set()
    if version == "HTTP/1.1":
        request.keep_alive = "close" not in tokens
    else:
        request.keep_alive = "keep-alive" in tokens
    return request, body_length


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


class HttpConnection:
    """One client connection: reads a request, lets the routes answer, then reads the next."""

    __slots__ = ("_stream", "_server", "_request", "reading_since", "on_close")

    def __init__(self, stream: IOStream, server: "HttpServer"):
        self._stream = stream
        self._server = server
        self._request: Request | None = None  # being answered
        self.reading_since: float | None = None  # waiting for a request since then
        self.on_close: Callable[[], None] | None = None  # the routes' interest in a hang-up
        stream.set_close_callback(self._closed)

    def read_next(self) -> None:
        self._request = None
        self.reading_since = time.monotonic()
        try:
            future = self._stream.read_until(b"\r\n\r\n", max_bytes=MAX_HEAD_BYTES)
        except StreamClosedError:
            return
        future.add_done_callback(self._head_read)

    def _head_read(self, future: asyncio.Future) -> None:
        if future.exception() is not None:
            return  # closed, or a head longer than MAX_HEAD_BYTES (the stream closed itself)
        self.reading_since = None
        try:
            request, body_length = parse_head(future.result(), time.monotonic())
        except HttpError as error:
            self._server.routes.reject(self, error)
            return
        self._request = request
        if body_length:
            try:
                body = self._stream.read_bytes(body_length)
            except StreamClosedError:
                return
            body.add_done_callback(self._body_read)
        else:
            self._server.routes.handle(request, self)

    def _body_read(self, future: asyncio.Future) -> None:
        if future.exception() is None and self._request is not None:
            self._server.routes.handle(self._request, self)

    def respond(self, status: int, head_lines: bytes, body: bytes) -> None:
        """Send the answer to the current request; `head_lines` are whole header lines.

        A connection not to be kept alive (the client asked, or this answers a
        malformed request) is closed once the answer is written.
        """
        stream = self._stream
        if stream.closed():
            return
        request = self._request
        keep_alive = request is not None and request.keep_alive
        length = len(body)
        if request is not None and request.method == "HEAD":
            body = b""  # the length is still the one a GET would have had
        data = b"".join((
            b"HTTP/1.1 %d %s\r\n" % (status, REASONS[status].encode()),
            self._server.date.line(),
            b"Content-Length: %d\r\n" % length,
            head_lines,
            b"Connection: keep-alive\r\n\r\n" if keep_alive else b"Connection: close\r\n\r\n",
            body,
        ))
        written = stream.write(data)
        if keep_alive:
            self.read_next()
            return

        def close(done: asyncio.Future) -> None:
            if not done.cancelled():
                done.exception()  # retrieved: a client gone before the answer is no error
            stream.close()

        written.add_done_callback(close)

    @property
    def closed(self) -> bool:
        return self._stream.closed()

    def close(self) -> None:
        self._stream.close()

    def _closed(self) -> None:
        self._server.connections.discard(self)
        self.reading_since = None
        if self.on_close is not None:
            callback, self.on_close = self.on_close, None
            callback()


class HttpServer(TCPServer):
    def __init__(self, routes: Routes, idle_timeout: float = IDLE_TIMEOUT,
                 sweep_interval: float = SWEEP_INTERVAL):
        # A client cannot make the server buffer more than a request's worth.
        super().__init__(max_buffer_size=MAX_HEAD_BYTES + MAX_BODY_BYTES + 4096)
        self.routes = routes
        self._idle_timeout = idle_timeout
        self._sweep_interval = sweep_interval
        self.date = DateHeader()
        self.connections: set[HttpConnection] = set()
        self._sweeper: asyncio.Task | None = None

    def handle_stream(self, stream: IOStream, address) -> None:
        try:
            stream.set_nodelay(True)  # each answer is one write; never wait to coalesce
        except StreamClosedError:
            return
        connection = HttpConnection(stream, self)
        self.connections.add(connection)
        connection.read_next()
        if self._sweeper is None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_idle())

    def stop(self) -> None:
        super().stop()
        if self._sweeper is not None:
            self._sweeper.cancel()

    async def _sweep_idle(self) -> None:
        """Close connections silent for IDLE_TIMEOUT: one pass over all, not a timer each."""
        while True:
            await asyncio.sleep(self._sweep_interval)
            idle_since = time.monotonic() - self._idle_timeout
            for connection in [c for c in self.connections
                               if c.reading_since is not None and c.reading_since < idle_since]:
                connection.close()
