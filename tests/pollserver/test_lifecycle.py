"""Catch-up, expiry, restarts, shutdown and lost Redis data, with real processes."""

import asyncio
import time

import httpx
import pytest

from realtime_core import keys

ALICE, BOB = 1, 2
COMMUNITY, OTHER_COMMUNITY = 10, 20


def event_ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    return [event["event_id"] for event in response.json()["events"]]


async def start_waiting(server, http, eventually, queue_id, cursor, expected_pending=1):
    task = asyncio.create_task(server.poll(http, queue_id, cursor))

    async def held():
        return await server.pending_polls(http) >= expected_pending

    await eventually(held, message="the poll to wait")
    return task


async def test_cursor_ahead_of_the_head_asks_for_catch_up(realtime, start_server, http):
    server = start_server()
    queue_id, _ = realtime.register(ALICE, [COMMUNITY])
    head = realtime.publish(COMMUNITY)
    response = await server.poll(http, queue_id, head + 5)
    assert response.json() == {"catchup_required": True, "last_event_id": head}


async def test_cursor_assigned_but_not_yet_read_waits(realtime, start_server, http, eventually):
    server = start_server()
    queue_id, _ = realtime.register(ALICE, [COMMUNITY])
    # An id assigned in Redis that the server has not read: what a client
    # holds when another process, or register, is a few milliseconds ahead.
    assigned = realtime.redis.incr(keys.SEQUENCE)
    poll = await start_waiting(server, http, eventually, queue_id, assigned)
    event_id = realtime.publish(COMMUNITY)
    assert event_ids(await poll) == [event_id]


async def test_cursors_older_than_the_ring_are_read_from_redis(realtime, start_server, http):
    server = start_server(REALTIME_RING_SIZE=5)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    published = [realtime.publish(COMMUNITY if n % 2 else OTHER_COMMUNITY) for n in range(30)]
    await server.has_read(http, published[-1])
    response = await server.poll(http, queue_id, cursor)
    assert event_ids(response) == published[1::2]
    assert response.json()["last_event_id"] == published[-1]


async def test_events_trimmed_from_the_log_ask_for_catch_up(realtime_at, start_server, http):
    realtime = realtime_at(log_maxlen=10)
    redis_client = realtime.redis
    server = start_server(REALTIME_RING_SIZE=5)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    for _ in range(300):
        head = realtime.publish(COMMUNITY)
    await server.has_read(http, head)
    [(first_id, _)] = redis_client.xrange(keys.LOG, count=1)
    oldest_kept = int(first_id.split(b"-")[0])
    assert oldest_kept > 1, "the log should have been trimmed"

    response = await server.poll(http, queue_id, cursor)
    assert response.json() == {"catchup_required": True, "last_event_id": head}
    response = await server.poll(http, queue_id, oldest_kept - 2)
    assert response.json()["catchup_required"] is True
    server_with_room = start_server(REALTIME_RING_SIZE=5, REALTIME_PENDING_LIMIT=1000)
    response = await server_with_room.poll(http, queue_id, oldest_kept - 1)
    assert event_ids(response) == list(range(oldest_kept, head + 1))


async def test_expired_queue_is_not_found(realtime, start_server, http, eventually):
    server = start_server(REALTIME_QUEUE_TTL=1)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    event_id = realtime.publish(COMMUNITY)
    await server.has_read(http, event_id)
    assert event_ids(await server.poll(http, queue_id, cursor)) == [event_id]  # now cached
    await eventually(lambda: not realtime.redis.exists(keys.queue(queue_id)), timeout=5)
    response = await server.poll(http, queue_id, event_id)
    assert response.status_code == 404
    assert "message" in response.json()


async def test_polls_renew_the_queue_like_heartbeats(realtime, start_server, http, eventually):
    server = start_server(REALTIME_QUEUE_TTL=60)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    realtime.redis.expire(keys.queue(queue_id), 5)
    response = await server.poll(http, queue_id, cursor)  # waits out the 2 s timeout
    assert response.status_code == 200
    await eventually(lambda: realtime.redis.ttl(keys.queue(queue_id)) > 50)


async def test_a_closed_connection_frees_its_waiter(realtime, start_server, http, eventually):
    server = start_server(REALTIME_POLL_TIMEOUT=30)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    async with httpx.AsyncClient() as impatient:
        poll = await start_waiting(server, impatient, eventually, queue_id, cursor)
        poll.cancel()
    await eventually(lambda: _pending_is(server, http, 0), message="the waiter to go")
    assert server.terminate() < 2  # nothing left in flight to wait for
    assert "still unanswered" not in server.log()


