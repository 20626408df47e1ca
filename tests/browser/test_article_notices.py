"""What the article page tells the reader beside the discussions themselves: toasts that
go once their items have been read, a public page's check for new posts, who is here on
touch screens and keyboards, and a comment that failed offline offered again once online."""

from playwright.sync_api import expect

from .conftest import article_path, open_article, wait_live


def _fillers(api, lab, community, article, count):
    for n in range(count):
        api.discussion(
            lab["admin"], community["id"], article["id"], topic=f"Filler {n}", content="Long\n" * 8
        )


def test_a_toast_goes_once_its_comment_has_been_seen(browsers, api, lab):
    bottom = api.discussion(
        lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="At the bottom"
    )
    _fillers(api, lab, lab["community"], lab["article"], 6)
    page = open_article(
        browsers, lab["member"], lab["path"], viewport={"width": 800, "height": 500}
    )
    wait_live(page)
    comment = api.comment(lab["admin"], bottom["id"], "Read by scrolling")
    toast = page.locator("#toasts .toast")
    expect(toast).to_have_count(1)
    # Scrolling to the comment, not the toast's link, is what reads it.
    page.locator(f"#comment-{comment['id']}").scroll_into_view_if_needed()
    expect(toast).to_have_count(0)
    assert page.errors == []


def test_a_public_page_checks_for_new_posts_in_place(browsers, api, lab):
    public = api.community(lab["admin"], "public", members=[lab["member"]])
    article = api.article(lab["admin"], public["id"])
    oldest = api.discussion(lab["admin"], public["id"], article["id"], topic="Oldest")
    _fillers(api, lab, public, article, 4)
    page = open_article(
        browsers,
        lab["member"],
        article_path(public, article),
        viewport={"width": 800, "height": 500},
    )
    check = page.locator(".new-posts-check")
    expect(check).to_contain_text("This community is public: its page does not update live.")
    page.evaluate("window.scrollTo(0, 120)")
    button = check.get_by_role("button", name="Check for new posts")
    expect(button).to_be_in_viewport()
    scrolled = page.evaluate("window.scrollY")
    page.evaluate("window.beforeTheCheck = true")  # gone if the page reloaded

    comment = api.comment(lab["admin"], oldest["id"], "Posted meanwhile")
    expect(page.locator(f"#comment-{comment['id']}")).to_have_count(0)
    button.click()
    expect(check.get_by_role("status")).to_have_text("1 new comment.")
    expect(page.locator(f"#comment-{comment['id']}")).to_contain_text("Posted meanwhile")
    assert abs(page.evaluate("window.scrollY") - scrolled) <= 3
    expect(button).to_be_focused()
    assert page.evaluate("window.beforeTheCheck === true"), "the page was reloaded"
    # Nothing new: it says so.
    button.click()
    expect(check.get_by_role("status")).to_have_text("No new posts.")
    assert page.errors == []


def test_who_is_here_opens_by_tap_and_keyboard_and_closes_with_escape(browsers, lab):
    admin, member = lab["admin"], lab["member"]
    open_article(browsers, admin, lab["path"])
    page = open_article(browsers, member, lab["path"], has_touch=True)
    count = page.get_by_role("button", name="2 members here")
    names = page.get_by_role("list", name="Members here")
    expect(count).to_have_attribute("aria-expanded", "false")
    expect(names).to_be_hidden()
    count.tap()
    expect(names).to_be_visible()
    expect(names.get_by_role("listitem")).to_have_text(
        sorted([admin.username, f"{member.username} (you)"])
    )
    expect(count).to_have_attribute("aria-expanded", "true")
    count.tap()
    expect(names).to_be_hidden()

    count.focus()
    page.keyboard.press("Enter")
    expect(names).to_be_visible()
    page.keyboard.press("Escape")
    expect(names).to_be_hidden()
    expect(count).to_be_focused()
    assert page.errors == []


def test_a_comment_that_failed_offline_is_offered_to_send_once_back_online(browsers, api, lab):
    discussion = api.discussion(
        lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="On a train"
    )
    page = open_article(browsers, lab["member"], lab["path"])
    thread = page.locator(f"#discussion-{discussion['id']}")
    thread.get_by_role("button", name="Comment on “On a train”").click()
    thread.get_by_label("Add a comment").fill("Written between tunnels")
    page.context.set_offline(True)
    thread.get_by_role("button", name="Comment", exact=True).click()
    error = thread.locator(".form-error")
    expect(error).to_contain_text("you seem to be offline")
    send_now = thread.get_by_role("button", name="Send now")
    expect(send_now).to_have_count(0)

    page.context.set_offline(False)
    expect(send_now).to_be_visible()
    expect(thread.get_by_label("Add a comment")).to_have_value("Written between tunnels")
    send_now.click()
    expect(thread.locator(".comment-content", has_text="Written between tunnels")).to_have_count(1)
    expect(error).to_have_count(0)
    expect(send_now).to_have_count(0)
    assert [c["content"] for c in api.comments(lab["member"], discussion["id"])] == [
        "Written between tunnels"
    ]
