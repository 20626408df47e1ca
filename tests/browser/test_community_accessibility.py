"""axe-core finds no serious or critical accessibility violation on the pages a new
user meets and the community management pages, in the states a person meets them:
sign-in and sign-up showing errors, forms showing errors, an admin's page with a
request waiting and a fresh invite link, an invite, and a private community seen
from outside.

axe-core is an npm package (package.json); its file is evaluated in the page
from node_modules, never fetched from elsewhere. Evaluating it through the
browser's debugging protocol is not a script the page loads, so the pages'
Content-Security-Policy stays as strict as it ships.
"""

import re

from playwright.sync_api import expect

from .conftest import severe_violations


def test_sign_in_and_sign_up_showing_their_errors(browsers, axe_source):
    page = browsers.page(None, "/signin/?next=/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-form .form-error")).to_be_visible()
    page.get_by_label("Username", exact=True).fill("newcomer")
    page.get_by_label("Email", exact=True).fill("newcomer@example.org")
    page.locator("#signup-password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#signup-form .form-error")).to_contain_text("Password is too weak")
    assert severe_violations(page, axe_source) == []


def test_communities_page_with_the_create_form_in_error(browsers, api, axe_source):
    page = browsers.page(api.signup("founder"), "/")
    page.locator("#create").get_by_role("button", name="Create community").click()
    expect(page.locator("#new-community-name-error")).to_be_visible()
    assert severe_violations(page, axe_source) == []
    # The check can fail: an input without a label is caught.
    page.evaluate("document.querySelector('main').append(document.createElement('input'))")
    assert [v for v in severe_violations(page, axe_source) if v.startswith("label ")]


def test_an_admins_community_page(browsers, api, axe_source):
    admin, member, applicant = api.signup("admin"), api.signup("member"), api.signup("asker")
    community = api.community(admin, "private", members=[member])
    api.call("POST", f"/api/communities/{community['id']}/join", applicant, expect=202)
    page = browsers.page(admin, f"/c/{community['slug']}/")
    expect(page.get_by_role("button", name=f"Approve {applicant.username}")).to_be_visible()
    page.get_by_role("button", name="Create invite link").click()
    expect(page.get_by_label(re.compile("New invite link"))).to_be_visible()
    page.locator("#settings summary").click()
    page.locator("#members").get_by_role("button", name="Add member").click()
    expect(page.locator("#add-member-username-error")).to_be_visible()
    assert severe_violations(page, axe_source) == []


def test_an_invite_and_a_private_community_from_outside(browsers, api, axe_source):
    admin, outsider = api.signup("admin"), api.signup("outsider")
    community = api.community(admin, "private")
    token = api.call(
        "POST", f"/api/communities/{community['id']}/invites", admin, json={}, expect=201
    ).json()["token"]
    invite = browsers.page(outsider, f"/invite/#{token}")
    expect(invite.get_by_role("button", name=f"Join {community['name']}")).to_be_visible()
    assert severe_violations(invite, axe_source) == []

    outside = browsers.page(None, f"/c/{community['slug']}/")
    expect(outside.get_by_text("its articles and discussions are for members only")).to_be_visible()
    assert severe_violations(outside, axe_source) == []
