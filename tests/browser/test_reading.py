"""Reading an article's discussions, with two members in Chromium: the "N new"
pill, merged toasts clear of the comment boxes, what is new since the last
visit or arrived live and how its mark clears once seen, "edited" marks arriving live, times that age, long posts folded,
comment boxes opened on demand, and the list's filter and order."""

import re

from playwright.sync_api import expect

from .conftest import FAKE_NOTIFICATIONS_AND_VISIBILITY, open_article, wait_live

LONG_TEXT = "A long argument about the statistics of figure three. " * 30


def _discussion(page, topic):
    return page.locator(".discussion").filter(
        has=page.get_by_role("heading", name=topic, exact=True)
    )


def _start(api, lab, author, topic, **fields):
    return api.discussion(
        author, lab["community"]["id"], lab["article"]["id"], topic=topic, **fields
    )


def _third_member(api, lab):
    carol = api.signup("carol")
    api.add_member(lab["admin"], lab["community"]["id"], carol)
    return carol


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_pill_counts_new_items_out_of_view_and_jumps_to_the_first(browsers, api, lab):
    admin, member = lab["admin"], lab["member"]
    oldest = _start(api, lab, admin, "Oldest, at the bottom", content=LONG_TEXT)
    for n in range(6):
        _start(api, lab, admin, f"Filler {n}", content=LONG_TEXT)
    page = open_article(browsers, member, lab["path"])
    wait_live(page)
    pill = page.locator(".new-pill")
    expect(pill).to_be_hidden()

    first = api.comment(admin, oldest["id"], "First unseen")
    api.comment(admin, oldest["id"], "Second unseen")

    expect(pill).to_have_text("2 new")
    expect(page.locator(".new-pill-dock [aria-live='polite']")).to_have_text("2 new items")
    first_el = page.locator(f"#comment-{first['id']}")
    expect(first_el).not_to_be_in_viewport()
    pill.click()
    expect(first_el).to_be_focused()
    expect(first_el).to_be_in_viewport()
    # Both comments are now on screen: the pill goes away.
    expect(pill).to_be_hidden()
    assert page.errors == []


def test_a_burst_of_comments_is_one_toast_naming_the_authors_clear_of_the_comment_box(
    browsers, api, lab
):
    admin, member = lab["admin"], lab["member"]
    carol = _third_member(api, lab)
    oldest = _start(api, lab, admin, "Far below", content=LONG_TEXT)
    for n in range(5):
        _start(api, lab, admin, f"Filler {n}", content=LONG_TEXT)
    page = open_article(browsers, member, lab["path"])
    wait_live(page)
    # The reader is writing a comment whose box sits at the bottom of the window.
    writing = _discussion(page, "Filler 3")
    writing.get_by_role("button", name="Comment on “Filler 3”").click()
    box = writing.get_by_label("Add a comment")
    box.fill("Half-written thought")
    box.evaluate("el => el.scrollIntoView({block: 'end'})")

    api.comment(admin, oldest["id"], "One")
    api.comment(carol, oldest["id"], "Two")
    api.comment(admin, oldest["id"], "Three")

    toasts = page.locator("#toasts .toast")
    expect(toasts).to_have_count(1)
    text = toasts.locator(".toast-text")
    expect(text).to_contain_text("3 new comments from")
    expect(text).to_contain_text(admin.username)
    expect(text).to_contain_text(carol.username)
    expect(page.locator("#toasts")).to_have_attribute("aria-live", "polite")
    toast_box = toasts.bounding_box()
    for field in (box, writing.get_by_role("button", name="Comment", exact=True)):
        assert not _overlap(toast_box, field.bounding_box()), "the toast covers the comment box"
    expect(box).to_have_value("Half-written thought")
    assert page.errors == []


def _hidden_tab(browsers, account, path):
    """The article open in a tab that is in the background from the start."""
    context = browsers.context(account)
    context.add_init_script(FAKE_NOTIFICATIONS_AND_VISIBILITY)
    context.add_init_script("window.__hide(true)")
    page = context.new_page()
    page.goto(path)
    page.wait_for_selector("#article-page[data-ready='true']")
    return page


