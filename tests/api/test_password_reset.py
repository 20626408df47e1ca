"""A forgotten password: a link by e-mail, on the configured origin, that sets a new
password once, within its lifetime, ends every other login and signs in; asking
names no account, and is rate limited per address and per e-mail address."""

import base64
import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator

from accounts import password_reset

from .support import PASSWORD, Person, assert_json_error, db_snapshot, unique
from .test_abuse_limits import assert_too_many, from_new_address, limited

PUBLIC_URL = "https://marginalia.example"
NEW_PASSWORD = "A-fresh-long-passphrase-77"
LINK = re.compile(re.escape(PUBLIC_URL) + r"/reset/#([A-Za-z0-9_-]+)\.([A-Za-z0-9-]+)$", re.M)


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PUBLIC_URL = PUBLIC_URL


def sent(mailoutbox) -> list:
    """The mails sent so far: once a job queued now has run, every mail asked for
    before it has gone (the mailer runs its jobs in order, one at a time)."""
    password_reset.mailer.submit(lambda: None).result(timeout=10)
    return list(mailoutbox)


def ask(api, email, **kwargs):
    return api.post("/api/auth/password-reset", {"email": email}, **kwargs)


def confirm(api, uid, token, new_password=NEW_PASSWORD):
    return api.post("/api/auth/password-reset/confirm",
                    {"uid": uid, "token": token, "new_password": new_password})


def link_for(api, mailoutbox, person: Person) -> tuple[str, str]:
    """The uid and token of the link mailed to the person after asking for one."""
    assert ask(api, person.user.email).status_code == 202
    mail = sent(mailoutbox)[-1]
    assert mail.to == [person.user.email]
    return LINK.search(mail.body).groups()


def signs_in(api, person, password) -> bool:
    return api.post("/api/auth/login", {"login": person.username,
                                        "password": password}).status_code == 200


def test_the_link_goes_to_the_account_on_the_public_origin_and_sets_the_password_once(
        api, make_user, mailoutbox, settings):
    person = make_user()
    # A Host outside DJANGO_ALLOWED_HOSTS gets 400; one inside that a client chose (a
    # deployment answering several names) must not reach the link either.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "attacker.example"]

    # Whatever Host the request names, the link is on the configured origin.
    asked = ask(api, person.user.email.upper(), headers={"Host": "attacker.example"})

    assert asked.status_code == 202, asked.content
    [mail] = sent(mailoutbox)
    assert mail.to == [person.user.email]
    assert person.username in mail.body and "attacker.example" not in mail.body
    uid, token = LINK.search(mail.body).groups()
    used = confirm(api, uid, token)
    assert used.status_code == 200, used.content
    tokens = used.json()
    assert tokens["user"]["id"] == person.id
    me = api.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access']}"})
    assert me.status_code == 200
    assert signs_in(api, person, NEW_PASSWORD) and not signs_in(api, person, PASSWORD)

    again = confirm(api, uid, token, "Yet-another-long-passphrase-5")
    assert assert_json_error(again, 400)["message"] == "This reset link is invalid or has expired"
    assert signs_in(api, person, NEW_PASSWORD)


def test_a_reset_ends_every_other_login(api, make_user, mailoutbox):
    person = make_user()
    other = api.post("/api/auth/login", {"login": person.username, "password": PASSWORD}).json()

    assert confirm(api, *link_for(api, mailoutbox, person)).status_code == 200

    for access, refresh in ((person.access, person.refresh), (other["access"], other["refresh"])):
        assert_json_error(api.get("/api/auth/me", headers={"Authorization": f"Bearer {access}"}),
                          401)
        assert_json_error(api.post("/api/auth/refresh", {"refresh": refresh}), 401)


def test_an_unknown_or_inactive_address_gets_the_same_answer_and_no_mail(
        api, make_user, mailoutbox):
    known = ask(api, make_user().user.email)
    inactive = ask(api, make_user(is_active=False).user.email)
    unknown = ask(api, f"{unique('nobody')}@example.org")
    assert len(sent(mailoutbox)) == 1

    for answer in (inactive, unknown):
        assert (answer.status_code, answer.json()) == (known.status_code, known.json())
    assert known.json() == {"message": password_reset.ASKED}


