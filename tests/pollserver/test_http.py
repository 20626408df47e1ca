"""The poll server's own HTTP/1.1 layer: the parser alone, then on the wire of a real process."""

import asyncio
import json
import re

import pytest

from tornado.netutil import bind_sockets

from pollserver.http import MAX_BODY_BYTES, MAX_HEAD_BYTES, HttpError, HttpServer, parse_head

ALICE, COMMUNITY = 1, 10


def head(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def test_a_poll_request_is_parsed_with_only_what_the_routes_need():
    request, body_length = parse_head(head(
        "GET /realtime/poll?queue_id=abc&last_event_id=3 HTTP/1.1", "Host: x",
        "origin: http://a.example", "AUTHORIZATION:  Bearer t0k ", "X-Other: kept out",
    ), 1.0)
    assert (request.method, request.path, request.query) == (
        "GET", "/realtime/poll", "queue_id=abc&last_event_id=3")
    assert request.origin == "http://a.example"
    assert request.authorization == "Bearer t0k"
    assert request.keep_alive and body_length == 0
    assert request.started_at == 1.0


@pytest.mark.parametrize(("version", "connection", "keep_alive"), [
    ("HTTP/1.1", None, True),
    ("HTTP/1.1", "close", False),
    ("HTTP/1.1", "Keep-Alive, Close", False),
    ("HTTP/1.0", None, False),
    ("HTTP/1.0", "keep-alive", True),
])
def test_keep_alive_follows_the_version_and_the_connection_header(version, connection,
                                                                     keep_alive):
    lines = [f"GET /health {version}"] + ([f"Connection: {connection}"] if connection else [])
    request, _ = parse_head(head(*lines), 0.0)
    assert request.keep_alive is keep_alive


def test_a_content_length_body_is_announced_to_be_read_and_ignored():
    _, body_length = parse_head(head("GET /health HTTP/1.1", "Content-Length: 12"), 0.0)
    assert body_length == 12


@pytest.mark.parametrize(("lines", "status"), [
    (["GET /health"], 400),
    (["GET  /health HTTP/1.1"], 400),
    (["GET /health HTTP/2.0"], 400),
    (["GET health HTTP/1.1"], 400),
    (["G(T /health HTTP/1.1"], 400),
    (["GET /health HTTP/1.1", "No colon here"], 400),
    (["GET /health HTTP/1.1", ": no name"], 400),
    (["GET /health HTTP/1.1", "Name : space before the colon"], 400),
    (["GET /health HTTP/1.1", "X-A: 1", " folded continuation"], 400),
    (["GET /health HTTP/1.1", "Content-Length: -1"], 400),
    (["GET /health HTTP/1.1", "Content-Length: 1e3"], 400),
    (["GET /health HTTP/1.1", "Content-Length: 1", "Content-Length: 2"], 400),
    (["GET /health HTTP/1.1", f"Content-Length: {MAX_BODY_BYTES + 1}"], 413),
    (["GET /health HTTP/1.1", "Content-Length: 99999999999999999999"], 400),
    (["GET /health HTTP/1.1", "Transfer-Encoding: chunked"], 400),
])
def test_malformed_requests_are_refused_with_a_status(lines, status):
    with pytest.raises(HttpError) as refused:
        parse_head(head(*lines), 0.0)
    assert refused.value.status_code == status and refused.value.message


def test_non_ascii_heads_are_refused():
    with pytest.raises(HttpError):
        parse_head("GET /h\u00e9 HTTP/1.1\r\n\r\n".encode("latin-1"), 0.0)


# On the wire, against a real `python -m pollserver` process.

class Wire:
    """A raw connection that reads whole responses (status, headers, body)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    @classmethod
    async def to(cls, port: int) -> "Wire":
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

    async def closed_by_server(self) -> bool:
        return await asyncio.wait_for(self.reader.read(), 10) == b""

    def close(self) -> None:
        self.writer.close()


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
    connection.send(head(poll_line(queue_id, cursor), "Host: p")
                    + head("GET /health HTTP/1.1", "Host: p")
                    + head(poll_line(queue_id, cursor), "Host: p"))
    first, second, third = [await connection.response() for _ in range(3)]
    assert first[0] == 200 and json.loads(first[2])["events"]
    assert second[0] == 200 and "pending_polls" in json.loads(second[2])
    assert third[0] == 200 and third[2] == first[2]


async def test_a_poll_body_is_read_and_ignored_and_the_connection_goes_on(realtime, wire):
    server, connection = wire
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    realtime.publish(COMMUNITY)
    connection.send(head(poll_line(queue_id, cursor), "Content-Length: 5") + b"hello"
                    + head("GET /health HTTP/1.1"))
    assert (await connection.response())[0] == 200
    assert (await connection.response())[0] == 200


async def test_a_malformed_request_gets_json_400_and_the_connection_is_closed(wire):
    server, connection = wire
    connection.send(b"GET /health HTTP/1.1\r\nbroken header line\r\n\r\n")
    status, headers, body = await connection.response()
    assert status == 400 and headers["connection"] == "close"
    assert set(json.loads(body)) == {"message"}
    assert await connection.closed_by_server()


async def test_a_chunked_body_is_refused(wire):
    server, connection = wire
    connection.send(head("GET /health HTTP/1.1", "Transfer-Encoding: chunked") + b"0\r\n\r\n")
    status, _, body = await connection.response()
    assert status == 400 and b"Content-Length" in body
    assert await connection.closed_by_server()


async def test_a_head_too_long_closes_the_connection(wire):
    server, connection = wire
    connection.send(b"GET /health HTTP/1.1\r\nX-Pad: " + b"a" * MAX_HEAD_BYTES + b"\r\n\r\n")
    assert await connection.closed_by_server()
    assert server.health()["status"] == "healthy"  # and the server goes on


async def test_http_1_0_is_answered_and_closed_unless_kept_alive(wire):
    server, connection = wire
    connection.send(head("GET /health HTTP/1.0", "Connection: keep-alive"))
    status, headers, _ = await connection.response()
    assert status == 200 and headers["connection"] == "keep-alive"
    connection.send(head("GET /health HTTP/1.0"))
    status, headers, _ = await connection.response()
    assert status == 200 and headers["connection"] == "close"
    assert await connection.closed_by_server()


async def test_head_gets_405_with_the_length_but_no_body(wire):
    server, connection = wire
    connection.send(head("HEAD /health HTTP/1.1") + head("GET /health HTTP/1.1"))
    status, headers, _ = await connection.response(expect_body=False)
    assert status == 405 and int(headers["content-length"]) > 0
    assert headers["allow"] == "GET, OPTIONS"
    status, _, body = await connection.response()  # framing intact: the next answer follows
    assert status == 200 and json.loads(body)["status"] == "healthy"


async def test_every_answer_has_a_date_and_no_store(wire):
    server, connection = wire
    connection.send(head("GET /nowhere HTTP/1.1"))
    status, headers, _ = await connection.response()
    assert status == 404
    assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", headers["date"])
    assert headers["cache-control"] == "no-store"


class Health:
    """Routes that answer everything 200, to test the connection handling alone."""

    def handle(self, request, connection):
        connection.respond(200, b"", b"ok")

    def reject(self, connection, error):
        connection.respond(error.status_code, b"", b"")


async def test_connections_silent_within_or_between_requests_are_closed():
    server = HttpServer(Health(), idle_timeout=0.3, sweep_interval=0.05)
    [listening] = bind_sockets(0, "127.0.0.1")
    server.add_sockets([listening])
    port = listening.getsockname()[1]
    try:
        between, within = await Wire.to(port), await Wire.to(port)
        between.send(head("GET / HTTP/1.1"))
        assert (await between.response())[2] == b"ok"
        within.send(b"GET / HTTP/1.1\r\nHost:")  # and never the rest
        assert await between.closed_by_server() and await within.closed_by_server()
        assert not server.connections
        fresh = await Wire.to(port)  # the server itself goes on
        fresh.send(head("GET / HTTP/1.1"))
        assert (await fresh.response())[0] == 200
        fresh.close()
    finally:
        server.stop()