def test_new_marks_clear_once_seen_and_the_pill_counts_down(browsers, api, lab):
    bob, alice = lab["admin"], lab["member"]
    bottom = _start(api, lab, bob, "At the bottom", content=LONG_TEXT)
    middle = None
    for n in range(8):
        started = _start(api, lab, bob, f"Filler {n}", content=LONG_TEXT)
        if n == 3:
            middle = started
    page = open_article(browsers, alice, lab["path"], viewport={"width": 1100, "height": 600})
    wait_live(page)
    pill = page.locator(".new-pill")
    expect(pill).to_be_hidden()
    expect(page.locator(".badge.new")).to_have_count(0)  # a first visit: nothing new yet

    far = api.comment(bob, bottom["id"], "At the very end")
    near = api.comment(bob, middle["id"], "Halfway down")
    far_el, near_el = page.locator(f"#comment-{far['id']}"), page.locator(f"#comment-{near['id']}")
    # Arriving live marks them new, though alice had never been here before.
    expect(far_el.locator(".badge.new")).to_have_text("New")
    expect(near_el.locator(".badge.new")).to_have_text("New")
    expect(pill).to_have_text("2 new")

    near_el.evaluate("el => el.scrollIntoView({block: 'center'})")
    expect(far_el).not_to_be_in_viewport()
    expect(near_el.locator(".badge.new")).to_have_count(0)
    expect(near_el).not_to_have_class(re.compile(r"\bis-new\b"))
    expect(pill).to_have_text("1 new")
    expect(pill).to_have_attribute("aria-label", "1 new item below or above: show the first")
    expect(page.locator(".new-pill-dock [aria-live='polite']")).to_have_text("1 new item")
    expect(far_el.locator(".badge.new")).to_have_text("New")

    # Jumping to it with the pill counts as seeing it.
    pill.click()
    expect(far_el).to_be_focused()
    expect(far_el.locator(".badge.new")).to_have_count(0)
    expect(pill).to_be_hidden()
    expect(page.locator(".new-pill-dock [aria-live='polite']")).to_have_text("")
    # An update re-renders the comment: what was seen stays unmarked.
    api.call(
        "PATCH",
        f"/api/comments/{far['id']}",
        bob,
        json={"content": "At the very end, edited"},
        expect=200,
    )
    expect(far_el.locator(".comment-content")).to_have_text("At the very end, edited")
    expect(page.locator(".badge.new")).to_have_count(0)
    assert page.errors == []


def test_items_written_since_the_last_visit_are_marked_new(browsers, api, lab):
    admin, member = lab["admin"], lab["member"]
    seen = _start(api, lab, admin, "Seen before")
    first_visit = open_article(browsers, member, lab["path"])
    expect(_discussion(first_visit, "Seen before")).to_be_visible()
    expect(first_visit.locator(".badge.new")).to_have_count(0)  # nothing is new on a first visit
    first_visit.context.close()

    _start(api, lab, admin, "Written while away")
    api.comment(admin, seen["id"], "A comment while away")
    # A tab in the background: the marks stay until the reader actually looks.
    second_visit = _hidden_tab(browsers, member, lab["path"])

    expect(
        _discussion(second_visit, "Written while away").locator(".discussion-header .badge.new")
    ).to_have_text("New")
    old = _discussion(second_visit, "Seen before")
    expect(old.locator(".discussion-header .badge.new")).to_have_count(0)
    expect(old.locator(".comment.is-new .badge.new")).to_have_count(1)
    # Back in front: what is on screen is seen; the comment further down waits, counted by the pill.
    # (The new discussion is scrolled to first: the page's header and forms above the list
    # fill most of the window.)
    _discussion(second_visit, "Written while away").scroll_into_view_if_needed()
    second_visit.evaluate("window.__hide(false)")
    expect(_discussion(second_visit, "Written while away").locator(".badge.new")).to_have_count(0)
    expect(old.locator(".comment.is-new .badge.new")).to_have_count(1)
    pill = second_visit.locator(".new-pill")
    expect(pill).to_have_text("1 new")
    pill.click()
    expect(second_visit.locator(".badge.new")).to_have_count(0)
    expect(second_visit.locator(".is-new")).to_have_count(0)
    expect(pill).to_be_hidden()
    second_visit.context.close()

    third_visit = open_article(browsers, member, lab["path"])
    expect(_discussion(third_visit, "Written while away")).to_be_visible()
    expect(third_visit.locator(".badge.new")).to_have_count(0)


def test_edits_show_edited_with_their_time_live_and_resolving_does_not(browsers, api, lab):
    admin, member = lab["admin"], lab["member"]
    edited = _start(api, lab, admin, "To be edited")
    resolved = _start(api, lab, admin, "To be resolved")
    comment = api.comment(admin, edited["id"], "Before")
    page = open_article(browsers, member, lab["path"])
    wait_live(page)
    expect(page.locator(".edited")).to_have_count(0)

    api.call(
        "PATCH", f"/api/discussions/{edited['id']}", admin, json={"content": "After"}, expect=200
    )
    api.call(
        "PATCH", f"/api/comments/{comment['id']}", admin, json={"content": "After too"}, expect=200
    )
    api.call("POST", f"/api/discussions/{resolved['id']}/resolve", admin, expect=200)

    on_edited = _discussion(page, "To be edited")
    expect(on_edited.locator(".discussion-header .edited")).to_contain_text("edited just now")
    expect(on_edited.locator(".discussion-header .edited time")).to_have_attribute(
        "title", re.compile(r"\d")
    )
    expect(page.locator(f"#comment-{comment['id']} .edited")).to_contain_text("edited")
    on_resolved = _discussion(page, "To be resolved")
    expect(on_resolved.locator(".discussion-status")).to_have_text("Resolved")
    expect(on_resolved.locator(".edited")).to_have_count(0)
    assert page.errors == []


