"""Running the Python client against the real stack, and waiting on what it yields."""

import asyncio
import contextlib

from marginalia_client import RealtimeClient


@contextlib.asynccontextmanager
async def iterating(client: RealtimeClient):
    """The items the client yields, gathered in a list while it runs; entered once the
    client is connected."""
    received: list = []

    async def consume():
        async for item in client.events():
            received.append(item)

    async def connected():
        while client.status != "connected":
            await asyncio.sleep(0.02)

    consumer = asyncio.create_task(consume())
    try:
        await asyncio.wait_for(connected(), 20)
        yield received
    finally:
        await client.close()
        await asyncio.wait_for(consumer, 5)


async def until(condition, timeout: float):
    async def met():
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(met(), timeout)
