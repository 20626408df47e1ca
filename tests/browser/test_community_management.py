"""Running a community from the pages alone, with two (or three) users in Chromium:
create it, invite by link, see and manage the members, decide requests that
arrive while the admin's page is open, the last admin's missing Leave, and
what a private community shows to those outside it."""

import re

from playwright.sync_api import expect

from tests.support.api import Account

from .screenshots import screenshot

# A request reaches the admin's page by a signal, in well under a second; the list is also
# fetched every 30 s, so arriving within this bound shows the signal did it.
LIVE_TIMEOUT = 10_000
MEMBERS_ONLY = "its articles and discussions are for members only"


def _members(api, account: Account, community_id: int) -> dict[str, str]:
    listed = api.call("GET", f"/api/communities/{community_id}/members", account, expect=200)
    return {m["user"]["username"]: m["role"] for m in listed.json()}


def _community(api, account: Account | None, slug: str) -> dict:
    return api.call("GET", f"/api/communities/by-slug/{slug}", account, expect=200).json()


def _admin_page_polling(browsers, admin: Account, community: dict, **options):
    """The admin's community page, once it polls for signals: a request filed from now on
    reaches it by its signal."""
    page = browsers.context(admin, **options).new_page()
    with page.expect_request(lambda r: "/realtime/poll" in r.url and "signal_cursor=" in r.url):
        page.goto(f"/c/{community['slug']}/")
    return page


def test_create_invite_join_change_role_and_remove(browsers, api):
    admin, joiner, latecomer = api.signup("founder"), api.signup("joiner"), api.signup("late")
    page = browsers.page(admin, "/")
    expect(page.get_by_text("You have not joined a community yet.")).to_be_visible()

    # Create: errors name the field and clear when it is fixed.
    create = page.locator("#create")
    create.get_by_role("button", name="Create community").click()
    name = create.get_by_label("Name", exact=True)
    expect(name).to_be_focused()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(create.locator("#new-community-name-error")).to_have_text("Name is required.")
    name.fill("ab")
    expect(create.locator("#new-community-name-error")).to_be_hidden()
    create.get_by_role("button", name="Create community").click()
    expect(create.locator("#new-community-name-error")).to_contain_text(
        "Name: String should have at least 3 characters"
    )
    name.fill(f"Dendrite Club {admin.id}")
    create.get_by_label("Description", exact=True).fill("Spikes in thin branches")
    expect(create.get_by_role("radio", name=re.compile("^Private"))).to_be_checked()
    create.get_by_role("button", name="Create community").click()
    title = f"Dendrite Club {admin.id}"
    expect(page.get_by_role("heading", level=1, name=title, exact=True)).to_be_visible()
    slug = page.url.rstrip("/").rsplit("/", 1)[1]
    community = _community(api, admin, slug)
    assert (community["type"], community["my_role"]) == ("private", "admin")

    # Invite link, limited to one use.
    invites = page.locator("#invites")
    invites.get_by_label("Number of uses (optional)").fill("1")
    invites.get_by_role("button", name="Create invite link").click()
    link_box = invites.get_by_label(re.compile("New invite link"))
    expect(link_box).to_be_focused()
    link = link_box.input_value()
    assert re.fullmatch(r"http://[^/]+/invite/#[A-Za-z0-9_-]{43}", link), link
    expect(invites.locator(".invite-row")).to_contain_text("Used 0 times (at most 1)")

    # The second user opens it and joins.
    other = browsers.page(joiner, link)
    other.get_by_role("button", name=f"Join Dendrite Club {admin.id}").click()
    expect(other.get_by_role("heading", level=1, name=title, exact=True)).to_be_visible()
    expect(other.locator(".page-header .meta")).to_contain_text("Member")
    expect(other.get_by_role("button", name="Leave community")).to_be_visible()

    # Used up: a third user is told so.
    late = browsers.page(latecomer, link)
    expect(late.get_by_role("alert")).to_contain_text("used up")
    assert _members(api, admin, community["id"]) == {
        admin.username: "admin",
        joiner.username: "member",
    }

    # The admin sees them among the members, promotes them, then removes them.
    page.reload()
    members = page.locator("#members")
    expect(members.locator(".member-row", has_text=joiner.username)).to_be_visible()
    members.get_by_label(f"Role of {joiner.username}").select_option("moderator")
    expect(members.get_by_role("status")).to_have_text(f"{joiner.username} is now moderator.")
    assert _members(api, admin, community["id"])[joiner.username] == "moderator"
    members.get_by_role("button", name=f"Remove {joiner.username}").click()
    members.get_by_role("button", name="Remove", exact=True).click()
    expect(members.locator(".member-row", has_text=joiner.username)).to_have_count(0)
    assert joiner.username not in _members(api, admin, community["id"])
    other.reload()
    expect(other.get_by_text(MEMBERS_ONLY)).to_be_visible()
    assert page.errors == [] and other.errors == [] and late.errors == []


