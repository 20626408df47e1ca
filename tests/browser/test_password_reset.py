"""A forgotten password in Chromium, against the real API and a real SMTP server
process: ask from the sign-in page, follow the link the mail carries, set a new
password and land signed in; the browser that held the old login is told its
session ended, and the link does not work twice. axe-core finds no serious
violation on either step."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.api import Api
from tests.support.mail_server import text_of
from tests.support.stack import Stack

from .conftest import Browsers, severe_violations

pytestmark = pytest.mark.timeout(180)

NEW_PASSWORD = "A-brand-new-long-passphrase-8"


@pytest.fixture(scope="module")
def reset_stack(tmp_path_factory, mail_server):
    stack = Stack(
        tmp_path_factory.mktemp("browser-reset"), "browser_reset", redis_db=12, env=mail_server.env
    )
    stack.env["PUBLIC_URL"] = stack.api_url  # known once the stack has its port
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
def browsers(chromium, reset_stack):
    opened = Browsers(chromium, reset_stack)
    yield opened
    opened.close()


def test_a_forgotten_password_is_set_again_from_the_mailed_link(
    browsers, reset_stack, mail_server, axe_source
):
    api = Api(reset_stack.api_url)
    person = api.signup("forgetful")
    email = f"{person.username}@example.org"
    old = browsers.page(person, "/")
    expect(old.locator("#session")).to_contain_text(f"Signed in as {person.username}")

    page = browsers.page(None, "/signin/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgotten password")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_contain_text(
        "If an account has that address, a link is on its way."
    )
    assert severe_violations(page, axe_source) == []

    link = re.search(r"^(\S+/reset/#\S+)$", text_of(mail_server.wait_for_mail(email)), re.M).group(
        1
    )
    assert link.startswith(f"{reset_stack.api_url}/reset/#")
    page.goto(link)
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    assert "#" not in page.url, "the token left the address bar"
    page.get_by_label("New password", exact=True).fill("password")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Password is too weak")
    assert severe_violations(page, axe_source) == []
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()

    expect(page).to_have_url(f"{reset_stack.api_url}/")
    expect(page.locator("#session")).to_contain_text(f"Signed in as {person.username}")
    # The old login's page is told at once, without a request of its own.
    expect(old.locator("#session-ended")).to_contain_text("Your session ended.")
    assert api.call("GET", "/api/auth/me", person).status_code == 401
    assert page.errors == [] and old.errors == []


def test_a_used_link_says_it_no_longer_works_and_offers_a_new_one(
    browsers, reset_stack, mail_server, axe_source
):
    api = Api(reset_stack.api_url)
    person = api.signup("twice")
    email = f"{person.username}@example.org"
    api.call("POST", "/api/auth/password-reset", json={"email": email}, expect=202)
    link = re.search(r"^(\S+/reset/#\S+)$", text_of(mail_server.wait_for_mail(email)), re.M).group(
        1
    )
    uid, token = link.split("#", 1)[1].split(".")
    api.call(
        "POST",
        "/api/auth/password-reset/confirm",
        expect=200,
        json={"uid": uid, "token": token, "new_password": NEW_PASSWORD},
    )

    page = browsers.page(None, link)
    page.get_by_label("New password", exact=True).fill("Yet-another-long-passphrase-4")
    page.get_by_role("button", name="Set password and sign in").click()

    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("This reset link is invalid or has expired")
    assert severe_violations(page, axe_source) == []
    page.get_by_role("link", name="Ask for a new link").click()
    expect(page.get_by_role("heading", name="Forgotten password")).to_be_visible()
    assert page.errors == []
