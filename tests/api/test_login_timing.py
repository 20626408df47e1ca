"""A login for an account that does not exist takes as long as one with a wrong
password, so timing names no account (measured before: 0.005 s against 0.34 s).

With Django's real password hasher: the other API tests use a fast one."""

import statistics
import time

import pytest
from django.conf import global_settings

from .support import PASSWORD, unique

pytestmark = pytest.mark.solo  # compares times: another process's load would blur them


def _median_seconds(api, login: str, password: str, expected_status: int, times: int = 5) -> float:
    durations = []
    for _ in range(times):
        started = time.perf_counter()
        response = api.post("/api/auth/login", {"login": login, "password": password})
        durations.append(time.perf_counter() - started)
        assert response.status_code == expected_status, response.content[:300]
    return statistics.median(durations)


def test_unknown_accounts_take_as_long_as_known_ones(settings, api, make_user):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    person = make_user()  # hashed with the real hasher
    assert person.user.password.startswith("pbkdf2_sha256$")

    wrong_password = _median_seconds(api, person.username, "not the password", 401)
    unknown_account = _median_seconds(api, unique("nobody"), "not the password", 401)
    right_password = _median_seconds(api, person.username, PASSWORD, 200)
    print(
        f"login medians: wrong password {wrong_password:.3f} s, unknown account "
        f"{unknown_account:.3f} s, right password {right_password:.3f} s"
    )

    assert wrong_password > 0.02  # the real hasher ran (the fast one takes microseconds)
    assert 0.5 * wrong_password <= unknown_account <= 2 * wrong_password
    assert 0.5 * right_password <= unknown_account <= 2 * right_password
