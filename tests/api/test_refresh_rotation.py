"""Refresh tokens are used up by a refresh; a second use of one revokes its login."""

import time
from datetime import timedelta

import jwt
import pytest

from accounts.models import RefreshTokenFamily
from realtime_core import tokens

from .support import PASSWORD, assert_json_error, db_snapshot


@pytest.fixture(autouse=True)
def no_reuse_grace(monkeypatch):
    """A second use counts as reuse however soon it comes; the grace has tests of its own."""
    monkeypatch.setenv("JWT_REFRESH_REUSE_GRACE", "0")


def _refresh(api, refresh_token):
    return api.post("/api/auth/refresh", {"refresh": refresh_token})


def _login(api, person) -> dict:
    response = api.post("/api/auth/login", {"login": person.username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()


def test_refresh_returns_a_new_refresh_token_and_uses_up_the_old_one(api, make_user):
    person = make_user()

    first = _refresh(api, person.refresh)

    assert first.status_code == 200
    renewed = first.json()
    assert renewed["refresh"] != person.refresh
    assert (
        api.get("/api/auth/me", headers={"Authorization": f"Bearer {renewed['access']}"}).json()[
            "id"
        ]
        == person.id
    )
    second = _refresh(api, renewed["refresh"])
    assert second.status_code == 200, "the new refresh token works"
    assert "already used" in assert_json_error(_refresh(api, person.refresh), 401)["message"]


def test_reusing_a_refresh_token_revokes_every_token_of_that_login(api, make_user):
    person = make_user()
    used = person.refresh
    middle = _refresh(api, used).json()["refresh"]
    current = _refresh(api, middle).json()["refresh"]
    other_login = _login(api, person)

    assert_json_error(_refresh(api, used), 401)  # e.g. a thief replaying a stolen token

    for token in (current, middle, used):
        assert_json_error(_refresh(api, token), 401)
    assert (
        RefreshTokenFamily.objects.filter(user=person.user, revoked_at__isnull=False).count() == 1
    )
    assert _refresh(api, other_login["refresh"]).status_code == 200, "other logins go on"


def test_a_revoked_logins_access_tokens_are_refused_at_once(api, make_user):
    person = make_user()
    _refresh(api, person.refresh)
    assert_json_error(_refresh(api, person.refresh), 401)

    me = api.get("/api/auth/me", as_=person)

    assert assert_json_error(me, 401)["message"] == "Session ended"


def test_expired_refresh_token_is_refused_and_changes_nothing(api, make_user, monkeypatch):
    person = make_user()
    monkeypatch.setenv("JWT_REFRESH_TTL", "-60")
    claims = jwt.decode(person.refresh, options={"verify_signature": False})
    expired = tokens.issue(person.id, tokens.REFRESH, fam=claims["fam"], jti=claims["jti"])
    before = db_snapshot()

    assert "expired" in assert_json_error(_refresh(api, expired), 401)["message"]

    assert db_snapshot() == before


def test_forged_refresh_token_neither_works_nor_revokes_the_login(api, make_user):
    person = make_user()
    claims = jwt.decode(person.refresh, options={"verify_signature": False})
    stale_jti = {**claims, "jti": "0" * 32, "exp": int(time.time()) + 600}
    before = db_snapshot()

    for forged in (
        jwt.encode(claims, "not-our-secret-" * 4, algorithm="HS256"),
        jwt.encode(stale_jti, "not-our-secret-" * 4, algorithm="HS256"),
        jwt.encode({**claims, "alg": "none"}, None, algorithm="none"),
    ):
        assert_json_error(_refresh(api, forged), 401)

    assert db_snapshot() == before
    assert _refresh(api, person.refresh).status_code == 200


def test_refresh_token_of_no_login_is_refused(api, make_user):
    person, someone_else = make_user(), make_user()
    claims = jwt.decode(person.refresh, options={"verify_signature": False})
    without_family = tokens.issue(person.id, tokens.REFRESH)  # as issued before rotation
    of_another_user = tokens.issue(
        someone_else.id, tokens.REFRESH, fam=claims["fam"], jti=claims["jti"]
    )
    before = db_snapshot()

    for token in (without_family, of_another_user):
        assert_json_error(_refresh(api, token), 401)
    assert db_snapshot() == before


def test_a_login_forgets_the_users_logins_that_can_no_longer_refresh(api, make_user, monkeypatch):
    person = make_user()
    stale = RefreshTokenFamily.objects.get(user=person.user)
    RefreshTokenFamily.objects.filter(pk=stale.pk).update(
        rotated_at=stale.rotated_at.replace(year=stale.rotated_at.year - 1)
    )

    _login(api, person)

    assert not RefreshTokenFamily.objects.filter(pk=stale.pk).exists()
    assert RefreshTokenFamily.objects.filter(user=person.user).count() == 1


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_the_token_just_replaced_gets_the_current_one_for_a_few_seconds(
    api, make_user, monkeypatch
):
    monkeypatch.setenv("JWT_REFRESH_REUSE_GRACE", "60")
    person = make_user()
    first = _refresh(api, person.refresh).json()  # one tab

    late = _refresh(api, person.refresh)  # another tab that read the session a moment late

    assert late.status_code == 200
    assert _claims(late.json()["refresh"])["jti"] == _claims(first["refresh"])["jti"]
    assert _refresh(api, first["refresh"]).status_code == 200, "neither holder is left behind"
    assert not RefreshTokenFamily.objects.filter(revoked_at__isnull=False).exists()


def test_past_the_grace_or_two_rotations_back_a_used_token_revokes_the_login(
    api, make_user, monkeypatch
):
    monkeypatch.setenv("JWT_REFRESH_REUSE_GRACE", "60")
    person, other = make_user(), make_user()
    two_back = person.refresh
    one_back = _refresh(api, two_back).json()["refresh"]
    current = _refresh(api, one_back).json()["refresh"]
    assert_json_error(_refresh(api, two_back), 401)
    assert_json_error(_refresh(api, current), 401)

    used = other.refresh
    renewed = _refresh(api, used).json()["refresh"]
    family = RefreshTokenFamily.objects.get(user=other.user)
    RefreshTokenFamily.objects.filter(pk=family.pk).update(
        rotated_at=family.rotated_at - timedelta(seconds=61)
    )
    assert_json_error(_refresh(api, used), 401)
    assert_json_error(_refresh(api, renewed), 401)
