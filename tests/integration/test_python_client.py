"""The Python client against the real stack: it rides out a poll server restart, and
receives signals when it asks for them."""

import asyncio
import signal

from marginalia_client import CatchupRequired, RealtimeClient, Reregistered, Signal
from tests.support.client_run import iterating, until


async def test_client_continues_its_queue_across_a_poll_server_restart(stack, api, lab):
    admin, cid, aid = lab["admin"], lab["community"]["id"], lab["article"]["id"]
    client = RealtimeClient(
        stack.api_url, stack.poll_url, lab["member"].access, backoff_base=0.05, backoff_cap=0.5
    )

    def has_discussion(received, discussion_id):
        return any(
            isinstance(i, dict) and i["data"]["discussion"]["id"] == discussion_id for i in received
        )

    async with iterating(client) as received:
        first = await asyncio.to_thread(api.discussion, admin, cid, aid)
        await until(lambda: has_discussion(received, first["id"]), 5)
        queue_before = client.queue_id

        await asyncio.to_thread(stack.stop_process, "poll", signal.SIGKILL)
        during = [
            (await asyncio.to_thread(api.discussion, admin, cid, aid))["id"] for _ in range(3)
        ]
        await asyncio.to_thread(stack.start_poll_server)
        await until(lambda: has_discussion(received, during[-1]), 15)

    assert client.queue_id == queue_before
    assert not any(isinstance(i, (CatchupRequired, Reregistered)) for i in received)
    assert [i["data"]["discussion"]["id"] for i in received] == [first["id"], *during]


def typing_of(received: list) -> list[Signal]:
    return [i for i in received if isinstance(i, Signal) and i.type == "typing"]


async def test_a_client_asking_for_signals_gets_another_members_typing(stack, api, lab):
    admin, cid, aid = lab["admin"], lab["community"]["id"], lab["article"]["id"]
    discussion = await asyncio.to_thread(api.discussion, admin, cid, aid)
    client = RealtimeClient(stack.api_url, stack.poll_url, lab["member"].access, signals=True)

    async with iterating(client) as received:
        await asyncio.to_thread(
            api.call,
            "POST",
            "/api/realtime/typing",
            admin,
            json={"community_id": cid, "article_id": aid, "discussion_id": discussion["id"]},
            expect=200,
        )
        await until(lambda: typing_of(received), 10)

    # Other signals may come first (the lab's joins tell its members their count).
    [typing] = typing_of(received)
    assert typing.data["discussion_id"] == discussion["id"]
    assert typing.data["user"]["id"] == admin.id
    assert client.signal_cursor == typing.id
