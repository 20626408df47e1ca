"""What a person controls from the settings page: their logins (listed with the browser
each came from, ended one by one) and their profile (display name, e-mail address)."""

import uuid

import pytest

from accounts.browsers import browser_label
from accounts.models import RefreshTokenFamily, User

from .support import PASSWORD, Person, assert_json_error, db_snapshot

FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def _login(api, person, user_agent="") -> Person:
    response = api.post(
        "/api/auth/login",
        {"login": person.username, "password": PASSWORD},
        headers={"User-Agent": user_agent},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    return Person(
        user=person.user, password=PASSWORD, access=body["access"], refresh=body["refresh"]
    )


def _logins(api, person) -> list[dict]:
    response = api.get("/api/auth/logins", as_=person)
    assert response.status_code == 200, response.content
    return response.json()


def _current_login_id(api, person) -> str:
    return next(login["id"] for login in _logins(api, person) if login["current"])


def _patch_me(api, person, body):
    return api.patch("/api/auth/me", body, as_=person)


# ------------------------------------------------------------------ logins


def test_the_list_shows_my_live_logins_newest_first_with_this_one_marked(api, make_user):
    person, someone_else = make_user(), make_user()
    on_firefox = _login(api, person, FIREFOX_ON_LINUX)
    on_chrome = _login(api, person, CHROME_ON_WINDOWS)
    ended = _login(api, person, "ended")
    api.post("/api/auth/logout", {"refresh": ended.refresh})
    _login(api, someone_else, "someone else's")

    logins = _logins(api, on_firefox)

    assert [(login["browser"], login["user_agent"], login["current"]) for login in logins] == [
        ("Chrome on Windows", CHROME_ON_WINDOWS, False),
        ("Firefox on Linux", FIREFOX_ON_LINUX, True),
        ("Unknown browser", "", False),  # make_user's, from no browser at all
    ]
    assert set(logins[0]) == {
        "id",
        "browser",
        "user_agent",
        "created_at",
        "last_used_at",
        "current",
    }
    assert _current_login_id(api, on_chrome) == logins[0]["id"]


def test_a_refresh_moves_last_used_and_keeps_the_login(api, make_user):
    person = make_user()
    before = _logins(api, person)[0]

    refreshed = api.post("/api/auth/refresh", {"refresh": person.refresh}).json()

    after = _logins(api, Person(person.user, PASSWORD, refreshed["access"], refreshed["refresh"]))
    assert [login["id"] for login in after] == [before["id"]]
    assert after[0]["last_used_at"] > before["last_used_at"]
    assert after[0]["created_at"] == before["created_at"]


def test_ending_a_login_refuses_its_tokens_at_once_and_leaves_the_others(api, make_user):
    person = make_user()
    other = _login(api, person, FIREFOX_ON_LINUX)

    response = api.delete(f"/api/auth/logins/{_current_login_id(api, other)}", as_=person)

    assert response.status_code == 204, response.content
    assert assert_json_error(api.get("/api/auth/me", as_=other), 401)["message"] == (
        "Session ended"
    )
    assert_json_error(api.post("/api/auth/refresh", {"refresh": other.refresh}), 401)
    assert [login["current"] for login in _logins(api, person)] == [True]


def test_another_users_login_is_not_found_and_goes_on(api, make_user):
    person, someone_else = make_user(), make_user()
    theirs = _current_login_id(api, someone_else)
    before = db_snapshot()

    body = assert_json_error(api.delete(f"/api/auth/logins/{theirs}", as_=person), 404)

    assert body == assert_json_error(
        api.delete(f"/api/auth/logins/{uuid.uuid4()}", as_=person), 404
    ), "tells nothing"
    assert db_snapshot() == before
    assert api.get("/api/auth/me", as_=someone_else).status_code == 200


def test_an_ended_login_is_gone_from_the_list_and_not_found_again(api, make_user):
    person = make_user()
    other = _login(api, person)
    login_id = _current_login_id(api, other)
    api.delete(f"/api/auth/logins/{login_id}", as_=person)

    assert [login["id"] for login in _logins(api, person)] != [login_id]
    assert_json_error(api.delete(f"/api/auth/logins/{login_id}", as_=person), 404)


@pytest.mark.parametrize(
    "login_id", ["not-a-uuid", "1", "%00", "x" * 300, "00000000-0000-0000-0000-00000000000g"]
)
def test_a_malformed_login_id_is_a_json_404(api, make_user, login_id):
    person = make_user()

    assert_json_error(api.delete(f"/api/auth/logins/{login_id}", as_=person), 404)


def test_logins_are_for_their_holder_only(api, make_user):
    person = make_user()
    login_id = _current_login_id(api, person)

    assert_json_error(api.get("/api/auth/logins"), 401)
    assert_json_error(api.delete(f"/api/auth/logins/{login_id}"), 401)
    assert RefreshTokenFamily.objects.get(pk=login_id).revoked_at is None


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (FIREFOX_ON_LINUX, "Firefox on Linux"),
        (CHROME_ON_WINDOWS, "Chrome on Windows"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/18.1 Safari/605.1.15",
            "Safari on Mac OS X",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
            "like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mobile Safari on iOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome Mobile on Android",
        ),
        (CHROME_ON_WINDOWS + " Edg/131.0.0.0", "Edge on Windows"),
        ("python-httpx/0.27.0", "python-httpx/0.27.0"),
        ("", "Unknown browser"),
        ("x" * 300, "x" * 59 + "…"),
    ],
)
def test_browser_labels(user_agent, label):
    assert browser_label(user_agent) == label


