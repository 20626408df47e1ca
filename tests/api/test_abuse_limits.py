"""Abuse limits: each one reached answers 429 with a JSON message and Retry-After;
failed logins wait longer and longer; without Redis the limits let requests through.

Each test lowers the limit it is about (the fixtures make them generous) and
sends from an address of its own, so counts left in Redis by other tests never
reach it."""

import itertools
import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from tests.support.stack import SRC, free_port, wait_until
from toolkit.errors import wait_in_words
from toolkit.rate_limits import client_address

from .support import PASSWORD, Api, assert_json_error, unique

_addresses = itertools.count(1)


def from_new_address() -> Api:
    """An API client whose requests come from an address no other test uses."""
    api = Api()
    n = next(_addresses)
    api.client.defaults["REMOTE_ADDR"] = f"198.51.{n // 250}.{n % 250 + 1}"
    return api


def limited(settings, **rules):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rules}


def assert_too_many(response, longest_wait: int) -> int:
    """A JSON 429 whose Retry-After is a whole number of seconds, 1..longest_wait."""
    body = assert_json_error(response, 429)
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= longest_wait, retry_after
    # The message names the same wait, in the unit a person would use.
    assert body["message"].endswith(f"; try again in {wait_in_words(retry_after)}"), body
    return retry_after


def signup(api, name=None):
    name = name or unique("newcomer")
    return api.post(
        "/api/auth/signup", {"username": name, "email": f"{name}@example.org", "password": PASSWORD}
    )


def login(api, login_name, password):
    return api.post("/api/auth/login", {"login": login_name, "password": password})


def test_signups_per_address(settings, db):
    limited(settings, signups_per_ip="2/hour")
    api = from_new_address()
    name = unique("newcomer")
    assert signup(api, name).status_code == 201
    assert signup(api, name).status_code == 409  # refused attempts count too (they probe names)
    assert_too_many(signup(api), 3600)
    assert signup(from_new_address()).status_code == 201  # another address is not held back


def test_logins_per_address(settings, make_user):
    limited(settings, logins_per_ip="3/minute")
    person = make_user()
    api = from_new_address()
    assert login(api, person.username, PASSWORD).status_code == 200
    assert login(api, person.username, "wrong").status_code == 401
    assert login(api, unique("nobody"), "wrong").status_code == 401
    assert_too_many(login(api, person.username, PASSWORD), 60)


def test_signing_out_with_an_access_token_is_never_held_back_by_the_address(settings, make_user):
    """Whoever shares the address may use up its login attempts; a person who is signed
    in can still sign out. A refresh token sent to sign out counts, as a guess would."""
    limited(settings, logins_per_ip="2/minute")
    person = make_user()
    api = from_new_address()
    body = login(api, person.username, PASSWORD).json()
    assert login(api, unique("nobody"), "wrong").status_code == 401
    assert_too_many(login(api, person.username, PASSWORD), 60)
    bearer = {"Authorization": f"Bearer {body['access']}"}
    signed_out = api.post("/api/auth/logout", {}, headers=bearer)
    assert signed_out.status_code == 204
    assert_too_many(api.post("/api/auth/logout", {"refresh": body["refresh"]}), 60)


@pytest.mark.parametrize("account_exists", [True, False], ids=["known", "unknown"])
def test_failed_logins_wait_longer_and_longer(settings, make_user, account_exists):
    # Two tiers: 2 failures in 2 s, then 3 in an hour.
    limited(settings, login_failures_per_account="2/2 seconds;3/hour")
    person = make_user()
    name = person.username if account_exists else unique("nobody")
    api = from_new_address()
    assert login(api, name, "wrong").status_code == 401
    assert login(api, name.upper(), "wrong").status_code == 401  # logins ignore case
    first_wait = assert_too_many(login(api, name, "wrong"), 2)
    if account_exists:
        # Held back even with the right password, and from another address too.
        assert_too_many(login(from_new_address(), person.user.email, PASSWORD), 2)

    # Once the short tier's window has passed, one more failure is heard...
    third = wait_until(
        lambda: (r := login(api, name, "wrong")).status_code != 429 and r,
        timeout=15,
        interval=0.2,
        message="the first wait to pass",
    )
    assert third.status_code == 401
    # ...and then the wait is the hour's.
    second_wait = assert_too_many(login(api, name, "wrong"), 3600)
    assert second_wait > 60 * first_wait


