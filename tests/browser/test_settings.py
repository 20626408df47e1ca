"""The settings page: a person's profile, e-mail address, password, notification
switches and logins. Two browser contexts of one person stand for two browsers, each
with a login of its own."""

import re

from playwright.sync_api import expect

from .conftest import open_article, severe_violations, wait_live

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _settings(browsers, account):
    page = browsers.page(account, "/settings/")
    expect(page.locator("#logins-list")).not_to_have_attribute("aria-busy", "true")
    return page


def _expect_session_ended(page):
    notice = page.locator("#session-ended")
    expect(notice).to_contain_text("Your session ended.")
    expect(page.locator("#session")).not_to_contain_text("Signed in as")


def _person_with_an_article(api):
    person = api.signup("settings")
    community = api.community(person, "private")
    article = api.article(person, community["id"])
    return person, community, f"/c/{community['slug']}/a/{article['id']}/"


def test_a_signed_out_visitor_signs_in_and_comes_back(browsers, api):
    person = api.signup("visitor")
    page = browsers.page(None, "/settings/")

    expect(page).to_have_url(re.compile(r"/signin/\?next=%2Fsettings%2F$"))
    page.get_by_label("Username or email").fill(person.username)
    page.get_by_label("Password", exact=True).first.fill(person.password)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/settings/$"))
    expect(page.get_by_role("heading", name="Logins")).to_be_visible()
    assert page.errors == []


def test_the_header_name_leads_to_the_settings(browsers, api):
    page = browsers.page(api.signup("header"), "/")

    page.get_by_role("link", name=re.compile("^Signed in as")).click()

    expect(page).to_have_url(re.compile(r"/settings/$"))
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()


def test_sign_out_everywhere_ends_the_other_browsers_article_page(browsers, api):
    person, _community, path = _person_with_an_article(api)
    elsewhere = api.login(person, FIREFOX)
    reader = open_article(browsers, elsewhere, path)
    wait_live(reader)
    settings = _settings(browsers, person)

    settings.get_by_role("button", name="Sign out everywhere").click()

    expect(settings).to_have_url(re.compile(r"/signin/$"))
    # The other browser learns it at its next request, and keeps what was being written.
    reader.get_by_label("Topic").fill("Written after the end")
    reader.get_by_label("Message", exact=True).fill("Still here")
    reader.get_by_role("button", name="Start discussion").click()
    _expect_session_ended(reader)
    expect(reader.get_by_label("Message", exact=True)).to_have_value("Still here")
    assert reader.errors == [] and settings.errors == []


def test_signing_one_login_out_ends_that_browsers_community_page_only(browsers, api):
    person, community, _path = _person_with_an_article(api)
    elsewhere = api.login(person, FIREFOX)
    other = browsers.page(elsewhere, f"/c/{community['slug']}/")
    expect(other.get_by_role("heading", name=community["name"])).to_be_visible()
    settings = _settings(browsers, person)
    logins = settings.locator("#logins-list > li")
    expect(logins.filter(has_text="This browser")).to_have_count(1)
    firefox = logins.filter(has_text="Firefox on Linux")
    expect(firefox.get_by_text("This browser")).to_have_count(0)

    firefox.get_by_role("button", name=re.compile("^Sign out Firefox on Linux")).click()

    expect(
        settings.get_by_role("status").filter(has_text="Signed out of Firefox on Linux")
    ).to_be_visible()
    expect(logins.filter(has_text="Firefox on Linux")).to_have_count(0)
    other.get_by_role("button", name="Add an article").click()
    other.get_by_label("Title").fill("After the end")
    other.get_by_role("button", name="Add article").click()
    _expect_session_ended(other)
    # This browser goes on.
    settings.reload()
    expect(settings.locator("#logins-list > li").filter(has_text="This browser")).to_have_count(1)
    assert other.errors == [] and settings.errors == []


