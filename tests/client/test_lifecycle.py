"""Starting, resuming, reporting status, and stopping without leftovers."""

import asyncio

import httpx
import pytest

from marginalia_client import RealtimeClient

from .fakes import API_URL, HEARTBEAT_INTERVAL, POLL, POLL_URL, STATUS, wait_until


def other_tasks() -> set[asyncio.Task]:
    return asyncio.all_tasks() - {asyncio.current_task()}


async def test_close_from_another_task_ends_the_iteration(servers, make_client):
    client = make_client()
    received = []

    async def consume():
        async for item in client.events():
            received.append(item)

    consumer = asyncio.create_task(consume())
    servers.answer_poll(1)
    await wait_until(lambda: received and len(servers.sent(POLL)) == 2)

    await client.close()
    await consumer

    assert [event["event_id"] for event in received] == [1]
    assert client.status == "closed"
    assert other_tasks() == set()


async def test_leaving_async_with_stops_everything(servers, make_client):
    servers.answer_poll(1)
    async with make_client() as client:
        async for item in client.events():  # noqa: B007 (the first event is kept)
            break
    assert item["event_id"] == 1
    # Dropping the iterator schedules its finalization; it must find nothing to stop.
    await wait_until(lambda: not other_tasks())


async def test_close_inside_the_loop_ends_it(servers, make_client):
    client = make_client()
    servers.answer_poll(1, 2)
    received = []
    async for item in client.events():
        received.append(item["event_id"])
        await client.close()
    assert received == [1]
    assert other_tasks() == set()


async def test_closed_client_yields_nothing(servers, make_client):
    client = make_client()
    await client.close()
    assert [item async for item in client.events()] == []
    assert servers.requests == []


async def test_one_iteration_at_a_time(make_client):
    client = make_client()
    first = asyncio.create_task(anext(client.events()))
    await asyncio.sleep(0)
    with pytest.raises(RuntimeError):
        await anext(client.events())
    await client.close()
    with pytest.raises(StopAsyncIteration):
        await first


def test_resuming_needs_queue_and_cursor():
    with pytest.raises(ValueError):
        RealtimeClient(API_URL, POLL_URL, "token", queue_id="q1")


async def test_server_status(servers, make_client):
    body = {"user_id": 3, "communities": [1], "realtime_enabled": True}
    servers.answer(STATUS, httpx.Response(200, json=body))
    assert await make_client(access_token="secret").server_status() == body
    assert servers.sent(STATUS)[0].headers["Authorization"] == "Bearer secret"


async def test_connected_as_soon_as_the_poll_reaches_the_server(sleep):
    """A long poll is not answered until an event arrives; the status must not wait
    for that. Needs a real socket: only a real connection reports the request sent."""
    request_received = asyncio.Event()

    async def hold_the_poll(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        request_received.set()
        await reader.read()  # until the client hangs up
        writer.close()

    server = await asyncio.start_server(hold_the_poll, "127.0.0.1", 0)
    poll_url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    client = RealtimeClient(
        API_URL,
        poll_url,
        "token",
        queue_id="q1",
        last_event_id=0,
        heartbeat_interval=HEARTBEAT_INTERVAL,
        sleep=sleep,
    )
    statuses = []
    client.on_status(statuses.append)
    iteration = asyncio.create_task(anext(client.events()))

    await request_received.wait()
    await wait_until(lambda: client.status == "connected")
    await client.close()
    server.close()
    await server.wait_closed()

    assert statuses == ["connected", "closed"]
    assert client._http.is_closed  # the client closes the HTTP client it created
    with pytest.raises(StopAsyncIteration):
        await iteration
    await wait_until(lambda: not other_tasks())
