"""Presence, typing indicators and notification preferences between two
members in Chromium, against the real stack."""

from playwright.sync_api import expect

from .conftest import FAKE_NOTIFICATIONS_AND_VISIBILITY, open_article, wait_live, wait_until


def _discussion(page, topic):
    return page.locator(".discussion").filter(
        has=page.get_by_role("heading", name=topic, exact=True)
    )


def test_members_see_who_is_here_live_and_who_left(browsers, lab):
    admin, member = lab["admin"], lab["member"]
    a = open_article(browsers, admin, lab["path"])
    expect(a.locator("#presence")).to_have_text("1 member here")
    b = open_article(browsers, member, lab["path"])
    for page in (a, b):
        expect(page.locator("#presence")).to_have_text("2 members here")
    # Names on hover, this reader marked.
    expect(a.locator("#presence")).to_have_attribute(
        "title", ", ".join(sorted([f"{admin.username} (you)", member.username]))
    )
    expect(b.locator("#presence")).to_have_attribute(
        "title", ", ".join(sorted([admin.username, f"{member.username} (you)"]))
    )

    # A second tab of the same member does not count twice.
    second_tab = b.context.new_page()
    second_tab.goto(lab["path"])
    second_tab.wait_for_selector("#article-page[data-ready='true']")
    expect(second_tab.locator("#presence")).to_have_text("2 members here")
    second_tab.close()
    b.close()  # the goodbye leaves with the page
    expect(a.locator("#presence")).to_have_text("1 member here", timeout=5_000)
    assert a.errors == []


def test_typing_shows_under_the_discussion_for_others_only_and_expires(browsers, api, lab):
    admin, member = lab["admin"], lab["member"]
    api.discussion(admin, lab["community"]["id"], lab["article"]["id"], topic="Methods")
    a = open_article(browsers, admin, lab["path"])
    b = open_article(browsers, member, lab["path"])
    wait_live(a)
    wait_live(b)
    expect(b.locator("#presence")).to_have_text("2 members here")

    on_a, on_b = _discussion(a, "Methods"), _discussion(b, "Methods")
    on_a.get_by_role("button", name="Comment on “Methods”").click()
    on_a.get_by_label("Add a comment").press_sequentially("I am not sure")
    typing_on_b = on_b.locator(".typing-line")
    expect(typing_on_b).to_have_text(f"{admin.username} is typing…")
    expect(typing_on_b).to_have_attribute("aria-live", "polite")
    expect(on_a.locator(".typing-line")).to_be_hidden()  # never shown to the typist
    # It goes away on its own once the keystrokes stop (about 8 s).
    expect(typing_on_b).to_be_hidden(timeout=12_000)

    # A reply under the pseudonym is announced by the pseudonym alone.
    on_b.get_by_role("button", name="Comment on “Methods”").click()
    on_b.get_by_label("Post under my pseudonym").check()
    on_b.get_by_label("Add a comment").press_sequentially("Anonymously")
    typing_on_a = on_a.locator(".typing-line")
    expect(typing_on_a).to_contain_text("is typing…")
    assert member.username not in typing_on_a.inner_text()
    # Posting the comment ends the indicator at once.
    on_b.get_by_role("button", name="Comment", exact=True).click()
    expect(on_a.locator(".comment-content").filter(has_text="Anonymously")).to_have_count(1)
    expect(typing_on_a).to_be_hidden(timeout=2_000)
    assert a.errors == [] and b.errors == []


def test_public_communities_have_no_presence_or_typing(browsers, api, lab):
    community = api.community(lab["admin"], "public")
    article = api.article(lab["admin"], community["id"])
    api.discussion(lab["admin"], community["id"], article["id"], topic="In public")
    page = open_article(browsers, lab["admin"], f"/c/{community['slug']}/a/{article['id']}/")
    live_requests = []
    page.on("request", lambda r: "/api/realtime/" in r.url and live_requests.append(r.url))
    expect(page.locator("#presence")).to_have_count(0)
    on_page = _discussion(page, "In public")
    on_page.get_by_role("button", name="Comment on “In public”").click()
    on_page.get_by_label("Add a comment").press_sequentially("Said in public")
    on_page.get_by_role("button", name="Comment", exact=True).click()
    # A typing report would have left before the comment did.
    expect(on_page.locator(".comment-content")).to_have_text("Said in public")
    assert live_requests == []


def test_notification_preferences_follow_the_user_and_own_writes_stay_quiet(browsers, api, lab):
    admin, member = lab["admin"], lab["member"]
    first = browsers.page(member, "/settings/")
    sound = first.get_by_label("Sound for new activity")
    desktop = first.get_by_label("Desktop notifications while an article’s tab is hidden")
    expect(sound).to_be_enabled()
    expect(sound).not_to_be_checked()
    expect(desktop).not_to_be_checked()
    with first.expect_response(
        lambda r: r.url.endswith("/api/me/notification-preferences") and r.request.method == "PUT"
    ) as saved:
        desktop.check()
    assert {name: saved.value.json()[name] for name in ("desktop", "sound")} == {
        "desktop": True,
        "sound": False,
    }

    # Another browser of the same user starts with the saved choice.
    context = browsers.context(member)
    context.add_init_script(FAKE_NOTIFICATIONS_AND_VISIBILITY)
    other_settings = context.new_page()
    other_settings.goto("/settings/")
    expect(
        other_settings.get_by_label("Desktop notifications while an article’s tab is hidden")
    ).to_be_checked()
    expect(other_settings.get_by_label("Sound for new activity")).not_to_be_checked()
    other = context.new_page()
    other.goto(lab["path"])
    other.wait_for_selector("#article-page[data-ready='true']")
    wait_live(other)

    other.evaluate("window.__hide(true)")
    # The member's own write (from the API, as from another device) notifies nobody here...
    api.discussion(
        member,
        lab["community"]["id"],
        lab["article"]["id"],
        topic="Mine",
        queue_id="another-device-queue-id",
    )
    expect(_discussion(other, "Mine")).to_have_count(1)
    # ...someone else's does.
    api.discussion(admin, lab["community"]["id"], lab["article"]["id"], topic="Theirs")
    wait_until(other, "window.__notes.length > 0")
    assert other.evaluate("window.__notes") == [
        ["Marginalia", f"{admin.username} started “Theirs”"]
    ]
    assert first.errors == [] and other.errors == []


def test_a_rate_limited_presence_report_is_retried_when_the_server_says(browsers, lab):
    context = browsers.context(lab["admin"])
    reports = []

    def limit_the_first(route):
        reports.append(route.request.post_data_json["visible"])
        if len(reports) == 1:
            route.fulfill(
                status=429,
                headers={"Retry-After": "1", "Content-Type": "application/json"},
                body='{"message": "Too many presence reports; try again later"}',
            )
        else:
            route.continue_()

    context.route("**/api/realtime/presence", limit_the_first)
    page = context.new_page()
    page.goto(lab["path"])
    # Not given up as if refused: reported again after the second the 429 asked for.
    expect(page.locator("#presence")).to_have_text("1 member here", timeout=10_000)
    assert reports[:2] == [True, True]
    assert page.errors == []
