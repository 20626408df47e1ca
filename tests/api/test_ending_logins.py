"""Logins end when their holder says so: sign out of one or all, change the password;
their access tokens are refused from that moment, on the API and the realtime path."""

import pytest

from accounts.models import RefreshTokenFamily
from realtime.connection import queue_registry

from .support import PASSWORD, Person, assert_json_error, db_snapshot

NEW_PASSWORD = "A-different-long-passphrase-9"


def _login(api, person, password=PASSWORD) -> Person:
    response = api.post("/api/auth/login", {"login": person.username, "password": password})
    assert response.status_code == 200, response.content
    body = response.json()
    return Person(
        user=person.user, password=password, access=body["access"], refresh=body["refresh"]
    )


def _works(api, person) -> bool:
    return api.get("/api/auth/me", as_=person).status_code == 200


def _refreshes(api, person) -> bool:
    return api.post("/api/auth/refresh", {"refresh": person.refresh}).status_code == 200


def test_signing_out_with_the_refresh_token_ends_that_login_only(api, make_user):
    person = make_user()
    other = _login(api, person)

    assert api.post("/api/auth/logout", {"refresh": person.refresh}).status_code == 204

    assert assert_json_error(api.get("/api/auth/me", as_=person), 401)["message"] == (
        "Session ended"
    )
    assert (
        "revoked"
        in assert_json_error(api.post("/api/auth/refresh", {"refresh": person.refresh}), 401)[
            "message"
        ]
    )
    assert _works(api, other) and _refreshes(api, other), "the other login goes on"


def test_a_signed_out_refresh_token_used_again_revokes_nothing_else(api, make_user):
    person = make_user()
    other = _login(api, person)
    api.post("/api/auth/logout", {"refresh": person.refresh})
    before = db_snapshot()

    assert_json_error(api.post("/api/auth/refresh", {"refresh": person.refresh}), 401)
    assert api.post("/api/auth/logout", {"refresh": person.refresh}).status_code == 204

    assert db_snapshot() == before
    assert _works(api, other)


def test_signing_out_with_the_access_token_ends_its_login(api, make_user):
    person = make_user()

    assert api.post("/api/auth/logout", {}, as_=person).status_code == 204

    assert_json_error(api.get("/api/auth/me", as_=person), 401)
    assert not _refreshes(api, person)


def test_signing_out_everywhere_ends_every_login_of_the_user_and_no_one_elses(api, make_user):
    person, someone_else = make_user(), make_user()
    logins = [_login(api, person) for _ in range(3)]

    assert api.post("/api/auth/logout", {"all": True}, as_=person).status_code == 204

    for login in (person, *logins):
        assert_json_error(api.get("/api/auth/me", as_=login), 401)
        assert not _refreshes(api, login)
    assert _works(api, someone_else)
    assert not RefreshTokenFamily.objects.filter(user=person.user, revoked_at__isnull=True)


def test_an_ended_login_cannot_register_for_realtime_nor_renew_a_queue(api, make_user, lab):
    member = lab.member
    registered = api.post(
        "/api/realtime/register", {"community_ids": [lab.community.id]}, as_=member
    )
    assert registered.status_code == 200, registered.content
    queue_id = registered.json()["queue_id"]

    api.post("/api/auth/logout", {}, as_=member)

    assert_json_error(
        api.post("/api/realtime/register", {"community_ids": [lab.community.id]}, as_=member), 401
    )
    assert_json_error(api.post(f"/api/realtime/heartbeat?queue_id={queue_id}", as_=member), 401)


def test_an_ended_logins_refresh_token_cannot_sign_out_everywhere(api, make_user):
    person = make_user()
    stolen = _login(api, person)
    assert api.post("/api/auth/logout", {"refresh": stolen.refresh}).status_code == 204
    fresh = _login(api, person)
    refused = api.post("/api/auth/logout", {"refresh": stolen.refresh, "all": True})
    assert "ended" in assert_json_error(refused, 401)["message"]
    assert _works(api, person) and _works(api, fresh)
    # Its own end again is nothing to refuse.
    assert api.post("/api/auth/logout", {"refresh": stolen.refresh}).status_code == 204


