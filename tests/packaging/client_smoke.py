"""Run by tests/packaging in a virtual environment holding only marginalia-client and
httpx: the installed client registers, rides out an outage, delivers events in order
and a catch-up marker, against servers faked with httpx.MockTransport. Prints
"client works" when all of it held."""

import asyncio
import sys
from pathlib import Path

import httpx

import marginalia_client
from marginalia_client import CatchupRequired, RealtimeClient
from marginalia_client.protocol import DELIVER, poll_target, read_poll_answer

# The installed copy, not a checkout's source
assert Path(sys.prefix) in Path(marginalia_client.__file__).parents, marginalia_client.__file__

assert poll_target("q 1", 5) == "/realtime/poll?queue_id=q%201&last_event_id=5"
assert read_poll_answer(200, {"events": [], "last_event_id": 5}) == (DELIVER, [], 5)


HEARTBEAT_INTERVAL = 3600


def event(event_id):
    return {"type": "new_comment", "event_id": event_id, "community_ids": [1],
            "timestamp": "2025-01-01T00:00:00Z",
            "data": {"article_id": 1, "community_id": 1, "discussion_id": 1}}


POLL_ANSWERS = [
    httpx.Response(503, json={"message": "busy"}),  # an outage: retried after a delay
    httpx.Response(200, json={"events": [event(2), event(1), event(2)], "last_event_id": 2}),
    httpx.Response(200, json={"catchup_required": True, "last_event_id": 9}),
]


def handle(request):
    if request.url.path == "/api/realtime/register":
        return httpx.Response(200, json={"queue_id": "q1", "last_event_id": 0, "communities": [1]})
    if request.url.path == "/realtime/poll" and POLL_ANSWERS:
        return POLL_ANSWERS.pop(0)
    return httpx.Response(200, json={})


async def main():
    delays = []

    async def sleep(seconds):
        if seconds == HEARTBEAT_INTERVAL:  # no heartbeat is due while the test runs
            await asyncio.Event().wait()
        delays.append(seconds)
        await asyncio.sleep(0)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
        client = RealtimeClient("http://api.test", "http://poll.test", "token", http=http,
                                sleep=sleep, random=lambda: 0.5, heartbeat_interval=HEARTBEAT_INTERVAL)
        items = []
        async with client:
            async for item in client.events():
                items.append(item)
                if len(items) == 3:
                    break
    assert [item["event_id"] for item in items[:2]] == [1, 2], items
    assert items[2] == CatchupRequired(9), items
    assert client.last_event_id == 9 and client.queue_id == "q1"
    assert len(delays) == 1 and delays[0] < 30, delays  # one retry, within the cap


asyncio.run(main())
print("client works")
