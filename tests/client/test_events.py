"""What events() yields, and where each poll resumes."""

import httpx
import pytest

from marginalia_client import CatchupRequired, RequestFailed, Reregistered
from marginalia_client.client import MAX_GONE_IN_A_ROW

from .fakes import POLL, REGISTER, query


async def test_events_in_event_id_order_each_once(servers, make_client):
    client = make_client()
    events = client.events()
    servers.answer_poll(2, 1)
    servers.answer_poll(2, 3)

    received = [(await anext(events))["event_id"] for _ in range(3)]

    assert received == [1, 2, 3]
    assert client.last_event_id == 3
    polls = servers.sent(POLL)
    assert [query(poll)["last_event_id"] for poll in polls[:2]] == ["0", "2"]
    assert {query(poll)["queue_id"] for poll in polls} == {"q1"}


async def test_register_then_poll_from_its_cursor(servers, make_client):
    servers.head = 41
    client = make_client(access_token="secret")
    events = client.events()
    servers.answer_poll(42)

    assert (await anext(events))["event_id"] == 42

    (register,) = servers.sent(REGISTER)
    assert register.headers["Authorization"] == "Bearer secret"
    poll = servers.sent(POLL)[0]
    assert query(poll) == {"queue_id": "q1", "last_event_id": "41"}
    assert "Authorization" not in poll.headers


async def test_cursor_skips_past_events_for_other_queues(servers, make_client):
    client = make_client()
    events = client.events()
    servers.answer_poll(last_event_id=7)
    servers.answer_poll(8)

    assert (await anext(events))["event_id"] == 8
    assert query(servers.sent(POLL)[1])["last_event_id"] == "7"


async def test_catchup_marker_then_events_after_its_cursor(servers, make_client):
    client = make_client()
    events = client.events()
    servers.answer_poll(1)
    servers.answer_catchup(last_event_id=40)
    servers.answer_poll(41)

    assert (await anext(events))["event_id"] == 1
    assert await anext(events) == CatchupRequired(40)
    assert client.last_event_id == 40
    assert (await anext(events))["event_id"] == 41
    assert query(servers.sent(POLL)[2])["last_event_id"] == "40"


async def test_catchup_to_a_lower_cursor_delivers_the_lower_event_ids(servers, make_client):
    # Redis lost its data: event ids start over below the client's cursor.
    client = make_client(queue_id="q7", last_event_id=100)
    events = client.events()
    servers.answer_catchup(last_event_id=3)
    servers.answer_poll(4)

    assert await anext(events) == CatchupRequired(3)
    assert (await anext(events))["event_id"] == 4


async def test_unknown_queue_registers_a_new_one(servers, make_client):
    client = make_client()
    events = client.events()
    servers.answer_poll(5)
    servers.answer(POLL, 404)

    assert (await anext(events))["event_id"] == 5
    servers.head = 9
    assert await anext(events) == Reregistered("q2", 9)
    assert (client.queue_id, client.last_event_id) == ("q2", 9)

    servers.answer_poll(10)
    assert (await anext(events))["event_id"] == 10
    assert query(servers.sent(POLL)[2]) == {"queue_id": "q2", "last_event_id": "9"}


async def test_a_poll_url_that_knows_no_queue_is_raised_after_a_few_new_ones(
    servers, sleep, make_client
):
    """Every poll of an address that is not the poll server answers 404: registering
    again and again would go on for ever, a new queue each time, telling nobody."""
    events = make_client().events()
    servers.answer(POLL, *[404] * (MAX_GONE_IN_A_ROW + 1))
    for _ in range(MAX_GONE_IN_A_ROW):
        assert isinstance(await anext(events), Reregistered)
    with pytest.raises(RequestFailed, match="poll server's address"):
        await anext(events)
    assert servers.registrations == 1 + MAX_GONE_IN_A_ROW


async def test_resumes_a_queue_after_the_poll_server_restarts(servers, sleep, make_client):
    client = make_client(queue_id="q7", last_event_id=12)
    events = client.events()
    servers.answer(POLL, httpx.ConnectError("connection refused"))
    servers.answer_poll(13)

    assert (await anext(events))["event_id"] == 13

    assert servers.sent(REGISTER) == []
    assert [query(poll) for poll in servers.sent(POLL)] == [
        {"queue_id": "q7", "last_event_id": "12"}
    ] * 2
    assert len(sleep.delays) == 1