def test_a_revoked_link_says_so_and_a_member_opening_one_is_sent_in(browsers, api):
    admin, member, outsider = api.signup("admin"), api.signup("member"), api.signup("outsider")
    community = api.community(admin, "private", members=[member])
    page = browsers.page(admin, f"/c/{community['slug']}/")
    page.get_by_role("button", name="Create invite link").click()
    link = page.get_by_label(re.compile("New invite link")).input_value()

    mine = browsers.page(member, link)
    expect(mine.get_by_text("You are already a member.")).to_be_visible()

    page.locator("#invites").get_by_role("button", name=re.compile("^Revoke")).click()
    expect(page.locator("#invites .empty")).to_have_text("No invite links are working now.")
    refused = browsers.page(outsider, link)
    expect(refused.get_by_role("heading", name="This invite link no longer works")).to_be_visible()
    expect(refused.get_by_role("alert")).to_contain_text("revoked")
    assert outsider.username not in _members(api, admin, community["id"])
    assert page.errors == [] and mine.errors == [] and refused.errors == []


def test_an_invited_visitor_signs_in_and_joins(browsers, api):
    admin, newcomer = api.signup("admin"), api.signup("newcomer")
    community = api.community(admin, "private")
    token = api.call(
        "POST", f"/api/communities/{community['id']}/invites", admin, json={}, expect=201
    ).json()["token"]
    page = browsers.page(None, f"/invite/#{token}")
    page.get_by_role("link", name="Sign in to join").wait_for()
    assert token not in page.url  # kept out of the address bar and the history
    page.get_by_role("link", name="Sign in to join").click()
    # The token never went into a URL the server saw.
    assert token not in page.url
    page.get_by_label("Username or email").fill(newcomer.username)
    page.get_by_label("Password", exact=True).first.fill(newcomer.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=f"Join {community['name']}").click()
    expect(page.get_by_role("heading", level=1, name=community["name"], exact=True)).to_be_visible()
    assert _members(api, admin, community["id"])[newcomer.username] == "member"
    assert page.errors == []


def test_a_join_request_arrives_live_at_the_admins_page(browsers, api):
    admin, applicant = api.signup("admin"), api.signup("applicant")
    community = api.community(admin, "private")
    page = _admin_page_polling(browsers, admin, community)
    requests = page.locator("#requests")
    expect(requests.get_by_text("No requests are waiting.")).to_be_visible()
    page.evaluate("window.__sameDocument = true")

    asker = browsers.page(applicant, f"/c/{community['slug']}/")
    asker.get_by_role("button", name="Request to join").click()
    expect(asker.get_by_text("Your request to join is waiting for an admin.")).to_be_visible()

    approve = requests.get_by_role("button", name=f"Approve {applicant.username}")
    expect(approve).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(requests.get_by_role("status")).to_have_text(
        f"New request to join from {applicant.username}."
    )
    assert page.evaluate("window.__sameDocument") is True  # arrived without a reload
    approve.click()
    expect(requests.get_by_text("No requests are waiting.")).to_be_visible()
    expect(page.locator("#members .member-row", has_text=applicant.username)).to_be_visible()
    assert _members(api, admin, community["id"])[applicant.username] == "member"
    assert page.errors == [] and asker.errors == []


