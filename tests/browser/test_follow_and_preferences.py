"""Following an article from its page and a discussion from its card, choosing per kind
how to hear of lines (inbox, desktop, sound) on the settings page, and the list of what
one follows; the relay of the browser stack delivers every line here."""

from playwright.sync_api import expect

from tests.support.stack import wait_until

from .conftest import FAKE_NOTIFICATIONS_AND_VISIBILITY, open_article, severe_violations

PREFERENCES = "/api/me/notification-preferences"


def lines(api, person, kind: str) -> list[dict]:
    items = api.call("GET", "/api/notifications", person, expect=200).json()["items"]
    return [line for line in items if line["kind"] == kind]


def test_the_follow_button_toggles_and_persists(browsers, api, lab, axe_source):
    member = lab["member"]
    page = open_article(browsers, member, lab["path"])
    follow = page.get_by_role("button", name="this article")
    expect(follow).to_have_attribute("aria-pressed", "false")
    expect(follow).to_have_text("Follow this article")
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "true")
    expect(follow).to_contain_text("Following")
    assert severe_violations(page, axe_source) == []
    page.reload()
    page.wait_for_selector("#article-page[data-ready='true']")
    expect(page.get_by_role("button", name="this article")).to_have_attribute(
        "aria-pressed", "true"
    )
    path = f"/api/communities/{lab['community']['id']}/articles/{lab['article']['id']}/follow"
    assert api.call("GET", path, member, expect=200).json() == {"following": True}
    assert page.errors == []


def test_muting_a_discussion_on_its_card_stops_its_lines(browsers, api, lab):
    member, admin = lab["member"], lab["admin"]
    discussion = api.discussion(
        member, lab["community"]["id"], lab["article"]["id"], topic="Closure"
    )
    witness = api.signup("witness")
    api.add_member(admin, lab["community"]["id"], witness)
    api.call("PUT", f"/api/discussions/{discussion['id']}/follow", witness, expect=200)
    page = open_article(browsers, member, lab["path"])
    page.get_by_role("button", name="Notifications of discussion “Closure”").click()
    toggle = page.locator(f"#discussion-{discussion['id']} .follow-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "true")  # its author follows it
    expect(toggle).to_be_focused()
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")

    api.comment(admin, discussion["id"], "Nobody muted hears of this")
    wait_until(lambda: lines(api, witness, "comments"), message="the witness's line")
    assert lines(api, member, "comments") == [] and lines(api, member, "reply") == []
    assert page.errors == []


def test_the_settings_grid_saves_and_turns_a_kind_out_of_the_inbox(browsers, api, lab, axe_source):
    member, admin = lab["member"], lab["admin"]
    discussion = api.discussion(member, lab["community"]["id"], lab["article"]["id"])
    page = browsers.page(member, "/settings/")
    replies = page.get_by_label("Replies to you: In the inbox")
    expect(replies).to_be_enabled()
    expect(replies).to_be_checked()
    with page.expect_response(
        lambda r: r.url.endswith(PREFERENCES) and r.request.method == "PUT"
    ) as saved:
        replies.uncheck()
    assert saved.value.json()["kinds"]["replies"]["inbox"] is False
    # "Saved." already shows from the first change: the second one's own answer is awaited.
    with page.expect_response(
        lambda r: r.url.endswith(PREFERENCES) and r.request.method == "PUT"
    ) as saved:
        page.get_by_label("Mentions of you: Sound").check()
    assert saved.value.json()["kinds"]["mentions"]["sound"] is True
    expect(page.locator("#kind-choices-status")).to_have_text("Saved.")
    page.reload()
    expect(page.get_by_label("Replies to you: In the inbox")).to_be_enabled()
    expect(page.get_by_label("Replies to you: In the inbox")).not_to_be_checked()
    expect(page.get_by_label("Mentions of you: Sound")).to_be_checked()
    expect(page.get_by_label("Mentions of you: In the inbox")).to_be_checked()
    expect(page.locator("#following-lists")).not_to_have_attribute("aria-busy", "true")
    assert severe_violations(page, axe_source) == []

    api.comment(admin, discussion["id"], "A reply kept out of the inbox")
    api.comment(admin, discussion["id"], f"But @{member.username} hears this")
    # Delivered in order: once the mention is in, the reply was left out.
    wait_until(lambda: lines(api, member, "mention"), message="the mention's line")
    assert lines(api, member, "reply") == []
    assert page.errors == []


def test_a_chosen_kind_shows_a_desktop_notification_while_hidden(browsers, api, lab):
    member, admin = lab["member"], lab["admin"]
    discussion = api.discussion(
        admin, lab["community"]["id"], lab["article"]["id"], topic="Spectra"
    )
    api.call(
        "PUT", PREFERENCES, member, json={"kinds": {"mentions": {"desktop": True}}}, expect=200
    )
    context = browsers.context(member)
    context.add_init_script(FAKE_NOTIFICATIONS_AND_VISIBILITY)
    page = context.new_page()
    with page.expect_response(lambda r: r.url.endswith(PREFERENCES)):
        page.goto("/")
    page.wait_for_selector("#inbox[data-state='connected']", timeout=15_000)
    page.evaluate("window.__hide(true)")
    api.comment(admin, discussion["id"], "A comment nobody chose to be called for")
    api.comment(admin, discussion["id"], f"@{member.username}, look")
    wait_until(lambda: page.evaluate("window.__notes.length > 0"), message="a notification")
    assert page.evaluate("window.__notes") == [
        ["Marginalia", f"{admin.username} mentioned you in “Spectra”"]
    ]
    assert page.errors == []


def test_the_following_section_lists_and_unfollows(browsers, api, lab):
    member = lab["member"]
    path = f"/api/communities/{lab['community']['id']}/articles/{lab['article']['id']}/follow"
    api.call("PUT", path, member, expect=200)
    page = browsers.page(member, "/settings/")
    section = page.locator("#following")
    link = section.get_by_role("link", name=lab["article"]["title"])
    expect(link).to_have_attribute("href", lab["path"])
    section.get_by_role("button", name=f"Unfollow {lab['article']['title']}").click()
    expect(section.get_by_role("button", name=f"Unmute {lab['article']['title']}")).to_be_visible()
    assert api.call("GET", path, member, expect=200).json() == {"following": False}
    assert page.errors == []
