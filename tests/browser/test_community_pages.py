"""The home page and a community's page as people meet them: what a visitor is told,
what a private community's card says from outside, each community listed once, the
forms behind their buttons, an admin's page showing the articles first, a member count
that agrees with the member list, and removing a member only once it is confirmed."""

from playwright.sync_api import expect

from tests.support.api import Account

from .conftest import severe_violations

VIEWPORT_HEIGHT = 900  # the browsers fixture's window
LIVE_TIMEOUT = 10_000  # a signal arrives in well under a second; the fallback takes 30 s


def _members(api, account: Account, community_id: int) -> set[str]:
    listed = api.call("GET", f"/api/communities/{community_id}/members", account, expect=200)
    return {m["user"]["username"] for m in listed.json()}


def _admin_page_polling(browsers, admin: Account, community: dict):
    """The admin's community page, once it polls for signals."""
    page = browsers.context(admin).new_page()
    with page.expect_request(lambda r: "/realtime/poll" in r.url and "signal_cursor=" in r.url):
        page.goto(f"/c/{community['slug']}/")
    return page


def _top(locator) -> float:
    return locator.bounding_box()["y"]


def test_an_admin_sees_the_articles_first_and_add_an_article_at_once(browsers, api):
    admin, member, applicant = api.signup("admin"), api.signup("member"), api.signup("asker")
    community = api.community(admin, "private", members=[member])
    article = api.article(admin, community["id"])
    api.call("POST", f"/api/communities/{community['id']}/join", applicant, expect=202)
    page = browsers.page(admin, f"/c/{community['slug']}/")
    expect(page.get_by_role("button", name=f"Approve {applicant.username}")).to_be_visible()

    articles = page.locator("#articles")
    expect(articles.get_by_role("link", name=article["title"])).to_be_in_viewport()
    assert _top(articles) < VIEWPORT_HEIGHT
    for admin_section in ("#requests", "#invites", "#settings"):
        assert _top(articles) < _top(page.locator(admin_section)), admin_section
    add = articles.get_by_role("button", name="Add an article")
    expect(add).to_be_in_viewport()
    expect(add).to_have_attribute("aria-expanded", "false")
    add.click()
    expect(articles.get_by_label("Title")).to_be_focused()
    expect(add).to_have_attribute("aria-expanded", "true")
    assert page.errors == []


def test_a_visitor_is_told_what_marginalia_is(browsers, api, axe_source):
    page = browsers.page(None, "/")
    intro = page.locator("#intro")
    expect(intro).to_be_visible()
    expect(intro).to_contain_text("research communities discuss articles")
    expect(intro).to_contain_text("private community")
    expect(page.locator("#all-list")).not_to_have_attribute("aria-busy", "true")
    assert severe_violations(page, axe_source) == []
    intro.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()

    signed_in = browsers.page(api.signup("reader"), "/")
    expect(signed_in.get_by_role("heading", name="My communities")).to_be_visible()
    expect(signed_in.locator("#intro")).to_be_hidden()
    assert page.errors == [] and signed_in.errors == []


def test_a_private_communitys_card_says_it_is_for_members(browsers, api):
    admin, outsider = api.signup("admin"), api.signup("outsider")
    community = api.call(
        "POST",
        "/api/communities",
        admin,
        json={
            "name": f"0 Closed Circle {admin.id}",
            "type": "private",
        },
        expect=201,
    ).json()

    def card_of(account):
        page = browsers.page(account, "/")
        card = page.locator("#all-list .community-card", has_text=community["name"])
        expect(card).to_be_visible()
        return card

    expect(card_of(None).locator(".meta")).to_have_text(
        "Private Members only · sign in to request to join"
    )
    expect(card_of(outsider).locator(".meta")).to_have_text(
        "Private Members only · request to join on its page"
    )
    api.call("POST", f"/api/communities/{community['id']}/join", outsider, expect=202)
    expect(card_of(outsider).locator(".meta")).to_have_text(
        "Private Members only · Request to join pending"
    )


