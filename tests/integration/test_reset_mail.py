"""Password reset mails from the real API (gunicorn) through a real SMTP server process
(aiosmtpd): the link is on PUBLIC_URL whatever Host the request names, works once and
ends every other login; a hanging or missing mail server changes neither the answer
nor its speed, for known and unknown addresses alike, and no log line holds an
address or a link."""

import re
import statistics
import time

import pytest

from tests.support.api import Api
from tests.support.mail_server import text_of
from tests.support.stack import Stack, wait_until

pytestmark = pytest.mark.timeout(180)

PUBLIC_URL = "https://marginalia.example"
LINK = re.compile(re.escape(PUBLIC_URL) + r"/reset/#([A-Za-z0-9_-]+)\.([A-Za-z0-9-]+)$", re.M)
# Out of the tests' reach, as the other limits are in every stack.
GENEROUS_RESET_LIMITS = {"RATE_LIMIT_PASSWORD_RESETS_PER_IP": "1000000/minute",
                         "RATE_LIMIT_PASSWORD_RESETS_PER_EMAIL": "1000000/minute"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory, mail_server):
    stack = Stack(tmp_path_factory.mktemp("reset"), "reset_mail", redis_db=13, env={
        **mail_server.env, **GENEROUS_RESET_LIMITS, "PUBLIC_URL": PUBLIC_URL,
        "LOG_LEVEL": "DEBUG",
        # A Host the API answers to but a client chose: the link must not be built on it.
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,attacker.example",
    }).start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def api(stack):
    return Api(stack.api_url)


def email_of(account) -> str:
    return f"{account.username}@example.org"  # as Api.signup makes it


def ask(api, email: str, **headers):
    return api.call("POST", "/api/auth/password-reset", json={"email": email}, headers=headers)


def confirm(api, uid: str, token: str, new_password: str):
    return api.call("POST", "/api/auth/password-reset/confirm",
                    json={"uid": uid, "token": token, "new_password": new_password})


def bearer(access: str) -> dict:
    return {"Authorization": f"Bearer {access}"}


def test_the_mail_carries_a_link_on_the_public_origin_that_works_once(api, mail_server):
    person = api.signup("forgetful")
    other = api.call("POST", "/api/auth/login", json={"login": person.username,
                                                      "password": person.password},
                     expect=200).json()

    asked = ask(api, email_of(person), Host="attacker.example",
                **{"X-Forwarded-Host": "attacker.example"})

    assert asked.status_code == 202, asked.text
    mail = mail_server.wait_for_mail(email_of(person))
    text = text_of(mail)
    assert "attacker.example" not in text and person.username in text
    assert mail["From"] == "Marginalia <noreply@localhost>"
    uid, token = LINK.search(text).groups()
    used = confirm(api, uid, token, "A-new-long-passphrase-31")
    assert used.status_code == 200, used.text
    assert api.call("GET", "/api/auth/me", headers=bearer(used.json()["access"])).status_code == 200
    for access, refresh in ((person.access, person.refresh), (other["access"], other["refresh"])):
        assert api.call("GET", "/api/auth/me", headers=bearer(access)).status_code == 401
        assert api.call("POST", "/api/auth/refresh", json={"refresh": refresh}).status_code == 401
    again = confirm(api, uid, token, "Another-long-passphrase-32")
    assert again.status_code == 400
    assert again.json() == {"message": "This reset link is invalid or has expired"}


@pytest.mark.solo
def test_a_hanging_mail_server_neither_delays_the_answer_nor_tells_accounts_apart(
        api, mail_server):
    known = [api.signup("hurried") for _ in range(4)]
    unknown = [f"nobody{n}-{time.time_ns()}@example.org" for n in range(4)]
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    answers = set()
    mail_server.pause()
    try:
        for account, address in zip(known, unknown):
            for kind, email in (("known", email_of(account)), ("unknown", address)):
                started = time.monotonic()
                response = ask(api, email)
                timings[kind].append(time.monotonic() - started)
                answers.add((response.status_code, response.text))
    finally:
        mail_server.resume()

    assert len(answers) == 1 and next(iter(answers))[0] == 202, answers
    assert max(timings["known"]) < 1, timings  # the mail server would have held it 10 s
    gap = statistics.median(timings["known"]) - statistics.median(timings["unknown"])
    assert abs(gap) < 0.1, timings
    for account in known:  # sent once the server answers again
        assert LINK.search(text_of(mail_server.wait_for_mail(email_of(account))))
    assert all(not mail_server.mails_to(address) for address in unknown)


def test_an_unreachable_mail_server_is_logged_by_user_id_and_nothing_else(
        api, stack, mail_server):
    person = api.signup("unlucky")
    mail_server.stop()
    try:
        assert ask(api, email_of(person)).status_code == 202

        api_log = stack.logs / "api.log"
        wait_until(lambda: f"event=password_reset_mail_failed user_id={person.id} reason="
                   in api_log.read_text(errors="replace"), timeout=15,
                   message="the API's log line")
    finally:
        mail_server.start()
    log = api_log.read_text(errors="replace")
    assert "@example.org" not in log and "/reset/" not in log
    assert "event=password_reset_mailed user_id=" in log  # the earlier tests' mails
