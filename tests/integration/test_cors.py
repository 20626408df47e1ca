"""CORS: browsers may read answers only from the configured origins
(CORS_ALLOWED_ORIGINS, one list for the API and the poll server), and never with
credentials under a wildcard. A front end on its own origin, like the seed's on
:3000, must pass every preflight and read every answer, errors included: a 401,
404 or 429 without the headers reaches its code as a network error."""

import subprocess
import sys

import httpx
import pytest

from tests.support.stack import ROOT, free_port, wait_until

OTHER_ORIGIN = "https://elsewhere.example"


def _preflight(
    url: str,
    origin: str,
    method: str = "POST",
    headers: str = "authorization, content-type, x-realtime-queue-id",
):
    return httpx.options(
        url,
        timeout=5,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/api/realtime/register"),
        ("POST", "/api/realtime/heartbeat?queue_id=x"),
        ("GET", "/api/realtime/status"),
        ("POST", "/api/discussions/1/comments"),
        ("PATCH", "/api/comments/1"),
        ("DELETE", "/api/discussions/1"),
        ("POST", "/api/auth/login"),
    ],
)
def test_the_api_answers_preflights_for_a_listed_origin(stack, method, path):
    response = _preflight(f"{stack.api_url}{path}", stack.frontend_origin, method)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == stack.frontend_origin
    allowed = {h.strip() for h in response.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "x-realtime-queue-id"} <= allowed
    assert method in response.headers["access-control-allow-methods"]


def test_api_errors_carry_the_cors_headers(stack, api):
    origin = {"Origin": stack.frontend_origin}
    unauthenticated = httpx.post(
        f"{stack.api_url}/api/realtime/register", headers=origin, timeout=5
    )
    user = api.signup("cors")
    auth = {**origin, "Authorization": f"Bearer {user.access}"}
    missing = httpx.post(
        f"{stack.api_url}/api/realtime/heartbeat?queue_id=" + "A" * 22, headers=auth, timeout=5
    )
    responses = []
    while not responses or responses[-1].status_code == 200:
        responses.append(
            httpx.post(f"{stack.api_url}/api/realtime/register", headers=auth, timeout=5)
        )
        assert len(responses) <= 130, "the registration limit never answered 429"
    limited = responses[-1]
    for response, status in ((unauthenticated, 401), (missing, 404), (limited, 429)):
        assert response.status_code == status
        assert response.headers["access-control-allow-origin"] == stack.frontend_origin
        assert "origin" in response.headers["vary"].lower()
    # Cross-origin code may only read the headers it is allowed to see.
    assert "retry-after" in limited.headers["access-control-expose-headers"].lower()
    assert int(limited.headers["retry-after"]) >= 1


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/api/communities"),
        ("POST", "/api/auth/login"),
        ("GET", "/api/auth/me"),
        ("OPTIONS", "/api/realtime/register"),
    ],
)
def test_the_api_allows_no_unlisted_origin(stack, method, path):
    for origin in (OTHER_ORIGIN, stack.poll_url):
        response = httpx.request(
            method,
            f"{stack.api_url}{path}",
            timeout=5,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert response.status_code < 500
        assert "access-control-allow-origin" not in response.headers
        assert "access-control-allow-credentials" not in response.headers


def test_poll_server_allows_only_listed_origins_with_credentials(stack):
    for listed in (stack.frontend_origin, stack.api_url):
        allowed = httpx.get(f"{stack.poll_url}/health", headers={"Origin": listed}, timeout=5)
        assert allowed.headers["access-control-allow-origin"] == listed
        assert allowed.headers["access-control-allow-credentials"] == "true"
        assert "Origin" in allowed.headers["vary"]
    refused = httpx.get(
        f"{stack.poll_url}/realtime/poll", headers={"Origin": OTHER_ORIGIN}, timeout=5
    )
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert "access-control-allow-credentials" not in refused.headers


def test_a_wildcard_allows_any_origin_and_never_credentials_on_both_servers(stack):
    api_port, poll_port = free_port(), free_port()
    env = {**stack.env, "CORS_ALLOWED_ORIGINS": "*"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "pollserver", "--port", str(poll_port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "marginalia.wsgi",
                "--chdir",
                str(ROOT / "src"),
                "--bind",
                f"127.0.0.1:{api_port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]

    def answers(url):
        try:
            return httpx.get(url, headers={"Origin": OTHER_ORIGIN}, timeout=1)
        except httpx.HTTPError:
            return None

    try:
        answered = [
            wait_until(
                lambda: answers(f"http://127.0.0.1:{poll_port}/health"),
                timeout=20,
                message="the wildcard poll server",
            ),
            httpx.get(
                f"http://127.0.0.1:{poll_port}/realtime/poll",
                headers={"Origin": OTHER_ORIGIN},
                timeout=5,
            ),
            wait_until(
                lambda: answers(f"http://127.0.0.1:{api_port}/api/auth/me"),
                timeout=20,
                message="the wildcard API",
            ),
            _preflight(f"http://127.0.0.1:{api_port}/api/realtime/register", OTHER_ORIGIN),
        ]
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
    for answer in answered:
        assert answer.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in answer.headers
