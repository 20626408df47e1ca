"""The Python client against the real stack: it rides out a poll server restart, and
receives signals when it asks for them."""

import asyncio
import signal

from marginalia_client import CatchupRequired, RealtimeClient, Reregistered, Signal


async def test_client_continues_its_queue_across_a_poll_server_restart(stack, api, lab):
    admin, cid, aid = lab["admin"], lab["community"]["id"], lab["article"]["id"]
    received: list = []
    client = RealtimeClient(stack.api_url, stack.poll_url, lab["member"].access,
                            backoff_base=0.05, backoff_cap=0.5)

    async def consume():
        async for item in client.events():
            received.append(item)

    async def wait_for_discussion(discussion_id):
        while not any(isinstance(i, dict) and i["data"]["discussion"]["id"] == discussion_id
                      for i in received):
            await asyncio.sleep(0.02)

    consumer = asyncio.create_task(consume())
    try:
        async def connected():
            while client.status != "connected":
                await asyncio.sleep(0.02)

        await asyncio.wait_for(connected(), 20)
        first = await asyncio.to_thread(api.discussion, admin, cid, aid)
        await asyncio.wait_for(wait_for_discussion(first["id"]), 5)
        queue_before = client.queue_id

        await asyncio.to_thread(stack.stop_process, "poll", signal.SIGKILL)
        during = [(await asyncio.to_thread(api.discussion, admin, cid, aid))["id"]
                  for _ in range(3)]
        await asyncio.to_thread(stack.start_poll_server)
        await asyncio.wait_for(wait_for_discussion(during[-1]), 15)
    finally:
        await client.close()
        await asyncio.wait_for(consumer, 5)

    assert client.queue_id == queue_before
    assert not any(isinstance(i, (CatchupRequired, Reregistered)) for i in received)
    assert [i["data"]["discussion"]["id"] for i in received] == [first["id"], *during]


async def test_a_client_asking_for_signals_gets_another_members_typing(stack, api, lab):
    admin, cid, aid = lab["admin"], lab["community"]["id"], lab["article"]["id"]
    discussion = await asyncio.to_thread(api.discussion, admin, cid, aid)
    received: list = []
    client = RealtimeClient(stack.api_url, stack.poll_url, lab["member"].access, signals=True)

    async def consume():
        async for item in client.events():
            received.append(item)

    async def typing_arrived():
        while not any(isinstance(i, Signal) and i.type == "typing" for i in received):
            await asyncio.sleep(0.02)

    consumer = asyncio.create_task(consume())
    try:
        async def connected():
            while client.status != "connected":
                await asyncio.sleep(0.02)

        await asyncio.wait_for(connected(), 20)
        await asyncio.to_thread(api.call, "POST", "/api/realtime/typing", admin, json={
            "community_id": cid, "article_id": aid, "discussion_id": discussion["id"]},
            expect=200)
        await asyncio.wait_for(typing_arrived(), 10)
    finally:
        await client.close()
        await asyncio.wait_for(consumer, 5)

    [typing] = [i for i in received if isinstance(i, Signal)]
    assert typing.data["discussion_id"] == discussion["id"]
    assert typing.data["user"]["id"] == admin.id
    assert client.signal_cursor == typing.id
