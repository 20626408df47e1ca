"""Hostile anonymous clients against a real `python -m pollserver` process, on raw sockets.

Each attack runs while a good client in a process of its own (`health_probe`) asks
for /health every 20 ms: it must be answered within 100 ms throughout. The poll
server's RSS (VmRSS of /proc/<pid>/status) is sampled during the attack and its
peak held to a stated bound over the RSS before it; every stalled connection
must be closed by the deadline of its state. The deadlines are short here (the
defaults are 10-120 s); what they bound does not depend on their values.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pollserver.test_operations import metric_values

ROOT = Path(__file__).resolve().parents[2]
HEAD_TIMEOUT, BODY_TIMEOUT, WRITE_TIMEOUT, IDLE_TIMEOUT = 1.0, 1.0, 2.0, 5.0
SWEEP = 0.25  # HttpLimits.sweep_interval for these deadlines: a quarter of the shortest
LATE = 1.0  # what a loaded 2-core machine may add to a deadline before the close is seen
HOSTILE_SETTINGS = {
    "REALTIME_HTTP_HEAD_TIMEOUT": HEAD_TIMEOUT,
    "REALTIME_HTTP_BODY_TIMEOUT": BODY_TIMEOUT,
    "REALTIME_HTTP_WRITE_TIMEOUT": WRITE_TIMEOUT,
    "REALTIME_HTTP_IDLE_TIMEOUT": IDLE_TIMEOUT,
    "REALTIME_HTTP_MAX_CONNECTIONS": 1500,
    "REALTIME_LOG_LEVEL": "WARNING",  # no access line per attacking request
}
# A stall, not a speed target: the loop blocked by an attack answers /health seconds late;
# an unblocked one under a loaded CI machine still answers in tens of milliseconds.
HEALTH_LATENCY_LIMIT_MS = 500
MB = 1024 * 1024


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


class Watch:
    """During an attack: the poll server's peak RSS, and a good client's /health latencies."""

    def __init__(self, server):
        self.pid = server.process.pid
        self.rss_before = rss_bytes(self.pid)
        self.peak_rss = self.rss_before
        self._probe = subprocess.Popen(
            [sys.executable, "-m", "tests.pollserver.health_probe", str(server.port)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._probe.stdout.readline().strip() == "ready"
        self._sampler = asyncio.ensure_future(self._sample())

    async def _sample(self) -> None:
        while True:
            self.peak_rss = max(self.peak_rss, rss_bytes(self.pid))
            await asyncio.sleep(0.02)

    @property
    def growth(self) -> int:
        return self.peak_rss - self.rss_before

    def stop(self) -> None:
        """For a test that failed before `finish`."""
        self._sampler.cancel()
        if self._probe.poll() is None:
            self._probe.kill()
            self._probe.communicate(timeout=10)

    def finish(self) -> dict:
        """Stops sampling and the probe; the probe's report."""
        self._sampler.cancel()
        self.peak_rss = max(self.peak_rss, rss_bytes(self.pid))
        report, _ = self._probe.communicate(timeout=10)
        health = json.loads(report.splitlines()[-1])
        assert health["failures"] == 0 and health["answers"] > 0, health
        assert health["max_ms"] < HEALTH_LATENCY_LIMIT_MS, health
        return health


async def metrics(http, server) -> dict[str, float]:
    return metric_values((await http.get(server.url + "/metrics")).text)