def test_a_successful_login_forgets_earlier_failures(settings, make_user):
    limited(settings, login_failures_per_account="2/hour")
    person = make_user()
    api = from_new_address()
    assert login(api, person.username, "wrong").status_code == 401
    assert login(api, person.username, PASSWORD).status_code == 200
    assert login(api, person.username, "wrong").status_code == 401
    assert login(api, person.username, "wrong").status_code == 401
    assert_too_many(login(api, person.username, PASSWORD), 3600)


def test_writes_per_user_count_every_kind_of_write_but_no_read(settings, api, lab):
    limited(settings, writes_per_user="4/minute")
    comments = f"/api/discussions/{lab.discussion.id}/comments"
    created = api.post(comments, {"content": "one"}, as_=lab.member)
    assert created.status_code == 201
    comment_id = created.json()["id"]
    assert (
        api.patch(f"/api/comments/{comment_id}", {"content": "two"}, as_=lab.member).status_code
        == 200
    )
    assert (
        api.request(
            "PUT", "/api/me/notification-preferences", lab.member, json={"sound": True}
        ).status_code
        == 200
    )
    assert (
        api.post(
            f"/api/communities/{lab.community.id}/articles/{lab.article.id}/discussions",
            {"topic": "t", "content": "c"},
            as_=lab.member,
        ).status_code
        == 201
    )
    for _ in range(3):
        assert api.get(comments, as_=lab.member).status_code == 200  # reads are free

    assert_too_many(api.delete(f"/api/comments/{comment_id}", as_=lab.member), 60)
    assert_too_many(api.post(comments, {"content": "three"}, as_=lab.member), 60)
    assert api.get(comments, as_=lab.member).json()["count"] == 2  # nothing more was written
    assert api.post(comments, {"content": "mine"}, as_=lab.author).status_code == 201


# Bookkeeping every page does, and the composer's preview: each has a limit of its own.
OWN_LIMITS = {
    "visits": (
        "visits_per_user",
        lambda api, lab, who: api.request("PUT", f"/api/articles/{lab.article.id}/visit", who),
    ),
    "previews": (
        "previews_per_user",
        lambda api, lab, who: api.post("/api/render", {"content": "$x$"}, as_=who),
    ),
}


@pytest.mark.parametrize("kind", OWN_LIMITS.values(), ids=OWN_LIMITS.keys())
def test_visits_and_previews_have_their_own_limits_and_leave_writes_alone(settings, api, lab, kind):
    limit, send = kind
    limited(settings, writes_per_user="2/minute", **{limit: "3/minute"})
    for _ in range(3):
        assert send(api, lab, lab.member).status_code == 200
    assert_too_many(send(api, lab, lab.member), 60)
    comments = f"/api/discussions/{lab.discussion.id}/comments"
    for text in ("read three articles", "and can still post"):  # they took no write
        assert api.post(comments, {"content": text}, as_=lab.member).status_code == 201
    assert_too_many(api.post(comments, {"content": "third"}, as_=lab.member), 60)
    assert send(api, lab, lab.author).status_code == 200  # per user


def test_communities_per_user(settings, api, make_user):
    limited(settings, communities_per_user="1/hour")
    person = make_user()
    assert api.post("/api/communities", {"name": unique("Circle ")}, as_=person).status_code == 201
    assert_too_many(api.post("/api/communities", {"name": unique("Circle ")}, as_=person), 3600)


