"""CORS: browsers may read answers only from configured origins, and never with
credentials under a wildcard. The API serves only its own pages, so it allows
no other origin at all; the poll server allows the REALTIME_ALLOWED_ORIGINS list."""

import subprocess
import sys

import httpx
import pytest

from tests.support.stack import ROOT, free_port, wait_until

OTHER_ORIGIN = "https://elsewhere.example"


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/communities"), ("POST", "/api/auth/login"), ("GET", "/api/auth/me"),
    ("OPTIONS", "/api/realtime/register"),
])
def test_the_api_allows_no_other_origin(stack, method, path):
    for origin in (OTHER_ORIGIN, stack.poll_url):
        response = httpx.request(method, f"{stack.api_url}{path}", timeout=5, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type"})
        assert response.status_code < 500
        assert "access-control-allow-origin" not in response.headers
        assert "access-control-allow-credentials" not in response.headers


def test_poll_server_allows_only_listed_origins_with_credentials(stack):
    listed = stack.env["REALTIME_ALLOWED_ORIGINS"].split(",")[0]
    allowed = httpx.get(f"{stack.poll_url}/health", headers={"Origin": listed}, timeout=5)
    assert allowed.headers["access-control-allow-origin"] == listed
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "Origin" in allowed.headers["vary"]
    refused = httpx.get(f"{stack.poll_url}/realtime/poll", headers={"Origin": OTHER_ORIGIN},
                        timeout=5)
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert "access-control-allow-credentials" not in refused.headers


def test_a_wildcard_poll_server_never_allows_credentials(stack):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pollserver", "--port", str(port)], cwd=ROOT,
        env={**stack.env, "REALTIME_ALLOWED_ORIGINS": "*"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"

    def answers():
        try:
            return httpx.get(f"{url}/health", headers={"Origin": OTHER_ORIGIN}, timeout=1)
        except httpx.HTTPError:
            return None

    try:
        response = wait_until(answers, timeout=20, message="the wildcard poll server")
        error = httpx.get(f"{url}/realtime/poll", headers={"Origin": OTHER_ORIGIN}, timeout=5)
    finally:
        process.terminate()
        process.wait(10)
    for answer in (response, error):
        assert answer.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in answer.headers
