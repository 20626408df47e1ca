"""The Python client against every conformance fixture of tests/protocol/ (docs/protocol.md).

Each fixture is a scenario: the requests the client must make, in order, the answers
it gets, the delays it must wait before some of them, and what it must hand to its
caller. The browser client runs the same fixtures (tests/web/protocol.test.mjs).
"""

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from marginalia_client import (
    AuthenticationError,
    CatchupRequired,
    RealtimeClient,
    Reregistered,
    Signal,
)

FIXTURES = Path(__file__).resolve().parents[1] / "protocol"
API_URL = "http://api.test"
POLL_URL = "http://poll.test"
# The protocol's: a scenario's heartbeat comes this long after the previous answer.
HEARTBEAT_INTERVAL = 60
# What the Python client can do; a fixture that requires more is not about it.
CAPABILITIES = {"signals", "notifications"}
OPTIONAL = "optional in docs/protocol.md"


def load_fixtures() -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(FIXTURES.glob("*.json"))]


class ScriptedServers:
    """The API and the poll server answering exactly as the fixture says. `elapsed` is
    the time the client waited (its sleeps) since the previous answer, which must
    match the fixture's `wait` for each request."""

    def __init__(self, exchanges: list[dict]):
        self.exchanges = exchanges
        self.next_index = 0
        self.elapsed = 0.0
        self.mismatches: list[str] = []
        self.finished = asyncio.Event()  # the last exchange's request arrived, or a mismatch
        self.heartbeat_due = asyncio.Event()  # the next request the scenario expects is one

    async def sleep(self, seconds: float) -> None:
        if seconds == HEARTBEAT_INTERVAL:
            # The heartbeat's wait ends when the scenario expects a heartbeat (once every
            # earlier request was made); in a scenario without one, never.
            await self.heartbeat_due.wait()
            self.heartbeat_due.clear()
        self.elapsed += seconds
        await asyncio.sleep(0)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if self.next_index >= len(self.exchanges):
            return await self._hold(f"unexpected request {request.method} {request.url.path}")
        index, exchange = self.next_index, self.exchanges[self.next_index]
        self.next_index += 1
        if self.next_index < len(self.exchanges) and (
            self.exchanges[self.next_index]["request"]["kind"] == "heartbeat"
        ):
            self.heartbeat_due.set()
        problem = _mismatch(exchange["request"], request)
        if problem is None and self.elapsed != exchange.get("wait", 0):
            problem = f"waited {self.elapsed} s, not {exchange.get('wait', 0)} s"
        if problem is not None:
            return await self._hold(f"exchange {index}: {problem}")
        answer = exchange.get("answer")
        if index == len(self.exchanges) - 1:
            self.finished.set()
        if answer is None:  # a poll left waiting, while the scenario goes on or ends
            return await _never_answered()
        self.elapsed = 0.0
        if answer.get("network_error"):
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(
            answer["status"], json=answer["body"], headers=answer.get("headers", {})
        )

    async def _hold(self, mismatch: str) -> httpx.Response:
        self.mismatches.append(mismatch)
        self.finished.set()
        return await _never_answered()


async def _never_answered() -> httpx.Response:
    await asyncio.Event().wait()  # cancelled when the client gives the request up or closes
    raise AssertionError("unreachable")


def _mismatch(expected: dict, request: httpx.Request) -> str | None:
    params = dict(request.url.params)
    kind = expected["kind"]
    if kind in ("register", "heartbeat"):
        if (request.method, str(request.url.copy_with(query=None))) != (
            "POST",
            f"{API_URL}/api/realtime/{kind}",
        ):
            return f"expected {kind}, got {request.method} {request.url.path}"
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return f"{kind} without the access token"
        wanted = {"queue_id": expected["queue_id"]} if kind == "heartbeat" else {}
        if params != wanted:
            return f"{kind} with {params}, expected {wanted}"
        return None
    wanted = {"queue_id": expected["queue_id"], "last_event_id": str(expected["last_event_id"])}
    for optional in ("signal_cursor", "notifications"):
        if optional in expected:
            wanted[optional] = str(expected[optional])
    if (request.method, str(request.url.copy_with(query=None))) != (
        "GET",
        f"{POLL_URL}/realtime/poll",
    ):
        return f"expected a poll, got {request.method} {request.url.path}"
    if params != wanted:
        return f"poll with {params}, expected {wanted}"
    if "Authorization" in request.headers:
        return "a poll carries no Authorization header: the queue id is the credential"
    return None


def _emitted(item) -> dict:
    if isinstance(item, Reregistered):
        return {"resync": "queue-expired"}
    if isinstance(item, CatchupRequired):
        return {"resync": "catchup"}
    if isinstance(item, Signal):
        return {"signal": item.id}
    return {"event": item["event_id"]}


@pytest.mark.parametrize("fixture", load_fixtures(), ids=lambda fixture: fixture["name"])
async def test_protocol_fixture(fixture):
    missing = set(fixture["requires"]) - CAPABILITIES
    if missing:
        pytest.skip(reason=f"the Python client does not implement {sorted(missing)} ({OPTIONAL})")
    servers = ScriptedServers(fixture["exchanges"])
    emitted: list[dict] = []
    async with httpx.AsyncClient(transport=httpx.MockTransport(servers.handle)) as http:
        client = RealtimeClient(
            API_URL,
            POLL_URL,
            "token",
            heartbeat_interval=HEARTBEAT_INTERVAL,
            signals="signals" in fixture["requires"],
            notifications="notifications" in fixture["requires"],
            http=http,
            sleep=servers.sleep,
            random=lambda: 0.5,
        )

        async def consume():
            try:
                async for item in client.events():
                    emitted.append(_emitted(item))
            except AuthenticationError:
                emitted.append({"stop": "unauthorized"})

        consumer = asyncio.create_task(consume())
        ended = asyncio.create_task(servers.finished.wait())
        await asyncio.wait({consumer, ended}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        # Let the client act on the last answer (hand over events, or make one more
        # request, which would be a mismatch) before the scenario is judged.
        for _ in range(50):
            await asyncio.sleep(0)
        await client.close()
        await consumer
        ended.cancel()

    assert servers.mismatches == []
    assert servers.next_index == len(fixture["exchanges"]), "every request of the scenario made"
    assert emitted == fixture["emits"]
