"""Stand-ins for the realtime servers and for time, so unit tests never wait."""

import asyncio

import httpx

API_URL = "http://api.test"
POLL_URL = "http://poll.test"
REGISTER = "/api/realtime/register"
HEARTBEAT = "/api/realtime/heartbeat"
STATUS = "/api/realtime/status"
POLL = "/realtime/poll"
HEARTBEAT_INTERVAL = 60  # never a backoff delay: those stay below the 30 s cap
# A real answer takes several turns of the event loop; answering within one would hide
# races between a request and the tasks that may interrupt it.
NETWORK_LATENCY = 0.001


class FakeServers:
    """The Django API and the poll server behind one httpx.MockTransport.

    A test queues answers per path: an httpx.Response, a status code, or an exception
    to raise. A poll waits until the test queues its answer, as a long poll waits for
    an event. Register and heartbeat answer at once: queued answers first, else a new
    queue ("q1", "q2", ...) at `head`, or 200.
    """

    def __init__(self, head: int = 0):
        self.head = head
        self.requests: list[httpx.Request] = []
        self.registrations = 0
        self._answers = {path: asyncio.Queue() for path in (REGISTER, HEARTBEAT, STATUS, POLL)}

    def answer(self, path: str, *answers) -> None:
        for answer in answers:
            self._answers[path].put_nowait(answer)

    def answer_poll(self, *event_ids: int, last_event_id: int | None = None) -> None:
        events = [event(event_id) for event_id in event_ids]
        last = max(event_ids, default=0) if last_event_id is None else last_event_id
        self.answer(POLL, httpx.Response(200, json={"events": events, "last_event_id": last}))

    def answer_catchup(self, last_event_id: int) -> None:
        self.answer(
            POLL,
            httpx.Response(200, json={"catchup_required": True, "last_event_id": last_event_id}),
        )

    def sent(self, path: str) -> list[httpx.Request]:
        return [request for request in self.requests if request.url.path == path]

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        await asyncio.sleep(NETWORK_LATENCY)
        path = request.url.path
        waiting = self._answers[path]
        if path == POLL or not waiting.empty():
            answer = await waiting.get()
        elif path == REGISTER:
            answer = self._register()
        else:
            answer = 200
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, int):
            return httpx.Response(answer, json={"message": f"status {answer}"})
        return answer

    def _register(self) -> httpx.Response:
        self.registrations += 1
        return httpx.Response(
            200,
            json={
                "queue_id": f"q{self.registrations}",
                "last_event_id": self.head,
                "communities": [1],
            },
        )


def event(event_id: int) -> dict:
    return {
        "type": "new_comment",
        "data": {"article_id": 1, "community_id": 1, "discussion_id": 1},
        "community_ids": [1],
        "timestamp": "2025-01-01T00:00:00Z",
        "event_id": event_id,
    }


class FakeSleep:
    """Replaces asyncio.sleep in the client: a backoff delay is recorded and returns at
    once; a heartbeat interval lasts until the test calls beat()."""

    def __init__(self):
        self.delays: list[float] = []
        self._beats = asyncio.Semaphore(0)

    async def __call__(self, seconds: float) -> None:
        if seconds == HEARTBEAT_INTERVAL:
            await self._beats.acquire()
        else:
            self.delays.append(seconds)
            await asyncio.sleep(0)

    def beat(self) -> None:
        self._beats.release()


async def wait_until(condition, timeout: float = 2.0) -> None:
    """Lets other tasks run until `condition()` holds; fails after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.001)


def query(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)
