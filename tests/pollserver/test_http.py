"""The poll server's HTTP/1.1 edge: the head parser alone, the connection's states in
process (short limits, real sockets), then on the wire of a real `python -m pollserver`."""

import asyncio
import dataclasses
import json
import logging
import re
import resource
import socket
import time

import pytest
from tornado.netutil import bind_sockets

from pollserver.app import FILES_KEPT_FOR_REDIS_AND_LOGS, fit_connections_to_open_files
from pollserver.config import HTTP_LIMIT_VARIABLES, PollServerConfig
from pollserver.http import (
    ANSWERING,
    BODY,
    HEAD,
    IDLE,
    WRITING,
    HttpError,
    HttpLimits,
    HttpServer,
    parse_head,
)
from pollserver.metrics import PollMetrics
from pollserver.routes import CorsPolicy, Routes, log_access, printable

ALICE, COMMUNITY = 1, 10
ORIGIN = "http://allowed.example"


def head(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# The parser (httptools) and what the server decides on top of it.


def test_a_poll_request_is_parsed_with_only_what_the_routes_need():
    request, body_length = parse_head(
        head(
            "GET /realtime/poll?queue_id=abc&last_event_id=3 HTTP/1.1",
            "Host: x",
            "origin: http://a.example",
            "AUTHORIZATION:  Bearer t0k ",
            "X-Other: kept out",
        ),
        1.0,
    )
    assert (request.method, request.path, request.query) == (
        "GET",
        "/realtime/poll",
        "queue_id=abc&last_event_id=3",
    )
    assert request.origin == "http://a.example"
    assert request.authorization == "Bearer t0k"
    assert request.keep_alive and body_length == 0
    assert request.started_at == 1.0


@pytest.mark.parametrize(
    ("version", "connection", "keep_alive"),
    [
        ("HTTP/1.1", None, True),
        ("HTTP/1.1", "close", False),
        ("HTTP/1.1", "Keep-Alive, Close", False),
        ("HTTP/1.0", None, False),
        ("HTTP/1.0", "keep-alive", True),
    ],
)
def test_keep_alive_follows_the_version_and_the_connection_header(version, connection, keep_alive):
    lines = [f"GET /health {version}", "Host: x"]
    lines += [f"Connection: {connection}"] if connection else []
    request, _ = parse_head(head(*lines), 0.0)
    assert request.keep_alive is keep_alive


def test_a_content_length_body_is_announced_to_be_read_and_ignored():
    _, body_length = parse_head(head("GET /health HTTP/1.1", "Host: x", "Content-Length: 12"), 0.0)
    assert body_length == 12


def test_http_1_0_needs_no_host():
    request, _ = parse_head(head("GET /health HTTP/1.0"), 0.0)
    assert request.path == "/health"


@pytest.mark.parametrize(
    ("lines", "status"),
    [
        (["GET /health"], 400),
        (["GET /health HTTP/2.0", "Host: x"], 400),
        (["GET /health HTTP/1.2", "Host: x"], 400),
        (["GET health HTTP/1.1", "Host: x"], 400),
        (["GET http://x/health HTTP/1.1", "Host: x"], 400),
        (["G(T /health HTTP/1.1", "Host: x"], 400),
        (["GET /health HTTP/1.1"], 400),  # no Host
        (["GET /health HTTP/1.1", "Host: a", "Host: b"], 400),
        (["GET /a\nb HTTP/1.1", "Host: x"], 400),  # a line feed in the target
        (["GET /a\rb HTTP/1.1", "Host: x"], 400),
        (["GET /a\x01b HTTP/1.1", "Host: x"], 400),
        (["GET /health HTTP/1.1", "Host: x", "X-A: a\x01b"], 400),
        (["GET /health HTTP/1.1", "Host: x", "X-A: a\nX-B: forged"], 400),
        (["GET /health HTTP/1.1", "Host: x", "No colon here"], 400),
        (["GET /health HTTP/1.1", "Host: x", ": no name"], 400),
        (["GET /health HTTP/1.1", "Host: x", "Name : space before the colon"], 400),
        (["GET /health HTTP/1.1", "Host: x", "X-A: 1", " folded continuation"], 400),
        (["GET /health HTTP/1.1", "Host: x", "Content-Length: -1"], 400),
        (["GET /health HTTP/1.1", "Host: x", "Content-Length: 1e3"], 400),
        (["GET /health HTTP/1.1", "Host: x", "Content-Length: 1", "Content-Length: 2"], 400),
        (
            ["GET /health HTTP/1.1", "Host: x", f"Content-Length: {HttpLimits.max_body_bytes + 1}"],
            413,
        ),
        (["GET /health HTTP/1.1", "Host: x", "Content-Length: 99999999999999999999"], 400),
        (["GET /health HTTP/1.1", "Host: x", "Transfer-Encoding: chunked"], 400),
        (["CONNECT x:1 HTTP/1.1", "Host: x"], 400),
        (["GET /health HTTP/1.1", "Host: x", "Connection: Upgrade", "Upgrade: websocket"], 400),
        (
            ["GET /health HTTP/1.1", "Host: x", "Transfer-Encoding: chunked", "Content-Length: 3"],
            400,
        ),
    ],
)
def test_malformed_requests_are_refused_with_a_status(lines, status):
    with pytest.raises(HttpError) as refused:
        parse_head(head(*lines), 0.0)
    assert refused.value.status_code == status and refused.value.message


def test_non_ascii_heads_are_refused():
    with pytest.raises(HttpError):
        parse_head("GET /h\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n".encode("latin-1"), 0.0)


def test_limits_come_from_the_environment_with_defaults():
    limits = PollServerConfig.from_env(
        {
            "REALTIME_HTTP_HEAD_TIMEOUT": "2.5",
            "REALTIME_HTTP_MAX_CONNECTIONS": "300",
            "REALTIME_HTTP_BODY_TIMEOUT": "",  # set but empty: the default
        }
    ).http
    assert (limits.head_timeout, limits.max_connections) == (2.5, 300)
    assert limits.body_timeout == HttpLimits().body_timeout
    assert set(HTTP_LIMIT_VARIABLES) == {field.name for field in dataclasses.fields(HttpLimits)}


def test_the_connection_limit_fits_the_open_files_the_system_allows():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        pytest.skip(reason="no hard limit on open files here to fit under")
    fitted = fit_connections_to_open_files(HttpLimits(max_connections=hard + 1000))
    assert fitted.max_connections == hard - FILES_KEPT_FOR_REDIS_AND_LOGS
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == hard


def test_limits_are_checked_often_enough_for_the_shortest_deadline():
    assert HttpLimits().sweep_interval == 2.5
    assert HttpLimits(head_timeout=1.0).sweep_interval == 0.25


# Log lines built from client input.


def test_control_characters_are_escaped_in_what_is_logged():
    assert printable("/a\r\nINFO forged\tline\x1b[31m\x7f") == (
        "/a\\x0d\\x0aINFO forged\\x09line\\x1b[31m\\x7f"
    )


def test_the_access_log_line_cannot_be_split_by_a_client(caplog):
    with caplog.at_level(logging.INFO, logger="pollserver.access"):
        log_access("GET", "/x\nWARNING pollserver: forged", 404, 0.001)
    [record] = caplog.records
    assert "\n" not in record.getMessage() and "\\x0a" in record.getMessage()


# A raw client.


class Wire:
    """A raw connection that reads whole responses (status, headers, body)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    @classmethod
    async def to(cls, port: int, receive_buffer: int | None = None) -> "Wire":
        sock = None
        if receive_buffer is not None:  # a small window: unread answers back up at once
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
            sock.setblocking(False)
            await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
            return cls(*await asyncio.open_connection(sock=sock))
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    def send(self, data: bytes) -> None:
        self.writer.write(data)

    async def response(self, expect_body: bool = True) -> tuple[int, dict[str, str], bytes]:
        raw = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 10)
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.lower()] = value.strip()
        length = int(headers["content-length"]) if expect_body else 0
        body = await asyncio.wait_for(self.reader.readexactly(length), 10)
        return status, headers, body

    async def closed_by_server(self, timeout: float = 10) -> bool:
        """Reads until the server closes; any unread answers are dropped."""

        async def until_eof():
            while await self.reader.read(65536):
                pass

        try:
            await asyncio.wait_for(until_eof(), timeout)
        except ConnectionResetError:
            pass  # closed with our unread requests still in its buffer: a reset
        return True

    def close(self) -> None:
        self.writer.close()


# The connection's states, in process: an HttpServer with short limits and test routes.


class Recorded:
    """Routes that record every request and answer it when the test says."""

    def __init__(self, body: bytes = b"ok"):
        self.body = body
        self.requests: list = []
        self.rejected: list[int] = []
        self.answer_at_once = True

    def handle(self, request, connection):
        self.requests.append((request, connection))
        if self.answer_at_once:
            connection.respond(200, b"", self.body)

    def reject(self, connection, error):
        self.rejected.append(error.status_code)
        connection.respond(error.status_code, b"", b"")

    def refuse(self, connection):
        connection.respond(503, b"Retry-After: 5\r\n", b"")


SHORT = HttpLimits(idle_timeout=0.6, head_timeout=0.3, body_timeout=0.3, write_timeout=0.3)


@pytest.fixture
async def serve():
    """Factory: serve(routes, limits) runs an HttpServer in this loop; returns (server, port)."""
    servers = []

    def start(routes, limits: HttpLimits = SHORT):
        server = HttpServer(routes, limits, PollMetrics())
        [listening] = bind_sockets(0, "127.0.0.1")
        server.add_sockets([listening])
        servers.append(server)
        return server, listening.getsockname()[1]

    yield start
    for server in servers:
        server.stop()


async def wait_for(condition, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def only_connection(server: HttpServer):
    [connection] = server.connections
    return connection


async def test_every_state_is_closed_by_its_own_deadline(serve):
    server, port = serve(Recorded())
    idle, head_started, body_started = [await Wire.to(port) for _ in range(3)]
    head_started.send(b"GET / HTTP/1.1\r\nHo")  # and never the rest
    body_started.send(head("GET / HTTP/1.1", "Host: x", "Content-Length: 10") + b"abc")
    await wait_for(lambda: sorted(c.state for c in server.connections) == [BODY, HEAD, IDLE])
    started = time.monotonic()
    await head_started.closed_by_server()
    await body_started.closed_by_server()
    head_and_body = time.monotonic() - started
    await idle.closed_by_server()
    idle_closed = time.monotonic() - started
    assert head_and_body < SHORT.head_timeout + SHORT.sweep_interval + 0.2 < idle_closed
    assert idle_closed < SHORT.idle_timeout + SHORT.sweep_interval + 0.2
    await wait_for(lambda: not server.connections)
    assert server.metrics.connections_timed_out == 3 and server.metrics.open_connections == 0
    fresh = await Wire.to(port)  # the server itself goes on
    fresh.send(head("GET / HTTP/1.1", "Host: x"))
    assert (await fresh.response())[2] == b"ok"
    fresh.close()


async def test_a_dribbled_head_is_closed_by_the_head_deadline_not_kept_alive_by_bytes(serve):
    server, port = serve(Recorded())
    slow = await Wire.to(port)
    request = head("GET / HTTP/1.1", "Host: x", "X-Pad: " + "a" * 200)  # 4 s at 20 ms a byte
    closed = asyncio.ensure_future(slow.closed_by_server())
    started, sent = time.monotonic(), 0
    while not closed.done() and sent < len(request):
        slow.send(request[sent : sent + 1])
        sent += 1
        await asyncio.sleep(0.02)
    await closed
    assert sent < len(request)
    assert time.monotonic() - started < SHORT.head_timeout + SHORT.sweep_interval + 0.5
    assert not server.routes.requests and server.metrics.connections_timed_out == 1
    slow.close()


async def test_one_request_at_a_time_a_pipelined_one_waits_for_the_answer(serve):
    routes = Recorded()
    routes.answer_at_once = False
    server, port = serve(routes, HttpLimits())
    client = await Wire.to(port)
    client.send(head("GET /first HTTP/1.1", "Host: x") + head("GET /second HTTP/1.1", "Host: x"))
    await wait_for(lambda: len(routes.requests) == 1)
    await asyncio.sleep(0.1)  # a chance to read the second one, which it must not take
    assert [r.path for r, _ in routes.requests] == ["/first"]
    assert only_connection(server).state == ANSWERING
    routes.requests[0][1].respond(200, b"", b"one")
    await wait_for(lambda: len(routes.requests) == 2)
    routes.requests[1][1].respond(200, b"", b"two")
    assert (await client.response())[2] == b"one" and (await client.response())[2] == b"two"
    client.close()


async def test_a_head_in_pieces_and_a_body_sharing_a_send_with_the_next_head(serve):
    routes = Recorded()
    server, port = serve(routes, HttpLimits())
    client = await Wire.to(port)
    pieces = [b"GET /pieces HT", b"TP/1.1\r\nHost: x\r", b"\n\r", b"\n"]  # the blank line split
    for piece in pieces[:-1]:
        client.send(piece)
        await asyncio.sleep(0.05)
        assert not routes.requests and only_connection(server).state == HEAD
    client.send(pieces[-1])
    assert (await client.response())[0] == 200
    with_body = head("POST /with-body HTTP/1.1", "Host: x", "Content-Length: 5") + b"12345"
    client.send(with_body + head("GET /after HTTP/1.1", "Host: x"))
    assert (await client.response())[0] == 200 and (await client.response())[0] == 200
    # A body announced with the head but sent later is read on its own.
    client.send(head("POST /late-body HTTP/1.1", "Host: x", "Content-Length: 4") + b"ab")
    await wait_for(lambda: only_connection(server).state == BODY)
    client.send(b"cd" + head("GET /last HTTP/1.1", "Host: x"))
    assert (await client.response())[0] == 200 and (await client.response())[0] == 200
    paths = [request.path for request, _ in routes.requests]
    assert paths == ["/pieces", "/with-body", "/after", "/late-body", "/last"]
    client.close()


async def test_upgrades_connect_and_bare_line_feeds_are_answered_400_at_once(serve):
    routes = Recorded()
    server, port = serve(routes, HttpLimits())  # deadlines of seconds: none may be waited out
    for request in (
        head("CONNECT x:1 HTTP/1.1", "Host: x"),
        head("GET / HTTP/1.1", "Host: x", "Connection: Upgrade", "Upgrade: websocket"),
        b"GET / HTTP/1.1\nHost: x\n\n",
    ):
        client = await Wire.to(port)
        client.send(request)
        assert (await client.response())[0] == 400
        await client.closed_by_server(timeout=2)
        client.close()
    assert routes.rejected == [400, 400, 400] and not routes.requests
    await wait_for(lambda: not server.connections)


async def test_a_head_may_fill_the_limit_and_not_a_byte_more(serve):
    limit = 256
    server, port = serve(Recorded(), HttpLimits(max_head_bytes=limit))

    def head_of(size: int) -> bytes:
        start = head("GET / HTTP/1.1", "Host: x", "X-Pad: ")
        return head("GET / HTTP/1.1", "Host: x", "X-Pad: " + "a" * (size - len(start)))

    fits = await Wire.to(port)
    fits.send(head_of(limit))
    assert (await fits.response())[0] == 200
    for request in (head_of(limit + 1), head_of(limit + 1)[:-4] + b"more"):
        over = await Wire.to(port)
        over.send(request)  # whole, or with no blank line in sight within the limit
        await over.closed_by_server()
        over.close()
    assert len(server.routes.requests) == 1
    fits.close()


# More than the kernel's socket buffers take (up to 4 MB here), so that some waits in the process.
BIG_ANSWER_BYTES = 8_000_000
TAKES_BIG_ANSWERS = dict(max_unsent_bytes=2 * BIG_ANSWER_BYTES)


async def test_no_request_is_read_while_an_answer_waits_for_a_client_that_does_not_read(serve):
    routes = Recorded(body=b"x" * BIG_ANSWER_BYTES)
    server, port = serve(routes, HttpLimits(write_timeout=30, **TAKES_BIG_ANSWERS))
    client = await Wire.to(port, receive_buffer=4096)
    client.send(head("GET /big HTTP/1.1", "Host: x") + head("GET /next HTTP/1.1", "Host: x"))
    await wait_for(lambda: only_connection(server).state == WRITING)
    await asyncio.sleep(0.1)
    assert [r.path for r, _ in routes.requests] == ["/big"]  # /next waits in the kernel
    status, _, body = await client.response()  # reading drains the answer...
    assert status == 200 and len(body) == BIG_ANSWER_BYTES
    await wait_for(lambda: len(routes.requests) == 2)  # ...and the next request is read
    assert (await client.response())[0] == 200
    client.close()


async def test_a_client_that_never_takes_its_answer_is_closed_by_the_write_deadline(serve):
    server, port = serve(
        Recorded(body=b"x" * BIG_ANSWER_BYTES), dataclasses.replace(SHORT, **TAKES_BIG_ANSWERS)
    )
    client = await Wire.to(port, receive_buffer=4096)
    client.send(head("GET /big HTTP/1.1", "Host: x"))
    await wait_for(lambda: only_connection(server).state == WRITING)
    started = time.monotonic()
    await wait_for(lambda: not server.connections)
    assert time.monotonic() - started < SHORT.write_timeout + SHORT.sweep_interval + 0.5
    assert server.metrics.connections_timed_out == 1
    client.close()


async def test_an_answer_over_the_unsent_cap_closes_the_connection(serve):
    server, port = serve(Recorded(body=b"x" * 5000), HttpLimits(max_unsent_bytes=4096))
    client = await Wire.to(port)
    client.send(head("GET /big HTTP/1.1", "Host: x"))
    assert await client.closed_by_server()
    assert server.metrics.answers_too_large == 1 and not server.connections


async def test_connections_over_the_limit_are_refused_and_counted(serve):
    server, port = serve(Recorded(), HttpLimits(max_connections=2))
    kept = [await Wire.to(port) for _ in range(2)]
    await wait_for(lambda: len(server.connections) == 2)
    refused = await Wire.to(port)
    status, headers, _ = await refused.response()
    assert status == 503 and headers["retry-after"] == "5" and headers["connection"] == "close"
    assert await refused.closed_by_server()
    assert server.metrics.connections_refused == 1
    kept[0].close()
    await wait_for(lambda: len(server.connections) == 1)
    welcome = await Wire.to(port)
    welcome.send(head("GET / HTTP/1.1", "Host: x"))
    assert (await welcome.response())[0] == 200
    for client in (*kept, welcome):
        client.close()


class BrokenHealth:
    """A poll server whose health report raises: a bug in a route."""

    def __init__(self):
        self.metrics = PollMetrics()

    def health(self):
        raise RuntimeError("a bug")


async def test_an_exception_in_a_route_is_answered_500_logged_and_closed(serve, caplog):
    broken = BrokenHealth()
    server, port = serve(Routes(broken, CorsPolicy((ORIGIN,))), HttpLimits())
    client = await Wire.to(port)
    client.send(head("GET /health HTTP/1.1", "Host: x", f"Origin: {ORIGIN}"))
    status, headers, body = await client.response()
    assert status == 500 and json.loads(body) == {"message": "Internal Server Error"}
    assert headers["access-control-allow-origin"] == ORIGIN
    assert headers["content-type"].startswith("application/json")
    assert headers["connection"] == "close"
    assert await client.closed_by_server()
    assert broken.metrics.route_errors == 1
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


# On the wire, against a real `python -m pollserver` process.


@pytest.fixture
async def wire(start_server):
    server = start_server()
    connection = await Wire.to(server.port)
    yield server, connection
    connection.close()


def poll_line(queue_id: str, cursor: int) -> str:
    return f"GET /realtime/poll?queue_id={queue_id}&last_event_id={cursor} HTTP/1.1"


async def test_pipelined_polls_are_answered_in_order_on_one_connection(realtime, wire):
    server, connection = wire
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    realtime.publish(COMMUNITY)
    connection.send(
        head(poll_line(queue_id, cursor), "Host: p")
        + head("GET /health HTTP/1.1", "Host: p")
        + head(poll_line(queue_id, cursor), "Host: p")
    )
    first, second, third = [await connection.response() for _ in range(3)]
    assert first[0] == 200 and json.loads(first[2])["events"]
    assert second[0] == 200 and "pending_polls" in json.loads(second[2])
    assert third[0] == 200 and third[2] == first[2]


async def test_a_poll_body_is_read_and_ignored_and_the_connection_goes_on(realtime, wire):
    server, connection = wire
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    realtime.publish(COMMUNITY)
    connection.send(
        head(poll_line(queue_id, cursor), "Host: p", "Content-Length: 5")
        + b"hello"
        + head("GET /health HTTP/1.1", "Host: p")
    )
    assert (await connection.response())[0] == 200
    assert (await connection.response())[0] == 200


async def test_a_malformed_request_gets_json_400_with_cors_and_the_connection_is_closed(wire):
    server, connection = wire
    connection.send(b"GET /health HTTP/1.1\r\nHost: p\r\nbroken header line\r\n\r\n")
    status, headers, body = await connection.response()
    assert status == 400 and headers["connection"] == "close"
    assert "Origin" in headers["vary"]
    assert set(json.loads(body)) == {"message"}
    assert await connection.closed_by_server()


async def test_an_http_1_1_request_without_host_gets_400(wire):
    server, connection = wire
    connection.send(head("GET /health HTTP/1.1"))
    status, _, body = await connection.response()
    assert status == 400 and b"Host" in body
    assert await connection.closed_by_server()


async def test_a_chunked_body_is_refused(wire):
    server, connection = wire
    connection.send(
        head("GET /health HTTP/1.1", "Host: p", "Transfer-Encoding: chunked") + b"0\r\n\r\n"
    )
    status, _, body = await connection.response()
    assert status == 400 and b"Content-Length" in body
    assert await connection.closed_by_server()


async def test_a_head_too_long_closes_the_connection(wire):
    server, connection = wire
    connection.send(
        b"GET /health HTTP/1.1\r\nX-Pad: " + b"a" * HttpLimits.max_head_bytes + b"\r\n\r\n"
    )
    assert await connection.closed_by_server()
    assert server.health()["status"] == "healthy"  # and the server goes on


async def test_a_line_feed_in_the_target_forges_no_log_line(wire):
    server, connection = wire
    connection.send(b"GET /x\nWARNING forged-line HTTP/1.1\r\nHost: p\r\n\r\n")
    assert (await connection.response())[0] == 400
    server.terminate()
    assert not re.search(r"^WARNING forged-line", server.log(), re.MULTILINE)


async def test_http_1_0_is_answered_and_closed_unless_kept_alive(wire):
    server, connection = wire
    connection.send(head("GET /health HTTP/1.0", "Connection: keep-alive"))
    status, headers, _ = await connection.response()
    assert status == 200 and headers["connection"] == "keep-alive"
    connection.send(head("GET /health HTTP/1.0"))
    status, headers, _ = await connection.response()
    assert status == 200 and headers["connection"] == "close"
    assert await connection.closed_by_server()


@pytest.mark.parametrize("path", ["/health", "/metrics", "/ready", "/nowhere"])
async def test_head_gets_the_headers_of_get_without_the_body(wire, path):
    server, connection = wire
    connection.send(
        head(f"GET {path} HTTP/1.1", "Host: p", f"Origin: {ORIGIN}")
        + head(f"HEAD {path} HTTP/1.1", "Host: p", f"Origin: {ORIGIN}")
        + head("GET /health HTTP/1.1", "Host: p")
    )
    get_status, get_headers, _ = await connection.response()
    head_status, head_headers, _ = await connection.response(expect_body=False)
    # The metrics text changes between the two answers, so its length may too.
    varying = {"date", "content-length"} if path == "/metrics" else {"date"}
    assert head_status == get_status
    assert {name: value for name, value in head_headers.items() if name not in varying} == {
        name: value for name, value in get_headers.items() if name not in varying
    }
    status, _, body = await connection.response()  # framing intact: the next answer follows
    assert status == 200 and json.loads(body)["status"] == "healthy"


async def test_other_methods_get_405_naming_get_and_head(wire):
    server, connection = wire
    connection.send(head("DELETE /health HTTP/1.1", "Host: p"))
    status, headers, body = await connection.response()
    assert status == 405 and headers["allow"] == "GET, HEAD, OPTIONS"
    assert json.loads(body)["message"]


async def test_every_answer_has_a_date_and_no_store(wire):
    server, connection = wire
    connection.send(head("GET /nowhere HTTP/1.1", "Host: p"))
    status, headers, _ = await connection.response()
    assert status == 404
    assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", headers["date"])
    assert headers["cache-control"] == "no-store"