def test_relative_times_age_with_the_absolute_time_on_hover(browsers, api, lab):
    admin, member = lab["admin"], lab["member"]
    context = browsers.context(member)
    page = context.new_page()
    page.clock.install()
    _start(api, lab, admin, "Aging")
    page.goto(lab["path"])
    page.wait_for_selector("#article-page[data-ready='true']")
    posted = _discussion(page, "Aging").locator(".discussion-header time").first
    expect(posted).to_have_text("just now")
    expect(posted).to_have_attribute("title", re.compile(r"\d"))

    page.clock.fast_forward("02:10")
    expect(posted).to_have_text("2 minutes ago")
    page.clock.fast_forward("01:00:00")
    expect(posted).to_have_text("1 hour ago")


def test_long_posts_fold_and_unfold_by_mouse_and_keyboard(browsers, api, lab):
    admin, member = lab["admin"], lab["member"]
    long = _start(api, lab, admin, "Long one", content=LONG_TEXT)
    api.comment(admin, long["id"], LONG_TEXT)
    _start(api, lab, admin, "Short one", content="Brief.")
    page = open_article(browsers, member, lab["path"])

    on_long = _discussion(page, "Long one")
    content = on_long.locator(".discussion-content")
    toggle = on_long.get_by_role("button", name="Show more of discussion “Long one”")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    folded_height = content.bounding_box()["height"]
    toggle.click()
    expect(
        on_long.get_by_role("button", name="Show less of discussion “Long one”")
    ).to_have_attribute("aria-expanded", "true")
    assert content.bounding_box()["height"] > folded_height * 1.5
    page.keyboard.press("Enter")  # the button keeps focus: the keyboard folds it again
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert content.bounding_box()["height"] == folded_height

    comment_toggle = on_long.locator(".comment .fold-toggle")
    expect(comment_toggle).to_have_accessible_name(f"Show more of comment by {admin.username}")
    comment_toggle.focus()
    page.keyboard.press("Enter")
    expect(comment_toggle).to_have_attribute("aria-expanded", "true")
    expect(_discussion(page, "Short one").locator(".fold-toggle")).to_be_hidden()
    assert page.errors == []


def test_the_comment_box_opens_on_demand(browsers, api, lab):
    admin, member = lab["admin"], lab["member"]
    for topic in ("First", "Second", "Third"):
        _start(api, lab, admin, topic)
    writer = open_article(browsers, member, lab["path"])
    reader = open_article(browsers, admin, lab["path"])
    wait_live(reader)
    expect(writer.get_by_label("Add a comment")).to_have_count(
        0
    )  # three discussions, no editor open

    on_second = _discussion(writer, "Second")
    opener = on_second.get_by_role("button", name="Comment on “Second”")
    expect(opener).to_have_attribute("aria-expanded", "false")
    opener.focus()
    writer.keyboard.press("Enter")
    box = on_second.get_by_label("Add a comment")
    expect(box).to_be_focused()
    expect(opener).to_have_attribute("aria-expanded", "true")
    writer.keyboard.press("Escape")
    expect(box).to_have_count(0)
    expect(opener).to_be_focused()

    opener.click()
    on_second.get_by_label("Add a comment").fill("Opened when wanted")
    on_second.get_by_role("button", name="Comment", exact=True).click()
    expect(_discussion(reader, "Second").locator(".comment-content")).to_have_text(
        "Opened when wanted"
    )
    expect(on_second.get_by_label("Add a comment")).to_have_count(0)  # sent: the box closes
    expect(writer.get_by_label("Add a comment")).to_have_count(0)
    assert writer.errors == [] and reader.errors == []


def test_filter_open_or_resolved_and_sort(browsers, api, lab):
    admin, member = lab["admin"], lab["member"]
    settled = _start(api, lab, admin, "Settled")
    api.call("POST", f"/api/discussions/{settled['id']}/resolve", admin, expect=200)
    busy = _start(api, lab, admin, "Busy")
    for text in ("One", "Two"):
        api.comment(admin, busy["id"], text)
    quiet = _start(api, lab, admin, "Quiet")
    page = open_article(browsers, member, lab["path"])
    wait_live(page)
    topics = page.locator(".discussion-topic")
    expect(topics).to_have_text(["Quiet", "Busy", "Settled"])  # newest first

    page.get_by_label("Show", exact=True).select_option("open")
    expect(topics).to_have_text(["Quiet", "Busy"])
    # Resolved by the other member while the reader shows open ones: it leaves the list.
    api.call("POST", f"/api/discussions/{quiet['id']}/resolve", admin, expect=200)
    expect(topics).to_have_text(["Busy"])
    page.get_by_label("Show", exact=True).select_option("resolved")
    expect(topics).to_have_text(["Quiet", "Settled"])

    page.get_by_label("Show", exact=True).select_option("all")
    page.get_by_label("Sort by", exact=True).select_option("oldest")
    expect(topics).to_have_text(["Settled", "Busy", "Quiet"])
    page.get_by_label("Sort by", exact=True).select_option("comments")
    expect(topics).to_have_text(["Busy", "Quiet", "Settled"])
    assert page.errors == []