# ------------------------------------------------------------------ profile


def test_a_display_name_is_trimmed_shown_and_cleared(api, make_user):
    person = make_user()

    named = _patch_me(api, person, {"display_name": "  Ada Lovelace  "})

    assert named.status_code == 200, named.content
    assert named.json()["display_name"] == "Ada Lovelace"
    assert api.get("/api/auth/me", as_=person).json()["display_name"] == "Ada Lovelace"
    assert _patch_me(api, person, {"display_name": "   "}).json()["display_name"] == ""
    assert User.objects.get(pk=person.id).display_name == ""


def test_tokens_carry_the_display_name(api, make_user):
    person = make_user()
    _patch_me(api, person, {"display_name": "Ada"})

    refreshed = api.post("/api/auth/refresh", {"refresh": person.refresh}).json()

    assert refreshed["user"]["display_name"] == "Ada"


@pytest.mark.parametrize(
    "display_name",
    [
        "x" * 81,
        "🙂" * 81,
        "Ada\nLovelace",
        "Ada\x1b[31m",
        "Ada\u2028Lovelace",
        "\x7f",
        42,
        "Ada\u202eecalevol",  # shown reversed, and what follows it on the line
        "\u2067Ada",
        "\u200b",  # nothing to see
        "\u2800\u3164",
    ],
)
def test_a_display_name_too_long_or_with_control_characters_is_refused(
    api, make_user, display_name
):
    person = make_user()
    before = db_snapshot()

    body = assert_json_error(_patch_me(api, person, {"display_name": display_name}), 422)

    assert body["errors"][0]["loc"][-1] == "display_name"
    assert db_snapshot() == before


def test_80_characters_of_emoji_are_a_display_name(api, make_user):
    person = make_user()

    assert _patch_me(api, person, {"display_name": "🙂" * 80}).status_code == 200


def test_changing_the_email_with_the_password_lowercases_it(api, make_user):
    person = make_user()

    response = _patch_me(
        api, person, {"email": "New.Address@Example.org", "current_password": PASSWORD}
    )

    assert response.status_code == 200, response.content
    assert response.json()["email"] == "new.address@example.org"
    assert (
        api.post(
            "/api/auth/login", {"login": "new.address@example.org", "password": PASSWORD}
        ).status_code
        == 200
    )
    assert api.get("/api/auth/me", as_=person).status_code == 200, "this login goes on"


def test_the_same_email_again_needs_no_password(api, make_user):
    person = make_user()

    response = _patch_me(api, person, {"email": person.user.email.upper()})

    assert response.status_code == 200, response.content
    assert response.json()["email"] == person.user.email


@pytest.mark.parametrize("password", [None, "not it"])
def test_changing_the_email_without_the_right_password_changes_nothing(api, make_user, password):
    person = make_user()
    before = db_snapshot()
    body = {"email": "elsewhere@example.org", "display_name": "Not saved either"}
    if password is not None:
        body["current_password"] = password

    response = _patch_me(api, person, body)

    if password is None:
        assert assert_json_error(response, 422)["errors"][0]["loc"][-1] == "current_password"
    else:
        assert assert_json_error(response, 403)["message"] == "The current password is wrong"
    assert db_snapshot() == before


def test_an_email_taken_by_another_account_is_a_conflict(api, make_user):
    person, someone_else = make_user(), make_user()
    before = db_snapshot()

    response = _patch_me(
        api, person, {"email": someone_else.user.email.upper(), "current_password": PASSWORD}
    )

    assert_json_error(response, 409)
    assert db_snapshot() == before


def test_a_taken_email_is_not_told_to_a_wrong_password(api, make_user):
    person, someone_else = make_user(), make_user()

    response = _patch_me(
        api, person, {"email": someone_else.user.email, "current_password": "not it"}
    )

    assert_json_error(response, 403)


@pytest.mark.parametrize("email", ["not an address", "a@" + "b" * 250 + ".org", ""])
def test_a_malformed_email_is_refused(api, make_user, email):
    person = make_user()

    body = assert_json_error(
        _patch_me(api, person, {"email": email, "current_password": PASSWORD}), 422
    )

    assert body["errors"][0]["loc"][-1] == "email"


def test_wrong_passwords_for_the_email_are_rate_limited_like_logins(api, make_user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_failures_per_account": "5/minute"}
    person = make_user()
    wrong = {"email": "elsewhere@example.org", "current_password": "not it"}

    statuses = [_patch_me(api, person, wrong).status_code for _ in range(6)]
    right = _patch_me(api, person, {**wrong, "current_password": PASSWORD})

    assert statuses == [403] * 5 + [429]
    assert right.status_code == 429, "the right password waits too"
    assert "Retry-After" in right
    # The count is the account's own, shared with the login form.
    assert (
        api.post("/api/auth/login", {"login": person.username, "password": PASSWORD}).status_code
        == 429
    )


def test_an_empty_patch_changes_nothing(api, make_user):
    person = make_user()
    before = db_snapshot()

    response = _patch_me(api, person, {})

    assert response.status_code == 200
    assert response.json()["username"] == person.username
    assert db_snapshot() == before
