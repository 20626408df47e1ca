"""A username that a reader could take for an existing one is refused; different names,
in any script, are not."""

import importlib

import pytest
from django.apps import apps

from accounts.models import User
from accounts.usernames import look_alike_keys

from .support import assert_json_error, db_snapshot, unique


def _signup(api, username):
    return api.post(
        "/api/auth/signup",
        {
            "username": username,
            "email": f"{unique('mail')}@example.org",
            "password": "A-long-enough-passphrase-1",
        },
    )


@pytest.mark.parametrize(
    "existing, look_alike",
    [
        ("alice", "\u0430lice"),  # Cyrillic а
        ("alice", "\uff41lice"),  # full-width ａ
        ("alice", "ALICE"),
        ("alice", "alic\u00e9"),  # é
        ("Illy", "llly"),  # capital I and small l
        ("bob_1", "bob_l"),
        ("paypal", "p\u0430yp\u0430l"),
        ("\u0395\u03bb\u03ad\u03bd\u03b7", "\u0395\u03bb\u03b5\u03bd\u03b7"),  # Ελένη, Ελενη
    ],
)
def test_a_look_alike_of_an_existing_name_is_refused_and_stores_nothing(
    api, db, existing, look_alike
):
    assert _signup(api, existing).status_code == 201
    before = db_snapshot()

    refused = _signup(api, look_alike)

    assert "looks like one already taken" in assert_json_error(refused, 409)["message"]
    assert db_snapshot() == before


@pytest.mark.parametrize(
    "first, second",
    [
        ("\u0930\u093e\u092e\u0928", "\u0930\u092e\u0928"),  # रामन, रमन: a vowel sign counts
        ("\u0917\u0941\u0930\u0941\u091c\u0940", "\u0917\u0930\u091c\u0940"),  # गुरुजी, गरजी
        ("\u7528\u6237\u540d", "\u7528\u6236\u540d"),  # 用户名, 用戶名
        ("\u0438\u0432\u0430\u043d", "\u0438\u0433\u043e\u0440\u044c"),  # иван, игорь
        ("ada", "adam"),
    ],
)
def test_different_names_in_any_script_are_accepted(api, db, first, second):
    assert _signup(api, first).status_code == 201
    assert _signup(api, second).status_code == 201


def test_a_user_made_outside_the_api_cannot_take_a_look_alike_either(db):
    User.objects.create_user("carol", "carol@example.org", "A-long-enough-passphrase-1")
    with pytest.raises(Exception, match="unique|UNIQUE"):
        User.objects.create_user("c\u0430rol", "other@example.org", "A-long-enough-pass-2")


def test_the_migration_keeps_earlier_look_alikes_and_reports_them(db, capsys):
    first = User.objects.create_user("dora", "dora@example.org", "x")
    later = User.objects.create_user("dora2", "dora2@example.org", "x")
    # As stored before the keys existed: a look-alike of the first.
    User.objects.filter(pk=later.pk).update(
        username="d\u043era", username_folded_key="", username_cased_key="-"
    )
    migration = importlib.import_module("accounts.migrations.0003_username_look_alike_keys")

    migration.fill_keys(apps, None)

    first.refresh_from_db()
    later.refresh_from_db()
    assert (first.username_folded_key, first.username_cased_key) == look_alike_keys("dora")
    assert later.username_folded_key == f"dora#{later.pk}"
    assert f"username of user {later.pk} looks like that of user {first.pk}" in (
        capsys.readouterr().out
    )