def presence(api, lab, person, tab):
    return api.post(
        "/api/realtime/presence",
        {
            "community_id": lab.community.id,
            "article_id": lab.article.id,
            "tab_id": tab,
            "visible": True,
        },
        as_=person,
    )


def test_presence_per_tab_and_per_user(settings, api, lab):
    limited(settings, presence_per_tab="2/minute", presence_per_user="3/minute")
    tab, other_tab = unique("tab-aaaaaaa"), unique("tab-bbbbbbb")
    assert presence(api, lab, lab.member, tab).status_code == 200
    assert presence(api, lab, lab.member, tab).status_code == 200
    assert_too_many(presence(api, lab, lab.member, tab), 60)
    assert presence(api, lab, lab.member, other_tab).status_code == 200
    # The user's third report: made-up tab ids do not get around the user's limit.
    assert_too_many(presence(api, lab, lab.member, unique("tab-ccccccc")), 60)
    assert presence(api, lab, lab.author, tab).status_code == 200


def test_typing_per_user(settings, api, lab):
    limited(settings, typing_per_user="1/minute")
    payload = {
        "community_id": lab.community.id,
        "article_id": lab.article.id,
        "discussion_id": lab.discussion.id,
    }
    assert api.post("/api/realtime/typing", payload, as_=lab.member).status_code == 200
    assert_too_many(api.post("/api/realtime/typing", payload, as_=lab.member), 60)


def test_without_redis_the_limits_let_requests_through(settings, api, lab, make_user):
    """A deliberate choice: writes must survive a Redis outage (their events wait
    in the outbox), and a login is slow to guess through the password hasher."""
    settings.RATE_LIMIT_REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    limited(
        settings,
        writes_per_user="1/hour",
        logins_per_ip="1/hour",
        login_failures_per_account="1/hour",
    )
    comments = f"/api/discussions/{lab.discussion.id}/comments"
    for _ in range(3):
        assert api.post(comments, {"content": "still here"}, as_=lab.member).status_code == 201
    person = make_user()
    client = from_new_address()
    assert login(client, person.username, "wrong").status_code == 401
    assert login(client, person.username, PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "counted_as"),
    [
        (
            0,
            "203.0.113.9",
            "192.0.2.1",
            "203.0.113.9",
        ),  # no proxy trusted: the header is the client's
        (
            1,
            "10.0.0.2",
            "192.0.2.1, 203.0.113.9",
            "203.0.113.9",
        ),  # what our proxy saw, not the rest
        (2, "10.0.0.2", "192.0.2.1, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
        (1, "10.0.0.2", "", "10.0.0.2"),  # header missing: the connection's address
        (0, "2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::/64"),  # an IPv6 host holds a /64
    ],
)
def test_the_address_a_request_counts_against(settings, proxies, remote, forwarded, counted_as):
    settings.RATE_LIMIT_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == counted_as


def test_an_empty_rule_turns_a_limit_off(settings, api, lab):
    limited(settings, writes_per_user="")
    comments = f"/api/discussions/{lab.discussion.id}/comments"
    for _ in range(5):
        assert api.post(comments, {"content": "free"}, as_=lab.member).status_code == 201


def test_a_malformed_limit_stops_the_process_at_start():
    env = {**os.environ, "RATE_LIMIT_WRITES_PER_USER": "30 a minute"}
    started = subprocess.run(
        [sys.executable, "-c", "import marginalia.settings"],
        env=env,
        cwd=SRC,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "RATE_LIMIT_WRITES_PER_USER='30 a minute' is not a rate limit" in started.stderr


@pytest.mark.parametrize(
    "seconds, words",
    [
        (1, "1 s"),
        (52, "52 s"),
        (89, "89 s"),
        (90, "2 min"),
        (900, "15 min"),
        (5399, "90 min"),
        (5400, "2 h"),
        (86400, "24 h"),
    ],
)
def test_a_wait_is_named_in_the_unit_a_person_would_use(seconds, words):
    assert wait_in_words(seconds) == words
