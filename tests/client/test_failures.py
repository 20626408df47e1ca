"""Outages are waited out with backoff; errors retrying cannot fix are raised."""

import httpx
import pytest

from marginalia_client import AuthenticationError, CannotSend, RealtimeClient, RequestFailed

from .fakes import HEARTBEAT, POLL, REGISTER, query


async def test_network_errors_and_5xx_back_off_then_recover(servers, sleep, make_client):
    client = make_client(backoff_base=1.0, backoff_cap=3.0)
    statuses = []
    client.on_status(statuses.append)
    events = client.events()
    servers.answer_poll(1)
    servers.answer(
        POLL,
        httpx.ConnectError("connection refused"),
        503,
        httpx.ReadTimeout("no answer"),
        429,
    )
    servers.answer_poll(2)

    assert (await anext(events))["event_id"] == 1
    assert (await anext(events))["event_id"] == 2

    # random() is 0.5: half of each ceiling, which doubles from base to cap.
    assert sleep.delays == [0.5, 1.0, 1.5, 1.5]
    assert statuses == ["connected", "reconnecting", "connected"]
    assert {query(poll)["last_event_id"] for poll in servers.sent(POLL)[1:]} == {"1"}


async def test_backoff_starts_over_after_a_success(servers, sleep, make_client):
    client = make_client()
    events = client.events()
    servers.answer(POLL, 502, 502)
    servers.answer_poll(1)
    servers.answer(POLL, 502)
    servers.answer_poll(2)

    assert [(await anext(events))["event_id"] for _ in range(2)] == [1, 2]
    assert sleep.delays == [0.5, 1.0, 0.5]


async def test_registration_waits_out_an_api_outage(servers, sleep, make_client):
    client = make_client()
    events = client.events()
    servers.answer(REGISTER, httpx.ConnectError("connection refused"), 503)
    servers.answer_poll(1)

    assert (await anext(events))["event_id"] == 1
    assert len(servers.sent(REGISTER)) == 3
    assert client.queue_id == "q1"
    assert len(sleep.delays) == 2


async def test_refused_token_on_register_raises(servers, make_client):
    servers.answer(REGISTER, 401)
    events = make_client().events()

    with pytest.raises(AuthenticationError):
        await anext(events)


async def test_refused_token_on_heartbeat_raises(servers, sleep, make_client):
    servers.answer(HEARTBEAT, 401)
    events = make_client().events()

    sleep.beat()
    with pytest.raises(AuthenticationError):
        await anext(events)


async def test_token_callable_is_asked_before_every_api_request(servers, sleep, make_client):
    tokens = iter(["first", "second"])

    async def current_token():
        return next(tokens)

    events = make_client(access_token=current_token).events()
    servers.answer(HEARTBEAT, 401)
    sleep.beat()
    with pytest.raises(AuthenticationError):
        await anext(events)

    assert servers.sent(REGISTER)[0].headers["Authorization"] == "Bearer first"
    assert servers.sent(HEARTBEAT)[0].headers["Authorization"] == "Bearer second"


async def test_forbidden_poll_is_raised_not_retried(servers, sleep, make_client):
    servers.answer(POLL, 403)
    events = make_client().events()

    with pytest.raises(RequestFailed) as raised:
        await anext(events)

    assert raised.value.status_code == 403
    assert raised.value.message == "status 403"
    assert sleep.delays == []


async def test_url_without_scheme_is_raised_not_retried(sleep):
    async with RealtimeClient("api.test", "poll.test", "token", sleep=sleep) as client:
        with pytest.raises(CannotSend, match="http://"):
            await anext(client.events())
    assert sleep.delays == []


async def test_a_token_with_a_line_break_is_raised_not_retried_and_never_repeated(
    servers, sleep, make_client, caplog
):
    # What httpx raises for a header it will not send (a token read with its newline).
    refused = httpx.LocalProtocolError("Illegal header value b'Bearer secret-token-value\\n'")
    servers.answer(REGISTER, refused)
    with pytest.raises(CannotSend) as raised:
        await anext(make_client().events())
    assert "secret-token-value" not in str(raised.value) and raised.value.__cause__ is None
    assert "secret-token-value" not in caplog.text and sleep.delays == []


async def test_a_poll_that_stayed_open_10_s_before_failing_starts_the_delays_over(
    servers, sleep, make_client, monkeypatch
):
    # Each failed poll reads the clock when it starts and when it fails; the third
    # failure comes after the poll stayed open 10 s: the link worked until then.
    readings = iter([0, 0, 0, 0, 100, 110, 200])
    monkeypatch.setattr("marginalia_client.client.monotonic", lambda: next(readings))
    events = make_client().events()
    servers.answer(POLL, 502, 502, httpx.ReadError("connection reset"))
    servers.answer_poll(1)

    assert (await anext(events))["event_id"] == 1
    assert sleep.delays == [0.5, 1.0, 0.5]
