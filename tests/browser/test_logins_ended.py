"""A login ended elsewhere turns its open pages to the ended-session notice at once,
without waiting for the page's next request; other logins of the person go on."""

import dataclasses

from playwright.sync_api import expect


def _second_login(api, person):
    """The same person signed in again: another login, as in another browser."""
    tokens = api.call(
        "POST",
        "/api/auth/login",
        json={"login": person.username, "password": person.password},
        expect=200,
    ).json()
    return dataclasses.replace(person, access=tokens["access"], refresh=tokens["refresh"])


def _open_and_live(browsers, account):
    page = browsers.page(account, "/")
    page.wait_for_selector("#inbox[data-state='connected']", timeout=15_000)
    return page


def test_signing_out_one_login_elsewhere_ends_its_open_page_at_once(browsers, api):
    person = api.signup("twologins")
    other = _second_login(api, person)
    ended, going_on = _open_and_live(browsers, person), _open_and_live(browsers, other)

    logins = api.call("GET", "/api/auth/logins", other, expect=200).json()
    [first] = [login for login in logins if not login["current"]]
    api.call("DELETE", f"/api/auth/logins/{first['id']}", other, expect=204)

    # Nothing is done on the page: the signal, not a request of its own, tells it.
    expect(ended.locator("#session-ended")).to_contain_text("Your session ended.")
    expect(ended.locator("#inbox")).to_have_attribute("data-state", "idle")
    # The other login's page asked too, and goes on.
    expect(going_on.locator("#session")).to_contain_text(person.username)
    assert going_on.locator("#session-ended").count() == 0
    assert ended.errors == [] and going_on.errors == []


def test_signing_out_everywhere_ends_every_open_page_at_once(browsers, api):
    person = api.signup("everywhere")
    pages = [_open_and_live(browsers, person), _open_and_live(browsers, _second_login(api, person))]
    api.call("POST", "/api/auth/logout", json={"refresh": person.refresh, "all": True}, expect=204)
    for page in pages:
        expect(page.locator("#session-ended")).to_contain_text("Your session ended.")
        assert page.errors == []
