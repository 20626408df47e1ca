"""Signup, login by username or email, refresh, and the signed-in user."""

from realtime_core import tokens

from .support import assert_json_error


def _signup(api, username="ada", email="Ada@Example.org", password="Analytical-Engine-1843"):
    return api.post(
        "/api/auth/signup", {"username": username, "email": email, "password": password}
    )


def _me(api, access):
    return api.get("/api/auth/me", headers={"Authorization": f"Bearer {access}"})


def test_signup_returns_working_tokens_and_the_user(api, db):
    response = _signup(api)

    assert response.status_code == 201
    body = response.json()
    assert body["user"]["username"] == "ada"
    assert body["user"]["email"] == "ada@example.org"  # stored lower-case
    assert "password" not in response.content.decode()
    me = _me(api, body["access"])
    assert me.status_code == 200
    assert me.json() == body["user"]
    assert tokens.verify(body["refresh"], tokens.REFRESH) == body["user"]["id"]


def test_login_by_username_or_email_in_any_case(api, db):
    user = _signup(api).json()["user"]
    for login in ("ada", "ADA", "ada@example.org", "Ada@Example.ORG"):
        response = api.post(
            "/api/auth/login", {"login": login, "password": "Analytical-Engine-1843"}
        )
        assert response.status_code == 200, login
        body = response.json()
        assert body["user"] == user
        assert _me(api, body["access"]).json()["id"] == user["id"]


def test_login_refuses_a_wrong_password_and_inactive_users(api, make_user):
    person = make_user()
    assert_json_error(
        api.post("/api/auth/login", {"login": person.username, "password": "not-it-at-all"}), 401
    )
    person.user.is_active = False
    person.user.save()
    assert_json_error(
        api.post("/api/auth/login", {"login": person.username, "password": person.password}), 401
    )


def test_refresh_issues_new_working_tokens(api, make_user):
    person = make_user()

    response = api.post("/api/auth/refresh", {"refresh": person.refresh})

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == person.id
    assert _me(api, body["access"]).json()["username"] == person.username
    assert tokens.verify(body["refresh"], tokens.REFRESH) == person.id


def test_signup_explains_taken_names_and_weak_passwords(api, db):
    assert _signup(api).status_code == 201
    assert (
        "username"
        in assert_json_error(_signup(api, username="ADA", email="x@example.org"), 409)["message"]
    )
    assert "email" in assert_json_error(_signup(api, username="ada2"), 409)["message"]
    weak = assert_json_error(
        _signup(api, username="bob", email="bob@example.org", password="password"), 422
    )
    assert weak["errors"]
