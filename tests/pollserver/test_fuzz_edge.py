"""Property-based fuzzing (Hypothesis) of a real poll-server process over the wire.

Random request shapes (methods, targets, versions, headers with control
characters, bodies shorter or longer than announced, pipelined requests, bare
line feeds) and random byte streams, sent in random pieces. Whatever comes:
the process never dies, every answer is an HTTP/1.1 answer with the CORS
lines, every connection is answered or closed by its deadline, /health still
answers, and memory stays bounded.
"""

import re
import socket
import time

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pollserver.test_hostile_edge import MB, rss_bytes

DEADLINE = 0.3  # every state's deadline in the fuzzed process
SWEEP = DEADLINE / 4
LATE = 1.5  # what a loaded 2-core machine may add before the close is seen
FUZZ_SETTINGS = {
    "REALTIME_HTTP_HEAD_TIMEOUT": DEADLINE,
    "REALTIME_HTTP_BODY_TIMEOUT": DEADLINE,
    "REALTIME_HTTP_WRITE_TIMEOUT": DEADLINE,
    "REALTIME_HTTP_IDLE_TIMEOUT": DEADLINE,
    "REALTIME_LOG_LEVEL": "WARNING",
}
ANSWER_HEAD = re.compile(rb"HTTP/1\.1 (\d{3}) [^\r\n]*\r\n((?:[^\r\n]+\r\n)*)\r\n")
KNOWN_STATUSES = {200, 204, 400, 401, 404, 405, 413, 500, 503}


# Mostly well-formed shapes, so that examples reach the routes and keep-alive, not only 400.
methods = st.sampled_from(
    ["GET"] * 4 + ["HEAD", "OPTIONS", "POST", "DELETE", "PROPFIND", "G(T", ""]
)
targets = st.sampled_from(
    [
        "/health",
        "/health",
        "/health",
        "/metrics",
        "/ready",
        "/nowhere",
        "*",
        "http://x/health",
        "/realtime/poll",
        "/realtime/poll?queue_id=0123456789abcdef0123456789abcdef&last_event_id=0",
        "/realtime/poll?queue_id=short&last_event_id=-1",
    ]
) | st.text(st.characters(max_codepoint=0x7F), max_size=40).map(lambda t: "/" + t)
versions = st.sampled_from(
    ["HTTP/1.1"] * 4 + ["HTTP/1.0", "HTTP/2.0", "HTTP/1.2", "", "HTTP/1.1 x"]
)
header_names = st.sampled_from(
    [
        "Content-Length",
        "Transfer-Encoding",
        "Connection",
        "Origin",
        "Authorization",
        "Host",
        "X-Any",
        "Bad Name",
        "",
    ]
)
header_values = st.sampled_from(
    [
        "0",
        "5",
        "70000",
        "-1",
        "chunked",
        "close",
        "keep-alive",
        "Bearer x.y.z",
        "http://allowed.example",
    ]
) | st.text(st.characters(max_codepoint=0xFF), max_size=30)


@st.composite
def requests(draw) -> bytes:
    newline = draw(st.sampled_from(["\r\n"] * 4 + ["\n"]))
    lines = [" ".join(filter(None, (draw(methods), draw(targets), draw(versions))))]
    lines += ["Host: fuzz"] if draw(st.integers(0, 4)) else []
    lines += [
        f"{name}: {value}"
        for name, value in draw(st.lists(st.tuples(header_names, header_values), max_size=2))
    ]
    body = draw(st.binary(max_size=64)) if draw(st.booleans()) else b""
    return (newline.join(lines) + newline + newline).encode("latin-1", "replace") + body


streams = st.lists(requests(), min_size=1, max_size=3).map(b"".join) | st.binary(max_size=300)


def send_in_pieces(sock: socket.socket, data: bytes, cuts: list[int], pause: float) -> None:
    previous = 0
    for cut in sorted({min(cut, len(data)) for cut in cuts} | {len(data)}):
        sock.sendall(data[previous:cut])
        previous = cut
        time.sleep(pause)


def read_until_closed(sock: socket.socket, timeout: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and when it closed (monotonic)."""
    sock.settimeout(timeout)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass  # closed with unread bytes of ours in its buffer
    except TimeoutError:
        raise AssertionError(
            f"connection still open {timeout} s after the last byte: {received[:200]!r}"
        ) from None
    return received, time.monotonic()


def test_any_byte_stream_is_answered_or_closed_by_its_deadline(start_server):
    server = start_server(**FUZZ_SETTINGS)
    rss_before = rss_bytes(server.process.pid)
    answered_or_closed_in_time(server)
    assert server.process.poll() is None
    assert httpx.get(server.url + "/health", timeout=5).json()["status"] == "healthy"
    growth = rss_bytes(server.process.pid) - rss_before
    print(f"fuzzing: RSS +{growth / MB:.1f} MB")
    assert growth < 16 * MB


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=streams,
    cuts=st.lists(st.integers(0, 400), max_size=4),
    pause=st.sampled_from([0.0, 0.005, 0.02]),
)
def answered_or_closed_in_time(server, data, cuts, pause):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        try:
            send_in_pieces(sock, data, cuts, pause)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed early, on a malformed start: a fine answer
        last_byte_at = time.monotonic()
        received, closed_at = read_until_closed(sock, DEADLINE + SWEEP + LATE + 2)
    finally:
        sock.close()
    assert closed_at - last_byte_at < DEADLINE + SWEEP + LATE
    if received:
        assert received.startswith(b"HTTP/1.1 ")
    answers = ANSWER_HEAD.findall(received)
    for status, head_lines in answers:
        assert int(status) in KNOWN_STATUSES
        assert b"Vary: Origin\r\n" in head_lines  # CORS on every answer, errors included
    assert server.process.poll() is None
