"""Abuse limits through the real API (gunicorn, 2 workers x 4 threads) and Redis:
the production defaults for writes and failed logins hold exactly under
concurrent requests spread over the workers."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from limits import parse_many

from tests.support.api import Api
from tests.support.stack import Stack

PRODUCTION_DEFAULTS = ("RATE_LIMIT_WRITES_PER_USER", "RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT")


def first_rule_amount(name: str) -> int:
    """How many attempts the shortest window of a default limit allows."""
    return parse_many(settings.RATE_LIMITS[name])[0].amount


@pytest.fixture(scope="module")
def limited_api(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("limits"), "limits", redis_db=13)
    for variable in PRODUCTION_DEFAULTS:
        stack.env.pop(variable)  # the defaults a deployment gets
    stack.start()
    yield Api(stack.api_url)
    stack.stop()


def in_parallel(count: int, request) -> list:
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda _: request(), range(count)))


def assert_limited(response):
    assert response.headers["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"message"}
    assert 1 <= int(response.headers["Retry-After"]) <= 3600


def test_a_burst_of_comments_gets_exactly_the_allowed_number(limited_api):
    api = limited_api
    lab = api.lab()
    discussion = api.discussion(lab["member"], lab["community"]["id"], lab["article"]["id"])
    allowed = first_rule_amount("writes_per_user") - 1  # the discussion was a write too

    responses = in_parallel(
        100,
        lambda: api.call(
            "POST",
            f"/api/discussions/{discussion['id']}/comments",
            lab["member"],
            json={"content": "spam"},
        ),
    )

    statuses = [r.status_code for r in responses]
    assert statuses.count(201) == allowed and statuses.count(429) == 100 - allowed, statuses
    for response in responses:
        if response.status_code == 429:
            assert_limited(response)
    assert len(api.comments(lab["member"], discussion["id"])) == allowed
    # Another user writes on.
    api.comment(lab["admin"], discussion["id"], "still welcome")


@pytest.mark.parametrize("account_exists", [True, False], ids=["known", "unknown"])
def test_parallel_password_guesses_get_exactly_the_allowed_number(limited_api, account_exists):
    api = limited_api
    account = api.signup("guessed")
    login = account.username if account_exists else f"nobody-{account.username}"
    allowed = first_rule_amount("login_failures_per_account")

    responses = in_parallel(
        20,
        lambda: api.call("POST", "/api/auth/login", json={"login": login, "password": "a guess"}),
    )

    statuses = [r.status_code for r in responses]
    assert statuses.count(401) == allowed and statuses.count(429) == 20 - allowed, statuses
    for response in responses:
        if response.status_code == 429:
            assert_limited(response)
    if account_exists:  # the account waits, even for the right password
        locked = api.call(
            "POST", "/api/auth/login", json={"login": login, "password": account.password}
        )
        assert locked.status_code == 429