async def _pending_is(server, http, count):
    return await server.pending_polls(http) == count


async def test_restarted_server_delivers_exactly_the_missed_events(
    realtime, start_server, http, eventually
):
    first = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    seen = realtime.publish(COMMUNITY)
    await first.has_read(http, seen)
    assert event_ids(await first.poll(http, queue_id, cursor)) == [seen]
    waiting = await start_waiting(first, http, eventually, queue_id, seen)
    first.kill()
    with pytest.raises(httpx.TransportError):
        await waiting

    missed = [
        realtime.publish(COMMUNITY),
        realtime.publish(COMMUNITY, author_id=ALICE),
        realtime.publish(OTHER_COMMUNITY),
        realtime.publish(COMMUNITY),
    ]
    second = start_server()
    await second.has_read(http, missed[-1])
    response = await second.poll(http, queue_id, seen)
    assert event_ids(response) == [missed[0], missed[3]]  # not the echo, not the other community
    assert response.json()["last_event_id"] == missed[-1]


async def test_sigterm_answers_waiting_polls_and_exits_quickly(
    realtime, start_server, http, eventually
):
    server = start_server(REALTIME_POLL_TIMEOUT=60)
    head = realtime.publish(COMMUNITY)
    await server.has_read(http, head)
    queues = [realtime.register(user, [COMMUNITY])[0] for user in (ALICE, BOB)]
    polls = [
        await start_waiting(server, http, eventually, queue_id, head, expected_pending=n + 1)
        for n, queue_id in enumerate(queues + queues[:1])
    ]
    started = time.monotonic()
    exit_took = server.terminate(timeout=10)
    answers = await asyncio.gather(*polls)
    assert time.monotonic() - started < 3 and exit_took < 3
    assert server.process.returncode == 0
    for response in answers:
        assert response.json() == {"events": [], "last_event_id": head}


async def test_flushed_redis_makes_waiters_catch_up_and_lost_queues_unknown(
    realtime, start_server, http, eventually
):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    head = realtime.publish(COMMUNITY)
    await server.has_read(http, head)
    assert event_ids(await server.poll(http, queue_id, cursor)) == [head]
    waiting = await start_waiting(server, http, eventually, queue_id, head)
    realtime.redis.flushdb()
    response = await waiting
    assert response.json()["catchup_required"] is True

    async def queue_unknown():
        # 503 for the moment the server reloads the log, then 404: the queue is gone.
        status = (await server.poll(http, queue_id, head)).status_code
        assert status in (404, 503)
        return status == 404

    await eventually(queue_unknown, message="the lost queue to be unknown")


async def test_queue_surviving_a_data_loss_still_never_gets_a_silent_gap(
    realtime, start_server, http, eventually
):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    for _ in range(3):
        head = realtime.publish(COMMUNITY)
    await server.has_read(http, head)
    # Redis comes back from an old snapshot: the queue exists, the events and epoch do not.
    realtime.redis.flushdb()
    realtime.redis.set(keys.queue(queue_id), ALICE, ex=120)
    realtime.redis.sadd(keys.memberships(ALICE), COMMUNITY)

    async def caught_up():
        response = await server.poll(http, queue_id, head)
        return response.status_code == 200 and response.json().get("catchup_required")

    await eventually(caught_up, message="a catch-up answer")


async def test_server_survives_redis_going_away_and_coming_back(
    private_redis, realtime_at, start_server, http, eventually
):
    realtime = realtime_at(private_redis.url)
    server = start_server(redis_url=private_redis.url, REALTIME_POLL_TIMEOUT=30)
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    before = realtime.publish(COMMUNITY)
    await server.has_read(http, before)
    assert event_ids(await server.poll(http, queue_id, cursor)) == [before]
    waiting = await start_waiting(server, http, eventually, queue_id, before)

    private_redis.stop()

    async def unhealthy():
        response = await http.get(server.url + "/health")
        return response.status_code == 503 and response.json()

    report = await eventually(unhealthy, message="/health to report Redis down")
    assert report["status"] == "unhealthy" and report["redis"] == "unreachable"
    other_queue = await server.poll(http, "never-seen-queue-id-xyz", 0)
    assert other_queue.status_code == 503 and "message" in other_queue.json()

    private_redis.start()  # same port and data directory: the data is back

    async def healthy():
        return (await http.get(server.url + "/health")).status_code == 200

    await eventually(healthy, timeout=10, message="/health to recover")
    after = realtime.publish(COMMUNITY)
    assert event_ids(await waiting) == [after]
