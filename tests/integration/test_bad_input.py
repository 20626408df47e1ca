"""Bad input to the realtime endpoints: the right 4xx JSON, CORS on the poll server, never a 500."""

import time

import httpx
import jwt
import pytest

from realtime_core import tokens
from tests.support.poller import poll_once


def _forged(user_id: int) -> str:
    return jwt.encode(
        {"sub": str(user_id), "type": "access", "exp": int(time.time()) + 60},
        "not-the-secret-but-long-enough-for-hs256",
        algorithm="HS256",
    )


def _expired(user_id: int) -> str:
    return jwt.encode(
        {"sub": str(user_id), "type": "access", "exp": int(time.time()) - 5},
        tokens.secret(),
        algorithm="HS256",
    )


@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/api/realtime/register"),
        ("POST", "/api/realtime/heartbeat?queue_id=AAAAAAAAAAAAAAAAAAAAAA"),
        ("GET", "/api/realtime/status"),
    ],
)
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer garbage",
        "Basic dXNlcjpwdw==",
        "forged",
        "expired",
        "refresh",
    ],
)
def test_api_realtime_endpoints_reject_bad_tokens(api, lab, method, path, authorization):
    user = lab["member"]
    header = {
        "forged": f"Bearer {_forged(user.id)}",
        "expired": f"Bearer {_expired(user.id)}",
        "refresh": f"Bearer {user.refresh}",
    }.get(authorization, authorization)
    response = api.call(method, path, headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["message"]


def test_heartbeat_rejects_missing_unknown_and_foreign_queues(api, lab):
    member, outsider = lab["member"], lab["outsider"]
    queue = api.register(member)
    assert api.call("POST", "/api/realtime/heartbeat", member).status_code == 400
    for queue_id in ["", "short", "x" * 5000, "../../etc", "AAAAAAAAAAAAAAAAAAAAAA"]:
        response = api.call("POST", f"/api/realtime/heartbeat?queue_id={queue_id}", member)
        assert response.status_code in (400, 404), queue_id
        assert response.json()["message"]
    foreign = api.call("POST", f"/api/realtime/heartbeat?queue_id={queue['queue_id']}", outsider)
    assert foreign.status_code == 404


def test_register_gives_every_tab_its_own_queue(api, lab):
    member = lab["member"]
    first, second = api.register(member), api.register(member)
    assert first["queue_id"] != second["queue_id"]
    assert first["communities"] == [lab["community"]["id"]]
    for queue in (first, second):
        api.call(
            "POST", f"/api/realtime/heartbeat?queue_id={queue['queue_id']}", member, expect=200
        )
    status = api.call("GET", "/api/realtime/status", member, expect=200).json()
    assert status == {
        "user_id": member.id,
        "communities": [lab["community"]["id"]],
        "realtime_enabled": True,
    }
    # A user with no private community still gets a queue.
    assert api.register(api.signup("loner"))["communities"] == []


@pytest.mark.parametrize(
    "params,status",
    [
        ({}, 400),
        ({"queue_id": "AAAAAAAAAAAAAAAAAAAAAA"}, 400),
        ({"last_event_id": "0"}, 400),
        ({"queue_id": "AAAAAAAAAAAAAAAAAAAAAA", "last_event_id": "abc"}, 400),
        ({"queue_id": "AAAAAAAAAAAAAAAAAAAAAA", "last_event_id": "1.5"}, 400),
        ({"queue_id": "AAAAAAAAAAAAAAAAAAAAAA", "last_event_id": "-1"}, 400),
        ({"queue_id": "AAAAAAAAAAAAAAAAAAAAAA", "last_event_id": str(2**64)}, 400),
        ({"queue_id": "AAAAAAAAAAAAAAAAAAAAAA", "last_event_id": "9" * 5000}, 400),
        ({"queue_id": "'; DROP TABLE --", "last_event_id": "0"}, 400),
        ({"queue_id": "AAAAAAAAAAAAAAAAAAAAAA", "last_event_id": "0"}, 404),
    ],
)
def test_poll_rejects_bad_parameters_with_cors(stack, params, status):
    origin = stack.api_url
    response = httpx.get(
        f"{stack.poll_url}/realtime/poll", params=params, headers={"Origin": origin}, timeout=5
    )
    assert response.status_code == status
    assert response.json()["message"]
    assert response.headers["Access-Control-Allow-Origin"] == origin


def test_poll_checks_an_authorization_header_against_the_owner(stack, api, lab):
    queue = api.register(lab["member"])
    cursor = queue["last_event_id"]
    others = poll_once(
        stack.poll_url,
        queue["queue_id"],
        cursor,
        headers={"Authorization": f"Bearer {lab['outsider'].access}"},
    )
    assert others.status_code == 404
    forged = poll_once(
        stack.poll_url,
        queue["queue_id"],
        cursor,
        headers={"Authorization": f"Bearer {_forged(lab['member'].id)}"},
    )
    assert forged.status_code == 401
    api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"])
    owner = poll_once(
        stack.poll_url,
        queue["queue_id"],
        cursor,
        headers={"Authorization": f"Bearer {lab['member'].access}"},
    )
    assert owner.status_code == 200 and len(owner.json()["events"]) == 1


def test_cors_preflight_and_disallowed_origin(stack):
    preflight = httpx.options(
        f"{stack.poll_url}/realtime/poll",
        headers={
            "Origin": stack.api_url,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
        timeout=5,
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == stack.api_url
    evil = httpx.get(
        f"{stack.poll_url}/health", headers={"Origin": "https://evil.example"}, timeout=5
    )
    assert evil.headers.get("Access-Control-Allow-Origin") not in ("*", "https://evil.example")


def test_queue_limits_per_user(api):
    user = api.signup("busy")
    first = api.register(user)
    for _ in range(20):
        api.register(user)
    evicted = api.call("POST", f"/api/realtime/heartbeat?queue_id={first['queue_id']}", user)
    assert evicted.status_code == 404, "the 21st live queue evicts the oldest"

    # 60 registrations in any minute (the ones above count): the next is refused.
    statuses = []
    while 429 not in statuses and len(statuses) < 130:
        statuses.append(api.call("POST", "/api/realtime/register", user).status_code)
    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {200}
    response = api.call("POST", "/api/realtime/register", user)
    assert response.status_code == 429 and response.json()["message"]
    # Until the oldest registration of the minute ages out: a client that waits this
    # long gets through.
    assert 1 <= int(response.headers["Retry-After"]) <= 60
