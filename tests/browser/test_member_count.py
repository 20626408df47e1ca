"""A private community's member count stays right on its members' open pages."""

import re

from playwright.sync_api import expect


def test_the_member_count_follows_joins_and_removals_live(browsers, api, lab):
    community = lab["community"]
    page = browsers.page(lab["member"], f"/c/{community['slug']}/")
    page.wait_for_selector("#inbox[data-state='connected']", timeout=15_000)
    count = page.locator(".page-header .member-count")
    expect(count).to_have_text(re.compile(r"\b2 members\b"))
    page.evaluate("window.__sameDocument = true")

    newcomer = api.signup("joiner")
    api.add_member(lab["admin"], community["id"], newcomer)
    expect(count).to_have_text(re.compile(r"\b3 members\b"))
    api.remove_member(lab["admin"], community["id"], newcomer)
    expect(count).to_have_text(re.compile(r"\b2 members\b"))
    assert page.evaluate("window.__sameDocument") is True  # no reload
    assert page.errors == []
