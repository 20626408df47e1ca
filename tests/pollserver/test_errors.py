"""Bad requests get a clear 4xx JSON answer with CORS headers; nothing secret is logged."""

import asyncio
import re

import pytest

from realtime_core import tokens

ALICE, COMMUNITY = 1, 10


@pytest.fixture
def server(start_server):
    return start_server()


def assert_cors(response, origin):
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-expose-headers"] == "Retry-After"
    assert "Origin" in response.headers["vary"]


BAD_QUERIES = [
    ({}, 400),
    ({"last_event_id": "0"}, 400),
    ({"queue_id": "", "last_event_id": "0"}, 400),
    ({"queue_id": "short", "last_event_id": "0"}, 400),
    ({"queue_id": "has spaces in it, not an id", "last_event_id": "0"}, 400),
    ({"queue_id": "é" * 20, "last_event_id": "0"}, 400),
    ({"queue_id": "x" * 65, "last_event_id": "0"}, 400),
    ({"queue_id": "{queue}"}, 400),
    ({"queue_id": "{queue}", "last_event_id": ""}, 400),
    ({"queue_id": "{queue}", "last_event_id": "abc"}, 400),
    ({"queue_id": "{queue}", "last_event_id": "1.5"}, 400),
    ({"queue_id": "{queue}", "last_event_id": "-1"}, 400),
    ({"queue_id": "{queue}", "last_event_id": "+1"}, 400),
    ({"queue_id": "{queue}", "last_event_id": " 1"}, 400),
    ({"queue_id": "{queue}", "last_event_id": "1_000"}, 400),
    ({"queue_id": "{queue}", "last_event_id": "٣"}, 400),  # a non-ASCII digit
    ({"queue_id": "{queue}", "last_event_id": str(2**53 + 1)}, 400),
    ({"queue_id": "{queue}", "last_event_id": "9" * 400}, 400),
    ({"queue_id": "unknown-but-well-formed-id", "last_event_id": "0"}, 404),
]


@pytest.mark.parametrize(("query", "status"), BAD_QUERIES)
async def test_bad_polls_get_json_errors_with_cors(realtime, server, http, query, status):
    queue_id, _ = realtime.register(ALICE, [COMMUNITY])
    params = {name: value.replace("{queue}", queue_id) for name, value in query.items()}
    response = await http.get(
        server.url + "/realtime/poll", params=params, headers={"Origin": server.allowed_origin}
    )
    assert response.status_code == status, response.text
    assert set(response.json()) == {"message"} and response.json()["message"]
    assert_cors(response, server.allowed_origin)


async def test_largest_javascript_safe_cursor_is_accepted(realtime, server, http):
    queue_id, _ = realtime.register(ALICE, [COMMUNITY])
    response = await server.poll(http, queue_id, 2**53)
    assert response.json() == {"catchup_required": True, "last_event_id": 0}


async def test_preflight_unknown_paths_and_methods_carry_cors(server, http):
    origin = server.allowed_origin
    preflight = await http.request(
        "OPTIONS",
        server.url + "/realtime/poll",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert preflight.status_code == 204
    assert_cors(preflight, origin)
    assert "GET" in preflight.headers["access-control-allow-methods"]
    allowed_headers = preflight.headers["access-control-allow-headers"]
    for header in ("Authorization", "Content-Type", "X-Realtime-Queue-Id"):
        assert header in allowed_headers
    for response in (
        await http.get(server.url + "/nowhere", headers={"Origin": origin}),
        await http.post(server.url + "/realtime/poll", headers={"Origin": origin}),
        await http.request("PROPFIND", server.url + "/realtime/poll", headers={"Origin": origin}),
    ):
        assert response.status_code in (404, 405)
        assert set(response.json()) == {"message"}
        assert_cors(response, origin)


async def test_other_origins_are_not_allowed(server, http):
    response = await http.get(server.url + "/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-credentials" not in response.headers
    assert "Origin" in response.headers["vary"]


async def test_wildcard_origin_never_allows_credentials(start_server, http):
    server = start_server(CORS_ALLOWED_ORIGINS="*")
    response = await http.get(server.url + "/health", headers={"Origin": "http://anyone.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


async def test_logs_carry_no_queue_ids_tokens_or_event_contents(realtime, start_server, http):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    token = tokens.issue(ALICE, tokens.ACCESS)
    event_id = realtime.publish(COMMUNITY, author_id=2, text="secret-comment-text")
    await server.has_read(http, event_id)
    await server.poll(http, queue_id, cursor, headers={"Authorization": f"Bearer {token}"})
    await server.poll(http, queue_id, "not-a-number")
    await server.poll(http, queue_id, cursor, headers={"Authorization": "Bearer forged.token.here"})
    invalid_utf8 = "%FF" * 20
    response = await http.get(f"{server.url}/realtime/poll?last_event_id=0&queue_id={invalid_utf8}")
    assert response.status_code == 400
    server.terminate()
    log = server.log()
    assert "GET /realtime/poll 200" in log  # the access log is there...
    for secret in (queue_id, token, "secret-comment-text", "forged.token.here", "queue_id="):
        assert secret not in log  # ...without the query string, headers or events


async def test_polls_share_a_keep_alive_connection_until_the_client_closes_it(realtime, server):
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    realtime.publish(COMMUNITY)  # newer than the cursor: every poll is answered at once
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)

    async def poll(extra_headers: str = "") -> bytes:
        writer.write(
            f"GET /realtime/poll?queue_id={queue_id}&last_event_id={cursor} HTTP/1.1\r\n"
            f"Host: poll\r\n{extra_headers}\r\n".encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        await reader.readexactly(length)
        return head

    for _ in range(2):
        assert (await poll()).startswith(b"HTTP/1.1 200 ")
    last = await poll("Connection: close\r\n")
    assert b"Connection: close" in last
    assert await reader.read() == b""  # the server closed the connection
    writer.close()


async def test_a_refused_token_is_asked_for_again_with_cors(realtime, server, http):
    queue_id, _ = realtime.register(ALICE, [COMMUNITY])
    response = await server.poll(
        http,
        queue_id,
        0,
        headers={"Authorization": "Bearer forged.token.here", "Origin": server.allowed_origin},
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"].startswith("application/json")
    assert_cors(response, server.allowed_origin)
