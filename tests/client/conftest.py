import httpx
import pytest

from marginalia_client import RealtimeClient

from .fakes import API_URL, HEARTBEAT_INTERVAL, POLL_URL, FakeServers, FakeSleep


@pytest.fixture
def servers():
    return FakeServers()


@pytest.fixture
def sleep():
    return FakeSleep()


@pytest.fixture
async def make_client(servers, sleep):
    """Builds RealtimeClients on the fake servers, with random() fixed at 0.5; closes
    them and their HTTP clients at the end of the test."""
    made = []

    def make(access_token="token", **options) -> RealtimeClient:
        http = httpx.AsyncClient(transport=servers.transport())
        client = RealtimeClient(
            API_URL,
            POLL_URL,
            access_token,
            heartbeat_interval=HEARTBEAT_INTERVAL,
            http=http,
            sleep=sleep,
            random=lambda: 0.5,
            **options,
        )
        made.append((client, http))
        return client

    yield make
    for client, http in made:
        await client.close()
        await http.aclose()