def test_my_communities_are_not_listed_again_among_the_others(browsers, api):
    member, founder = api.signup("member"), api.signup("founder")
    mine = api.call(
        "POST",
        "/api/communities",
        member,
        json={"name": f"0 Mine {member.id}", "type": "public"},
        expect=201,
    ).json()
    other = api.call(
        "POST",
        "/api/communities",
        founder,
        json={"name": f"0 Theirs {founder.id}", "type": "public"},
        expect=201,
    ).json()
    page = browsers.page(member, "/")
    expect(page.locator("#mine-list").get_by_role("link", name=mine["name"])).to_be_visible()
    others = page.locator("#all-list")
    expect(page.get_by_role("heading", name="Other communities")).to_be_visible()
    expect(others.get_by_role("link", name=other["name"])).to_be_visible()
    expect(others.get_by_role("link", name=mine["name"])).to_have_count(0)
    assert page.errors == []


def test_create_a_community_is_a_button_that_opens_its_form(browsers, api, axe_source):
    founder = api.signup("founder")
    api.community(founder, "private")
    page = browsers.page(founder, "/")
    expect(page.locator("#mine-list .community-card")).to_have_count(1)
    open_form = page.get_by_role("button", name="Create a community")
    expect(open_form).to_have_attribute("aria-expanded", "false")
    name = page.locator("#create").get_by_label("Name", exact=True)
    expect(name).to_be_hidden()
    open_form.click()
    expect(name).to_be_focused()
    expect(open_form).to_have_attribute("aria-expanded", "true")
    assert severe_violations(page, axe_source) == []
    open_form.click()
    expect(name).to_be_hidden()
    assert page.errors == []


def test_the_member_count_follows_the_member_list(browsers, api):
    admin, member, first, second = (
        api.signup(prefix) for prefix in ("admin", "member", "first", "second")
    )
    community = api.community(admin, "private", members=[member])
    api.call("POST", f"/api/communities/{community['id']}/join", first, expect=202)
    page = _admin_page_polling(browsers, admin, community)
    count = page.locator(".page-header .meta")
    rows = page.locator("#members .member-row")
    expect(count).to_contain_text(" 2 members ")

    page.get_by_role("button", name=f"Approve {first.username}").click()
    expect(rows).to_have_count(3)
    expect(count).to_contain_text(" 3 members ")

    page.get_by_role("button", name=f"Remove {member.username}").click()
    page.locator("#members").get_by_role("button", name="Remove", exact=True).click()
    expect(rows).to_have_count(2)
    expect(count).to_contain_text(" 2 members ")

    # Approved elsewhere (another admin's page): the signal brings the list and its count.
    requests = f"/api/communities/{community['id']}/requests"
    api.call("POST", f"/api/communities/{community['id']}/join", second, expect=202)
    expect(page.get_by_role("button", name=f"Approve {second.username}")).to_be_visible(
        timeout=LIVE_TIMEOUT
    )
    [waiting] = api.call("GET", requests, admin, expect=200).json()
    api.call("POST", f"{requests}/{waiting['id']}/approve", admin, expect=204)
    expect(rows).to_have_count(3, timeout=LIVE_TIMEOUT)
    expect(count).to_contain_text(" 3 members ")
    assert page.errors == []


def test_removing_a_member_asks_first(browsers, api):
    admin, member = api.signup("admin"), api.signup("member")
    community = api.community(admin, "private", members=[member])
    page = browsers.page(admin, f"/c/{community['slug']}/")
    members = page.locator("#members")
    remove = members.get_by_role("button", name=f"Remove {member.username}")
    question = members.get_by_role("group", name=f"Confirm removing {member.username}")

    remove.click()
    expect(question).to_contain_text(f"Remove {member.username} from the community?")
    expect(question.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(question).to_have_count(0)
    expect(remove).to_be_focused()

    remove.click()
    question.get_by_role("button", name="Cancel").click()
    expect(question).to_have_count(0)
    assert member.username in _members(api, admin, community["id"])

    remove.click()
    question.get_by_role("button", name="Remove", exact=True).click()
    expect(members.locator(".member-row", has_text=member.username)).to_have_count(0)
    expect(members.get_by_role("status")).to_have_text(f"{member.username} was removed.")
    assert member.username not in _members(api, admin, community["id"])
    assert page.errors == []
