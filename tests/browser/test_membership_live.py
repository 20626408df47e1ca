"""Changes to one's own membership reach the open pages at once: an approval opens the
community, a new role brings its controls, a removal closes the article, none of them
with a reload."""

from playwright.sync_api import expect

from .conftest import open_article, wait_live


def _live(page):
    page.wait_for_selector("#inbox[data-state='connected']", timeout=15_000)


def test_an_approval_opens_the_community_on_the_requesters_page(browsers, api, lab):
    outsider, community = lab["outsider"], lab["community"]
    page = browsers.page(outsider, f"/c/{community['slug']}/")
    page.get_by_role("button", name="Request to join").click()
    expect(page.get_by_text("Your request to join is waiting for an admin.")).to_be_visible()
    _live(page)
    page.evaluate("window.__sameDocument = true")

    [request] = api.call(
        "GET", f"/api/communities/{community['id']}/requests", lab["admin"], expect=200
    ).json()
    api.call(
        "POST",
        f"/api/communities/{community['id']}/requests/{request['id']}/approve",
        lab["admin"],
        expect=204,
    )

    expect(page.get_by_role("status").filter(has_text="was approved")).to_contain_text(
        f"Your request to join {community['name']} was approved"
    )
    expect(page.get_by_role("link", name=lab["article"]["title"])).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True  # no reload
    assert page.errors == []


def test_a_new_role_brings_its_controls_and_a_removal_closes_the_article(browsers, api, lab):
    member, admin, community = lab["member"], lab["admin"], lab["community"]
    by_admin = api.discussion(admin, community["id"], lab["article"]["id"], topic="By the admin")
    api.comment(admin, by_admin["id"], "A comment by the admin")
    page = open_article(browsers, member, lab["path"])
    wait_live(page)
    page.evaluate("window.__sameDocument = true")
    delete = page.get_by_role("button", name="Delete discussion “By the admin”")
    delete_comment = page.get_by_role("button", name=f"Delete comment by {admin.username}")
    expect(delete).to_have_count(0)
    expect(page.get_by_text("A comment by the admin")).to_be_visible()
    expect(delete_comment).to_have_count(0)

    api.call(
        "PATCH",
        f"/api/communities/{community['id']}/members/{member.id}",
        admin,
        json={"role": "moderator"},
        expect=200,
    )
    expect(delete).to_be_visible()
    expect(delete_comment).to_be_visible()
    # And back: the controls go as they came, without a reload.
    api.call(
        "PATCH",
        f"/api/communities/{community['id']}/members/{member.id}",
        admin,
        json={"role": "member"},
        expect=200,
    )
    expect(delete).to_have_count(0)
    expect(delete_comment).to_have_count(0)

    api.remove_member(admin, community["id"], member)
    expect(page.get_by_role("heading", name="Members only")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True
    assert page.errors == []