def raw_socket(port: int, receive_buffer: int = 4096) -> socket.socket:
    """A connected non-blocking socket with a small receive window: unread answers back up."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


async def push(sock: socket.socket, data: bytes, stall: float = 1.0) -> int:
    """Send `data` without reading; stop when the peer has taken nothing for `stall` s."""
    sent, stalled_since = 0, None
    while sent < len(data):
        try:
            sent += sock.send(data[sent : sent + 65536])
            stalled_since = None
        except BlockingIOError:
            stalled_since = stalled_since or time.monotonic()
            if time.monotonic() - stalled_since > stall:
                break
            await asyncio.sleep(0.01)
    return sent


async def closed_by_server(reader: asyncio.StreamReader) -> float:
    """When the server closed the connection (monotonic time)."""
    try:
        while await reader.read(65536):
            pass
    except ConnectionResetError:
        pass
    return time.monotonic()


@pytest.fixture
def hostile_server(start_server):
    return start_server(**HOSTILE_SETTINGS)


@pytest.fixture
async def watching():
    """Factory: watching(server) starts a `Watch` that is stopped even if the test fails."""
    watches = []

    def start(server) -> Watch:
        watches.append(Watch(server))
        return watches[-1]

    yield start
    for watch in watches:
        watch.stop()


async def test_a_pipelining_client_that_never_reads_is_held_to_one_answer(
    hostile_server, http, eventually, watching
):
    server = hostile_server
    watch = watching(server)
    sock = raw_socket(server.port)
    flood = b"GET /health HTTP/1.1\r\nHost: flood\r\n\r\n" * (8 * MB // 38)
    sent = await push(sock, flood)
    stalled_at = time.monotonic()
    assert sent < len(flood)  # the server stopped reading: the rest waits in the client

    async def timed_out():
        return (await metrics(http, server))["marginalia_poll_connections_timed_out_total"] >= 1

    await eventually(
        timed_out,
        timeout=WRITE_TIMEOUT + SWEEP + LATE,
        interval=0.05,
        message="the write deadline to close the flooding connection",
    )
    closed_after = time.monotonic() - stalled_at
    health = watch.finish()
    sock.close()
    print(
        f"pipelining flood: {sent / MB:.1f} MB sent before the server stopped reading, "
        f"/health max {health['max_ms']} ms, RSS +{watch.growth / MB:.1f} MB, "
        f"closed {closed_after:.2f} s after the stall"
    )
    assert watch.growth < 16 * MB


async def test_a_thousand_stalled_bodies_are_closed_by_the_body_deadline(
    hostile_server, http, watching
):
    server = hostile_server
    watch = watching(server)
    stalled_head = b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"a" * 10
    sent_at, readers = [], []
    for _ in range(1000):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(stalled_head)  # and never the other 990 bytes
        sent_at.append(time.monotonic())
        readers.append((reader, writer))
    closed_at = await asyncio.wait_for(
        asyncio.gather(*(closed_by_server(reader) for reader, _ in readers)), 30
    )
    slowest = max(closed - sent for closed, sent in zip(closed_at, sent_at))
    health = watch.finish()
    for _, writer in readers:
        writer.close()
    print(
        f"1,000 stalled bodies: /health max {health['max_ms']} ms, "
        f"RSS +{watch.growth / MB:.1f} MB, "
        f"slowest closed {slowest:.2f} s after its head"
    )
    assert slowest < BODY_TIMEOUT + SWEEP + LATE
    assert (await metrics(http, server))["marginalia_poll_connections_timed_out_total"] == 1000
    assert watch.growth < 32 * MB


async def test_slowloris_heads_are_closed_by_the_head_deadline(hostile_server, http, watching):
    server = hostile_server
    watch = watching(server)
    connections = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(300)]
    closing = [asyncio.ensure_future(closed_by_server(reader)) for reader, _ in connections]
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 200 + b"\r\n\r\n"
    first_byte_at = time.monotonic()
    for offset in range(len(head)):  # a byte every 50 ms on each: 12 s per head
        for (_, writer), closed in zip(connections, closing):
            if not closed.done():
                writer.write(head[offset : offset + 1])
        if all(closed.done() for closed in closing):
            break
        await asyncio.sleep(0.05)
    slowest = max(closed.result() for closed in closing) - first_byte_at
    health = watch.finish()
    for _, writer in connections:
        writer.close()
    print(
        f"slowloris x300: /health max {health['max_ms']} ms, RSS +{watch.growth / MB:.1f} MB, "
        f"all closed {slowest:.2f} s after their first byte"
    )
    assert offset < len(head) - 1  # closed before any head was complete
    assert slowest < HEAD_TIMEOUT + SWEEP + LATE
    assert (await metrics(http, server))["marginalia_poll_connections_timed_out_total"] == 300
    assert watch.growth < 16 * MB


async def test_sockets_that_never_read_big_answers_are_closed_by_the_write_deadline(
    hostile_server, realtime, http, eventually, watching
):
    server = hostile_server
    queue_id, cursor = realtime.register(1, [10])
    for _ in range(20):
        last = realtime.publish(10, text="x" * 50_000)
    await server.has_read(http, last)
    answer = await server.poll(http, queue_id, cursor)
    answer_bytes = len(answer.content)
    # Enough polls that the kernel's buffers (a few MB a socket) fill and one answer waits.
    polls = 6 * MB // answer_bytes + 2
    request = (
        f"GET /realtime/poll?queue_id={queue_id}&last_event_id={cursor} HTTP/1.1\r\nHost: x\r\n\r\n"
    ).encode() * polls
    watch = watching(server)
    sockets = [raw_socket(server.port) for _ in range(20)]
    for sock in sockets:
        await push(sock, request, stall=0.2)
    pushed_at = time.monotonic()

    async def all_closed():
        values = await metrics(http, server)
        return values["marginalia_poll_connections_timed_out_total"] >= len(sockets)

    await eventually(
        all_closed,
        timeout=WRITE_TIMEOUT + SWEEP + LATE + 2,
        interval=0.05,
        message="the write deadline to close every socket that does not read",
    )
    closed_after = time.monotonic() - pushed_at
    health = watch.finish()
    for sock in sockets:
        sock.close()
    bound = len(sockets) * answer_bytes + 32 * MB
    print(
        f"20 sockets not reading {polls} answers of {answer_bytes / 1024:.0f} KB: "
        f"/health max {health['max_ms']} ms, RSS +{watch.growth / MB:.1f} MB "
        f"(bound {bound / MB:.0f} MB), all closed {closed_after:.2f} s after the last request"
    )
    assert watch.growth < bound


async def test_the_connection_limit_refuses_cleanly_and_counts(
    start_server, http, eventually, watching
):
    server = start_server(**{**HOSTILE_SETTINGS, "REALTIME_HTTP_MAX_CONNECTIONS": 20})
    watch = watching(server)  # its probe holds one of the 20
    held = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(19)]
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    refusal = await asyncio.wait_for(reader.read(), 10)  # the whole answer, then the close
    head, _, body = refusal.partition(b"\r\n\r\n")
    head += b"\r\n"
    assert head.startswith(b"HTTP/1.1 503 ")
    assert b"\r\nRetry-After: 5\r\n" in head and b"\r\nConnection: close\r\n" in head
    # The one allowed origin's CORS lines, though the request was not read: a page can
    # read the 503 and how long to wait.
    assert b"\r\nVary: Origin\r\n" in head
    assert b"\r\nAccess-Control-Allow-Origin: http://allowed.example\r\n" in head
    assert b"\r\nAccess-Control-Expose-Headers: Retry-After\r\n" in head
    assert json.loads(body)["message"]
    writer.close()
    print(f"connection limit: /health max {watch.finish()['max_ms']} ms")
    for _, held_writer in held:
        held_writer.close()

    async def refusal_counted():  # once the held connections are gone, /metrics gets a slot
        response = await http.get(server.url + "/metrics")
        return response.status_code == 200 and metric_values(response.text)

    values = await eventually(refusal_counted, message="a free slot for /metrics")
    assert values["marginalia_poll_connections_refused_total"] == 1
    await eventually(
        lambda: "refused 1 connections" in server.log(),
        message="the sweep to log the refusal count",
    )