def test_a_member_never_receives_the_admins_requests(browsers, api):
    admin, member, applicant = api.signup("admin"), api.signup("member"), api.signup("applicant")
    community = api.community(admin, "private", members=[member])
    api.call("POST", f"/api/communities/{community['id']}/join", applicant, expect=202)
    context = browsers.context(member)
    asked = []
    context.on(
        "request",
        lambda r: asked.append(r.url) if "/api/" in r.url and "/requests" in r.url else None,
    )
    page = context.new_page()
    page.goto(f"/c/{community['slug']}/")
    # The page is drawn once the members are listed; an admin's page has asked for the
    # requests by then (the first refresh runs as its section is made).
    expect(page.locator("#members .member-row", has_text=admin.username)).to_be_visible()
    expect(page.locator("#requests")).to_have_count(0)
    assert applicant.username not in page.locator("body").inner_text()
    assert asked == []
    assert page.errors == []


def test_the_last_admin_is_not_offered_leave(browsers, api):
    admin, member = api.signup("admin"), api.signup("member")
    community = api.community(admin, "private", members=[member])
    page = browsers.page(admin, f"/c/{community['slug']}/")
    expect(page.get_by_text("You are the only admin")).to_be_visible()
    expect(page.get_by_role("button", name="Leave community")).to_have_count(0)
    # Nor removing themselves or giving up the role from the members list.
    own_row = page.locator("#members .member-row", has_text=admin.username)
    expect(own_row.get_by_text("the only admin")).to_be_visible()
    expect(page.get_by_role("button", name=f"Remove {admin.username}")).to_have_count(0)
    expect(page.get_by_label(f"Role of {admin.username}")).to_have_count(0)
    # The server keeps refusing, whatever a page offers.
    refused = api.call("POST", f"/api/communities/{community['id']}/leave", admin)
    assert refused.status_code == 409

    # Once someone else is admin, Leave is offered; the role control keeps the focus.
    role = page.get_by_label(f"Role of {member.username}")
    role.focus()
    role.select_option("admin")
    expect(page.get_by_role("button", name="Leave community")).to_be_visible()
    expect(page.get_by_label(f"Role of {member.username}")).to_be_focused()
    expect(page.get_by_role("button", name=f"Remove {admin.username}")).to_be_visible()
    page.get_by_role("button", name="Leave community").click()
    expect(page.get_by_role("button", name="Request to join")).to_be_visible()
    assert _members(api, member, community["id"]) == {member.username: "admin"}
    assert page.errors == []


def test_what_a_non_member_sees_of_a_private_community(browsers, api):
    admin, member, outsider = api.signup("admin"), api.signup("member"), api.signup("outsider")
    community = api.call(
        "POST",
        "/api/communities",
        admin,
        json={
            "name": f"Quiet Lab {admin.id}",
            "type": "private",
            "description": "Unannounced results on grid cells",
        },
        expect=201,
    ).json()
    api.add_member(admin, community["id"], member)
    api.article(admin, community["id"])
    secret_article = api.article(admin, community["id"])["title"]

    for account in (outsider, None):
        page = browsers.page(account, f"/c/{community['slug']}/")
        heading = page.get_by_role("heading", level=1, name=community["name"], exact=True)
        expect(heading).to_be_visible()
        expect(page.get_by_text(MEMBERS_ONLY)).to_be_visible()
        text = page.locator("body").inner_text()
        for hidden in ("Unannounced results", member.username, admin.username, secret_article):
            assert hidden not in text, hidden
        assert not re.search(r"\d+ members?\b", text)  # not even how many
        expect(page.locator("#members")).to_have_count(0)
        listing = browsers.page(account, "/")
        card = listing.locator("#all-list .community-card", has_text=community["name"])
        expect(card).to_be_visible()
        expect(card).not_to_contain_text("Unannounced")
        assert page.errors == [] and listing.errors == []

    # The admin chooses to show the description: outsiders see it, still nothing else.
    admin_page = browsers.page(admin, f"/c/{community['slug']}/")
    admin_page.locator("#settings summary").click()
    admin_page.get_by_label(re.compile("Show the description to non-members")).check()
    with admin_page.expect_response(lambda r: r.request.method == "PATCH") as saved:
        admin_page.get_by_role("button", name="Save changes").click()
    assert saved.value.ok
    assert _community(api, outsider, community["slug"])["description"] == (
        "Unannounced results on grid cells"
    )
    page = browsers.page(outsider, f"/c/{community['slug']}/")
    expect(page.locator(".page-header .description")).to_have_text(
        "Unannounced results on grid cells"
    )
    expect(page.locator("#members")).to_have_count(0)
    assert secret_article not in page.locator("body").inner_text()
    assert page.errors == [] and admin_page.errors == []