def test_the_queues_of_an_ended_login_end_with_it_and_only_theirs(
    api, make_user, lab, django_capture_on_commit_callbacks
):
    """A queue id is a capability: one copied from a page must not outlive its login."""
    first = lab.member
    second, third = _login(api, first), _login(api, first)

    def queue_of(person):
        registered = api.post("/api/realtime/register", {}, as_=person)
        assert registered.status_code == 200, registered.content
        return registered.json()["queue_id"]

    queues = {id(person): [queue_of(person), queue_of(person)] for person in (first, second, third)}
    registry = queue_registry()

    def live(person):
        return [registry.owner(queue) == first.user.id for queue in queues[id(person)]]

    logins = api.get("/api/auth/logins", as_=second).json()
    [current] = [login["id"] for login in logins if login["current"]]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/api/auth/logins/{current}", as_=first).status_code == 204
    assert (live(first), live(second), live(third)) == ([True] * 2, [False] * 2, [True] * 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/auth/logout", {"refresh": first.refresh}).status_code == 204
    assert (live(first), live(third)) == ([False] * 2, [True] * 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post("/api/auth/logout", {"all": True}, as_=third).status_code == 204
    assert live(third) == [False] * 2


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"refresh": "not-a-token"},
        {"refresh": ""},
        {"refresh": "x" * 5000},
        {"all": True},
        {"refresh": None, "all": True},
    ],
)
def test_signing_out_without_a_valid_token_is_refused(api, make_user, body):
    make_user()
    before = db_snapshot()

    response = api.post("/api/auth/logout", body)

    assert response.status_code in (401, 422), response.content
    assert_json_error(response, response.status_code)
    assert db_snapshot() == before


def test_an_access_token_is_not_a_refresh_token(api, make_user):
    person = make_user()

    assert_json_error(api.post("/api/auth/logout", {"refresh": person.access}), 401)

    assert _works(api, person)


def test_changing_the_password_ends_every_other_login_and_gives_new_tokens(api, make_user):
    person = make_user()
    other = _login(api, person)

    response = api.post(
        "/api/auth/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        as_=person,
    )

    assert response.status_code == 200, response.content
    fresh = Person(
        user=person.user,
        password=NEW_PASSWORD,
        access=response.json()["access"],
        refresh=response.json()["refresh"],
    )
    assert _works(api, fresh) and _refreshes(api, fresh)
    for ended in (person, other):
        assert_json_error(api.get("/api/auth/me", as_=ended), 401)
        assert not _refreshes(api, ended)
    assert_json_error(
        api.post("/api/auth/login", {"login": person.username, "password": PASSWORD}), 401
    )
    _login(api, person, NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing_and_is_rate_limited_like_a_login(
    api, make_user, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_failures_per_account": "5/minute"}
    person = make_user()
    before = db_snapshot()
    wrong = {"current_password": "not it", "new_password": NEW_PASSWORD}

    statuses = [api.post("/api/auth/password", wrong, as_=person).status_code for _ in range(6)]

    assert statuses == [403] * 5 + [429]
    assert db_snapshot() == before
    assert _works(api, person)


def test_a_weak_new_password_is_refused_and_changes_nothing(api, make_user):
    person = make_user()
    before = db_snapshot()

    response = api.post(
        "/api/auth/password", {"current_password": PASSWORD, "new_password": "password"}, as_=person
    )

    assert assert_json_error(response, 422)["errors"]
    assert db_snapshot() == before
    assert _works(api, person)


def test_a_password_set_anywhere_ends_every_login_but_an_unrelated_save_ends_none(make_user, api):
    person = make_user()
    person.user.first_name = "Ada"
    person.user.save()
    assert _works(api, person)

    person.user.set_password(NEW_PASSWORD)  # as Django's admin and a reset do
    person.user.save()

    assert_json_error(api.get("/api/auth/me", as_=person), 401)
