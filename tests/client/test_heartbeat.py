"""The heartbeat keeps the queue alive, and finds out when it is gone."""

import asyncio

import httpx
import pytest

from marginalia_client import Reregistered

from .fakes import HEARTBEAT, POLL, query, wait_until


async def test_heartbeat_every_interval_while_iterating(servers, sleep, make_client):
    client = make_client(access_token="secret")
    iteration = asyncio.create_task(anext(client.events()))
    await wait_until(lambda: servers.sent(POLL))

    sleep.beat()
    await wait_until(lambda: len(servers.sent(HEARTBEAT)) == 1)
    sleep.beat()
    await wait_until(lambda: len(servers.sent(HEARTBEAT)) == 2)

    for heartbeat in servers.sent(HEARTBEAT):
        assert heartbeat.method == "POST"
        assert query(heartbeat) == {"queue_id": "q1"}
        assert heartbeat.headers["Authorization"] == "Bearer secret"
    assert not iteration.done()  # the poll is still waiting
    await client.close()
    with pytest.raises(StopAsyncIteration):
        await iteration


async def test_failed_heartbeat_keeps_the_queue(servers, sleep, make_client):
    client = make_client()
    events = client.events()
    servers.answer(HEARTBEAT, httpx.ConnectError("connection refused"), 503)
    next_item = asyncio.create_task(anext(events))
    await wait_until(lambda: servers.sent(POLL))

    sleep.beat()
    sleep.beat()
    await wait_until(lambda: len(servers.sent(HEARTBEAT)) == 2)
    servers.answer_poll(1)

    assert (await next_item)["event_id"] == 1
    assert client.queue_id == "q1"


async def test_unknown_queue_on_heartbeat_registers_a_new_one(servers, sleep, make_client):
    client = make_client()
    events = client.events()
    servers.answer(HEARTBEAT, 404)
    next_item = asyncio.create_task(anext(events))
    await wait_until(lambda: servers.sent(POLL))

    servers.head = 6
    sleep.beat()

    # The poll waiting on the lost queue is abandoned at once, not after its timeout.
    assert await next_item == Reregistered("q2", 6)
    servers.answer_poll(7)
    assert (await anext(events))["event_id"] == 7
    assert query(servers.sent(POLL)[-1]) == {"queue_id": "q2", "last_event_id": "6"}

    # The new queue gets its own heartbeat.
    sleep.beat()
    await wait_until(lambda: len(servers.sent(HEARTBEAT)) == 2)
    assert query(servers.sent(HEARTBEAT)[1]) == {"queue_id": "q2"}
