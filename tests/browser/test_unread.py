"""Unread where people look: one member writes, another finds it counted on the
communities list and on the community's article cards, and summed up under
"While you were away" when they come back to the community's page; opening the
article reads it. axe-core finds no serious violation on either page."""

from playwright.sync_api import expect

from .conftest import severe_violations


def test_what_another_member_wrote_is_counted_and_summed_up(browsers, api, axe_source):
    writer, reader = api.signup("writer"), api.signup("reader")
    community = api.community(writer, "private", members=[reader])
    article = api.article(writer, community["id"])
    community_path = f"/c/{community['slug']}/"
    page = browsers.page(reader, community_path)
    # The page shows its articles once this visit is recorded: a first visit sums up nothing.
    expect(page.locator("#articles").get_by_role("link", name=article["title"])).to_be_visible()
    expect(page.locator("#away")).to_have_count(0)

    discussion = api.discussion(writer, community["id"], article["id"])
    for _ in range(2):
        api.comment(writer, discussion["id"])

    page.goto("/")
    listed = page.locator("#mine-list li", has_text=community["name"])
    expect(listed).to_contain_text("3 unread")
    assert severe_violations(page, axe_source) == []

    page.goto(community_path)
    away = page.get_by_role("region", name="While you were away")
    expect(away.get_by_role("listitem")).to_have_text(
        f"{article['title']}: 1 new discussion, 2 new comments"
    )
    card = page.locator("#articles li", has_text=article["title"])
    expect(card.locator(".article-activity")).to_have_text(
        "1 discussion · 2 comments · active just now · 3 unread"
    )
    assert severe_violations(page, axe_source) == []

    away.get_by_role("button", name="Dismiss what changed while you were away").click()
    expect(away).to_have_count(0)
    expect(page.locator("#articles-title")).to_be_focused()

    card.get_by_role("link", name=article["title"]).click()
    page.wait_for_selector("#article-page[data-ready='true']")
    page.go_back()
    expect(card.locator(".article-activity")).to_have_text(
        "1 discussion · 2 comments · active just now"
    )
    page.goto("/")
    expect(page.locator("#mine-list li", has_text=community["name"])).to_be_visible()
    expect(page.locator("#mine-list li", has_text=community["name"])).not_to_contain_text("unread")
    assert page.errors == []


def test_ones_own_writing_is_neither_unread_nor_news(browsers, api):
    writer = api.signup("writer")
    community = api.community(writer, "public")
    article = api.article(writer, community["id"])
    community_path = f"/c/{community['slug']}/"
    page = browsers.page(writer, community_path)
    expect(page.locator("#articles").get_by_role("link", name=article["title"])).to_be_visible()

    api.discussion(writer, community["id"], article["id"])
    page.goto(community_path)

    card = page.locator("#articles li", has_text=article["title"])
    expect(card.locator(".article-activity")).to_have_text(
        "1 discussion · 0 comments · active just now"
    )
    expect(page.locator("#away")).to_have_count(0)
    assert page.errors == []


# What the browser does when it shows a page again from its back-forward cache: Playwright's
# Chromium never keeps these pages, so the event is sent as the browser would send it.
SHOWN_AGAIN = "window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"


def test_a_page_shown_again_counts_afresh(browsers, api):
    writer, reader = api.signup("writer"), api.signup("reader")
    community = api.community(writer, "private", members=[reader])
    article = api.article(writer, community["id"])
    api.discussion(writer, community["id"], article["id"])
    home = browsers.page(reader, "/")
    listed = home.locator("#mine-list li", has_text=community["name"])
    expect(listed).to_contain_text("1 unread")
    page = browsers.page(reader, f"/c/{community['slug']}/")
    activity = page.locator("#articles li", has_text=article["title"]).locator(".article-activity")
    expect(activity).to_contain_text("1 unread")

    api.call("PUT", f"/api/articles/{article['id']}/visit", reader, expect=200)
    page.evaluate(SHOWN_AGAIN)
    with home.expect_navigation():  # the list shows again from the start
        home.evaluate(SHOWN_AGAIN)

    expect(activity).to_have_text("1 discussion · 0 comments · active just now")
    expect(listed).to_be_visible()
    expect(listed).not_to_contain_text("unread")
    assert home.errors == [] and page.errors == []