def test_a_display_name_shows_in_the_header_and_stays(browsers, api):
    page = _settings(browsers, api.signup("named"))

    page.get_by_label("Display name").fill("  Ada Lovelace ")
    page.get_by_role("button", name="Save name").click()

    expect(page.locator("#profile").get_by_role("status")).to_have_text(
        "Your display name is now Ada Lovelace."
    )
    expect(page.locator("#session")).to_contain_text("Signed in as Ada Lovelace")
    page.reload()
    expect(page.get_by_label("Display name")).to_have_value("Ada Lovelace")
    expect(page.locator("#session")).to_contain_text("Signed in as Ada Lovelace")
    assert page.errors == []


def test_an_email_change_needs_the_current_password(browsers, api):
    person = api.signup("mail")
    page = _settings(browsers, person)
    email = page.locator("#email")

    email.get_by_label("New e-mail address").fill(f"New.{person.username}@Example.org")
    email.get_by_label("Current password").fill("not my password")
    email.get_by_role("button", name="Change e-mail address").click()
    expect(email.get_by_role("alert")).to_have_text("The current password is wrong")

    email.get_by_label("Current password").fill(person.password)
    email.get_by_role("button", name="Change e-mail address").click()
    expect(email.get_by_role("status")).to_have_text(
        f"Your e-mail address is now new.{person.username}@example.org."
    )
    assert page.errors == []


def test_a_new_password_keeps_this_browser_and_ends_the_others(browsers, api):
    person, community, _path = _person_with_an_article(api)
    elsewhere = api.login(person, FIREFOX)
    page = _settings(browsers, person)
    expect(page.locator("#logins-list > li")).to_have_count(2)  # this one and Firefox

    password = page.locator("#password")
    password.get_by_label("Current password").fill(person.password)
    password.get_by_label("New password").fill("A-brand-new-passphrase-77")
    password.get_by_role("button", name="Change password").click()

    expect(password.get_by_role("status")).to_have_text(
        "Password changed. Every other browser is signed out."
    )
    expect(page.locator("#logins-list > li")).to_have_count(1)
    page.reload()
    expect(page.locator("#logins-list > li").filter(has_text="This browser")).to_have_count(1)
    refused = api.call("GET", "/api/auth/me", elsewhere)
    assert refused.status_code == 401
    assert page.errors == []


def test_the_notification_switches_are_on_the_settings_page_only(browsers, api):
    person, _community, path = _person_with_an_article(api)
    page = _settings(browsers, person)
    sound = page.get_by_label("Sound for new activity")
    expect(sound).to_be_enabled()

    with page.expect_response(
        lambda r: r.url.endswith("/api/me/notification-preferences") and r.request.method == "PUT"
    ) as saved:
        sound.check()

    assert {name: saved.value.json()[name] for name in ("desktop", "sound")} == {
        "desktop": False,
        "sound": True,
    }
    page.reload()
    expect(page.get_by_label("Sound for new activity")).to_be_checked()
    expect(page.get_by_label(re.compile("^Desktop notifications"))).not_to_be_checked()
    article = open_article(browsers, person, path)
    expect(article.get_by_label("Sound for new activity")).to_have_count(0)
    article.get_by_role("link", name="Sound and desktop notifications").click()
    expect(article).to_have_url(re.compile(r"/settings/#notifications$"))
    expect(article.get_by_label("Sound for new activity")).to_be_checked()
    assert page.errors == [] and article.errors == []


def test_the_settings_page_passes_axe(browsers, api, axe_source):
    person = api.signup("axe")
    api.login(person, FIREFOX)
    page = _settings(browsers, person)
    page.locator("#email").get_by_role("button", name="Change e-mail address").click()
    expect(page.locator("#new-email-error")).to_be_visible()
    page.locator("#password").get_by_role("button", name="Change password").click()
    expect(page.locator("#password-current-error")).to_be_visible()
    expect(page.get_by_label("Sound for new activity")).to_be_enabled()

    assert severe_violations(page, axe_source) == []