def test_a_link_works_within_its_lifetime_only(api, make_user, mailoutbox, monkeypatch,
                                               settings):
    person = make_user()
    uid, token = link_for(api, mailoutbox, person)
    lifetime = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    made = datetime.now()

    monkeypatch.setattr(default_token_generator, "_now", lambda: made + lifetime
                        + timedelta(seconds=2))
    assert_json_error(confirm(api, uid, token), 400)

    monkeypatch.setattr(default_token_generator, "_now", lambda: made + lifetime
                        - timedelta(seconds=60))
    assert confirm(api, uid, token).status_code == 200


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


FORGERIES = {
    "token changed": lambda uid, token, other_uid: (uid, token[:-1] + ("0" if token[-1] != "0"
                                                                       else "1")),
    "another user's uid": lambda uid, token, other_uid: (other_uid, token),
    "no token": lambda uid, token, other_uid: (uid, "x"),
    "token of three parts": lambda uid, token, other_uid: (uid, f"{token}-1"),
    "uid not base64": lambda uid, token, other_uid: ("%%%not*base64", token),
    "uid not text": lambda uid, token, other_uid: ("_w", token),
    "uid not a number": lambda uid, token, other_uid: (_b64("abc"), token),
    "uid negative": lambda uid, token, other_uid: (_b64("-1"), token),
    "uid in other digits": lambda uid, token, other_uid: (_b64("١٢"), token),
    "uid beyond any key": lambda uid, token, other_uid: (_b64("9" * 40), token),
    "uid of no one": lambda uid, token, other_uid: (_b64("987654321"), token),
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_or_malformed_link_is_refused_and_changes_nothing(
        api, make_user, mailoutbox, forge):
    person, other = make_user(), make_user()
    uid, token = link_for(api, mailoutbox, person)
    before = db_snapshot()

    refused = confirm(api, *forge(uid, token, _b64(str(other.id))))

    assert assert_json_error(refused, 400)["message"] == password_reset.INVALID_LINK
    assert db_snapshot() == before
    assert confirm(api, uid, token).status_code == 200, "the real link still works"


def test_a_weak_new_password_is_refused_and_the_link_still_works(api, make_user, mailoutbox):
    person = make_user()
    uid, token = link_for(api, mailoutbox, person)
    before = db_snapshot()

    weak = confirm(api, uid, token, "password")

    assert assert_json_error(weak, 422)["errors"]
    assert db_snapshot() == before
    assert confirm(api, uid, token).status_code == 200


def test_asking_is_limited_per_email_address_known_or_not(settings, make_user, mailoutbox):
    limited(settings, password_resets_per_email="2/hour")
    for email in (make_user().user.email, f"{unique('nobody')}@example.org"):
        answers = [ask(from_new_address(), email) for _ in range(3)]

        assert [a.status_code for a in answers] == [202, 202, 429]
        assert_too_many(answers[-1], 3600)
    assert len(sent(mailoutbox)) == 2


def test_asking_is_limited_per_client_address(settings, db, mailoutbox):
    limited(settings, password_resets_per_ip="3/minute")
    api = from_new_address()

    answers = [ask(api, f"{unique('nobody')}@example.org") for _ in range(4)]

    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert_too_many(answers[-1], 60)


def test_using_links_counts_as_logging_in_from_the_address(settings, make_user, mailoutbox):
    limited(settings, logins_per_ip="2/minute")
    api = from_new_address()
    uid, token = link_for(api, mailoutbox, make_user())

    statuses = [confirm(api, uid, "1-forged").status_code for _ in range(2)]

    assert statuses == [400, 400]
    assert_too_many(confirm(api, uid, token), 60)


@pytest.mark.parametrize("body", [{}, {"email": "not an address"}, {"email": "a" * 300}])
def test_a_malformed_request_is_refused(api, db, mailoutbox, body):
    assert_json_error(api.post("/api/auth/password-reset", body), 422)
    assert sent(mailoutbox) == []
