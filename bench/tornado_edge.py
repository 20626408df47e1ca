"""Bench variant only: the poll server's routes on Tornado's own HTTP/1.1 server.

`edge_compare.py` appends this to a copy of `pollserver/http.py` (so `Request`,
`HttpLimits` and `REASONS` are that module's) and runs the copy, so that
`HttpServer` below replaces the httptools layer and nothing else changes:
Tornado's `HTTPServer` and `HTTP1ServerConnection` read and parse requests,
and the routes answer through an adapter with the same `respond`. Tornado
itself has deadlines for idle connections and bodies and caps on head and
body sizes, but none for a head dribbled in or an answer not read, no
connection limit and no refusal; those would have to be added around it.
"""

import tornado.httpserver
from tornado import httputil


class _TornadoConnection:
    """What the routes need of a connection, over Tornado's `HTTP1Connection`."""

    __slots__ = ("_connection", "_request", "_answered", "on_close")

    def __init__(self, connection, request):
        self._connection = connection
        self._request = request
        self._answered = False
        self.on_close = None
        connection.set_close_callback(self._closed)

    @property
    def answering(self) -> bool:
        return not self._answered and not self.closed

    @property
    def closed(self) -> bool:
        return self._connection.stream is None or self._connection.stream.closed()

    def close(self) -> None:
        self._connection.close()

    def respond(self, status: int, head_lines: bytes, body: bytes, close: bool = False) -> None:
        if not self.answering:
            return
        self._answered = True
        headers = httputil.HTTPHeaders()
        for line in head_lines.decode("latin-1").split("\r\n"):
            if line:
                name, _, value = line.partition(":")
                headers.add(name, value.strip())
        headers["Content-Length"] = str(len(body))
        if close:
            headers["Connection"] = "close"
        if self._request.method == "HEAD":
            body = b""
        start_line = httputil.ResponseStartLine("HTTP/1.1", status, REASONS[status])  # noqa: F821
        self._connection.write_headers(start_line, headers, body)
        self._connection.finish()

    def _closed(self) -> None:
        if self.on_close is not None:
            callback, self.on_close = self.on_close, None
            callback()


class _Exchange(httputil.HTTPMessageDelegate):
    def __init__(self, routes, connection):
        self._routes = routes
        self._connection = connection
        self._request = None

    def headers_received(self, start_line, headers) -> None:
        path, _, query = start_line.path.partition("?")
        self._request = Request(start_line.method, path, query, time.monotonic())  # noqa: F821
        self._request.origin = headers.get("Origin")
        self._request.authorization = headers.get("Authorization")

    def data_received(self, chunk) -> None:
        pass  # bodies are ignored, as in the poll server's own layer

    def finish(self) -> None:
        self._routes.handle(self._request, _TornadoConnection(self._connection, self._request))

    def on_connection_close(self) -> None:
        pass


class _Routing(httputil.HTTPServerConnectionDelegate):
    def __init__(self, routes):
        self._routes = routes

    def start_request(self, server_conn, request_conn):
        return _Exchange(self._routes, request_conn)


def HttpServer(routes, limits=HttpLimits(), metrics=None):  # noqa: F821,N802
    return tornado.httpserver.HTTPServer(
        _Routing(routes),
        idle_connection_timeout=limits.idle_timeout,
        body_timeout=limits.body_timeout,
        max_header_size=limits.max_head_bytes,
        max_body_size=limits.max_body_bytes,
    )
