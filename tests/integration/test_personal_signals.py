"""Personal signals through the real stack: a reply and a read reach the Python client of
the user they name when it asks for notifications, and no client that did not ask."""

import asyncio
import contextlib

import pytest

from marginalia_client import RealtimeClient, Signal
from tests.support.client_run import iterating, until
from tests.support.stack import relay_waiting

pytestmark = pytest.mark.timeout(90)


def signals_of(received: list, type_: str) -> list[Signal]:
    return [item for item in received if isinstance(item, Signal) and item.type == type_]


def replies(received: list) -> list[Signal]:
    # The author's own "added" notification, from the lab's setup moments before, may
    # come first: a poll's first signal cursor replays the last seconds.
    return [item for item in signals_of(received, "notification") if item.data["kind"] == "reply"]


async def test_a_reply_and_a_read_reach_only_the_client_asking_for_notifications(stack, api, lab):
    replier, author = lab["admin"], lab["member"]
    cid, aid = lab["community"]["id"], lab["article"]["id"]
    discussion = await asyncio.to_thread(api.discussion, author, cid, aid)
    asking = RealtimeClient(stack.api_url, stack.poll_url, author.access, notifications=True)
    # Asks for signals, which makes the server send it community ones, but not for these.
    not_asking = RealtimeClient(stack.api_url, stack.poll_url, author.access, signals=True)

    async with contextlib.AsyncExitStack() as running:
        received = await running.enter_async_context(iterating(asking))
        others = await running.enter_async_context(iterating(not_asking))

        await asyncio.to_thread(api.comment, replier, discussion["id"], "A reply")
        await until(lambda: replies(received), 10)
        [reply] = replies(received)
        assert reply.data["discussion_id"] == discussion["id"]
        assert reply.data["adds_unread"] is True

        await asyncio.to_thread(
            api.call, "POST", "/api/notifications/read", author, json={"all": True}, expect=200
        )
        await until(lambda: signals_of(received, "notifications_read"), 10)
        [read] = signals_of(received, "notifications_read")
        assert read.data == {"unread_count": 0}

        # Signals reach a poll in stream order: once a typing indicator published after
        # both personal signals has reached the other client, those had their chance.
        await asyncio.to_thread(
            api.call,
            "POST",
            "/api/realtime/typing",
            replier,
            json={"community_id": cid, "article_id": aid, "discussion_id": discussion["id"]},
            expect=200,
        )
        await until(lambda: signals_of(others, "typing"), 10)
        [typing] = signals_of(others, "typing")
        # The client asking for notifications alone is sent it too, and drops it.
        await until(lambda: asking.signal_cursor == typing.id, 10)

    # Community signals only (the lab's joins also told it the member count), none personal.
    seen = {item.type for item in others if isinstance(item, Signal)}
    assert "typing" in seen and not seen & {"notification", "notifications_read"}
    assert {item.type for item in received if isinstance(item, Signal)} == {
        "notification",
        "notifications_read",
    }
    assert received.index(reply) < received.index(read)


async def test_the_relay_is_woken_by_the_write_not_its_interval(stack, api, lab):
    """A relay that would scan only every 60 s tells the follower within seconds: the
    write wakes it. Stopping it still takes no more than about a second."""
    replier, author = lab["admin"], lab["member"]
    cid, aid = lab["community"]["id"], lab["article"]["id"]
    discussion = await asyncio.to_thread(api.discussion, author, cid, aid)
    stack.stop_process("relay")
    stack.start_relay(interval=60)
    try:
        client = RealtimeClient(stack.api_url, stack.poll_url, author.access, notifications=True)
        async with iterating(client) as received:
            # Written once the relay has made its first pass and waits: blocked in BLPOP.
            await until(lambda: relay_waiting(stack.redis_url), 20)
            await asyncio.to_thread(api.comment, replier, discussion["id"], "Woken")
            await until(lambda: replies(received), 5)
        relay = stack.processes["relay"]
        relay.terminate()
        await asyncio.to_thread(relay.wait, 3)  # TimeoutExpired fails the test
    finally:
        stack.stop_process("relay")
        stack.start_relay()