def test_screenshot_of_an_admins_community_page(browsers, api, tmp_path):
    """Writes docs/screenshot-community.png when it is missing or UPDATE_SCREENSHOTS=1:
    an admin's page with a request that arrived live, a fresh invite link and the
    members with their roles."""
    ada, grace, emmy, hedy = (
        api.signup(username=name) for name in ("ada", "grace", "emmy", "hedy")
    )
    community = api.call(
        "POST",
        "/api/communities",
        ada,
        json={
            "name": "Computational Neuroscience Reading Group",
            "type": "private",
            "description": "Preprints on neural population dynamics, discussed weekly.",
            "show_description": True,
        },
        expect=201,
    ).json()
    api.add_member(ada, community["id"], grace, role="moderator")
    api.add_member(ada, community["id"], emmy)
    api.call(
        "POST",
        "/api/articles",
        ada,
        json={
            "title": "Attractor dynamics in cortical circuits",
            "authors": ["A. Researcher"],
            "abstract": "Low-dimensional attractor manifolds explain persistent activity.",
            "community_ids": [community["id"]],
        },
        expect=201,
    )
    page = _admin_page_polling(browsers, ada, community, viewport={"width": 1000, "height": 1400})
    api.call("POST", f"/api/communities/{community['id']}/join", hedy, expect=202)
    expect(page.get_by_role("button", name="Approve hedy")).to_be_visible(timeout=LIVE_TIMEOUT)
    page.get_by_role("button", name="Create invite link").click()
    expect(page.get_by_label(re.compile("New invite link"))).to_be_visible()
    screenshot(page, "screenshot-community.png", tmp_path)
    assert page.errors == []


def test_a_member_adds_an_article_from_the_community_page(browsers, api):
    admin, member = api.signup("admin"), api.signup("member")
    community = api.community(admin, "private", members=[member])
    page = browsers.page(member, f"/c/{community['slug']}/")
    page.get_by_text("Add an article").click()
    page.get_by_role("button", name="Add article").click()
    expect(page.locator("#article-title-error")).to_have_text("Title is required.")
    expect(page.get_by_label("Title")).to_be_focused()
    page.get_by_label("Title").fill("Grid cells in the dark")
    page.get_by_label("Authors (comma-separated)").fill("E. Moser, M.-B. Moser")
    page.get_by_label("Link").fill("javascript:alert(1)")
    page.get_by_role("button", name="Add article").click()
    # The server's refusal, shown on the field it names; changing the field clears it.
    expect(page.locator("#article-link-error")).to_contain_text("Link: ")
    expect(page.get_by_label("Link")).to_be_focused()
    page.get_by_label("Link").fill("https://example.org/grid-cells")
    expect(page.locator("#article-link-error")).to_be_hidden()
    page.get_by_role("button", name="Add article").click()
    expect(page.get_by_role("heading", level=1, name="Grid cells in the dark")).to_be_visible()
    assert re.search(rf"/c/{community['slug']}/a/\d+/$", page.url)
    assert page.errors == []
