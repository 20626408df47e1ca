"""Lists longer than the API's largest page (100 items), in Chromium: the
communities page shows every community, a page at a time behind "Show more",
and a community's members list shows every member, however many."""

import pytest
from playwright.sync_api import expect

MANY = 120  # more than one page of the API
# Past the 2,000 at which the members list used to stop without a word.
MANY_MEMBERS = 2001


@pytest.fixture
def crowd(api, stack):
    """An admin of MANY public communities, the first of which has MANY_MEMBERS more members,
    written straight into the database: through the API it would take minutes."""
    admin = api.signup("crowdadmin")
    prefix = f"Zz crowd {admin.id}"
    stack.manage(
        "shell",
        "-c",
        f"""
from accounts.models import User
from communities.models import Community, Membership
admin = User.objects.get(pk={admin.id})
communities = Community.objects.bulk_create([
    Community(name=f"{prefix} {{n:03}}", slug=f"zz-crowd-{admin.id}-{{n:03}}", type="public",
              created_by=admin)
    for n in range({MANY})])
Membership.objects.bulk_create([Membership(community=c, user=admin, role="admin") for c in communities])
members = User.objects.bulk_create([
    User.unsaved(f"crowd{admin.id}m{{n:04}}", email=f"crowd{admin.id}m{{n:04}}@example.org",
                 password="!")
    for n in range({MANY_MEMBERS})])
Membership.objects.bulk_create([Membership(community=communities[0], user=u) for u in members])
""",
    )
    names = [f"{prefix} {n:03}" for n in range(MANY)]
    return {"admin": admin, "names": names, "first_slug": f"zz-crowd-{admin.id}-000"}


def _every_community(api, account) -> int:
    count, offset = 0, 0
    while page := api.call(
        "GET", f"/api/communities?limit=100&offset={offset}", account, expect=200
    ).json():
        count += len(page)
        offset += len(page)
    return count


def _show_all(section, more_label):
    """Press "Show more" until the list is whole; each press shows one more page."""
    more = section.get_by_role("button", name=more_label)
    while more.is_visible():
        shown = section.locator(".community-card").count()
        more.click()
        expect(section.locator(".community-card")).not_to_have_count(shown)
        expect(section.locator(".community-card").nth(shown).get_by_role("link")).to_be_focused()


def test_the_communities_page_shows_every_community_behind_show_more(browsers, api, crowd):
    page = browsers.page(crowd["admin"], "/")
    mine = page.locator("#mine")
    expect(mine.locator(".community-card")).to_have_count(100)
    _show_all(mine, "Show more of my communities")
    expect(mine.locator(".community-card")).to_have_count(MANY)
    expect(mine.get_by_role("button", name="Show more of my communities")).to_be_hidden()
    assert mine.locator(".card-title").all_inner_texts() == crowd["names"]
    assert page.errors == []

    # Every community is listed to a visitor; a member's page lists their own once, above.
    page = browsers.page(None, "/")
    everyone = page.get_by_role("region", name="All communities")
    expect(everyone.locator(".community-card")).to_have_count(100)
    _show_all(everyone, "Show more communities")
    expect(everyone.locator(".community-card")).to_have_count(_every_community(api, crowd["admin"]))
    shown = everyone.locator(".card-title").all_inner_texts()
    assert set(crowd["names"]) <= set(shown)
    assert page.errors == []


def test_the_members_list_shows_every_member(browsers, crowd):
    page = browsers.page(crowd["admin"], f"/c/{crowd['first_slug']}/")
    members = page.locator("#members .member-row")
    expect(members).to_have_count(MANY_MEMBERS + 1)  # and the admin
    expect(members.last).to_contain_text(f"crowd{crowd['admin'].id}m{MANY_MEMBERS - 1:04}")
    assert page.errors == []
