"""How the article page behaves for a reader: long threads folded with the composer
within reach, the deepest replies, deleted comments, the topic's counter, keyboard use,
toasts that go once read, and the public page's check for new posts."""

from playwright.sync_api import expect

from .conftest import open_article, wait_live, wait_until


def _discussion(page, topic):
    return page.locator(".discussion").filter(
        has=page.get_by_role("heading", name=topic, exact=True)
    )


def _thread(api, lab, topic, count):
    """A discussion with `count` top-level comments by the admin; their ids, oldest first."""
    discussion = api.discussion(
        lab["admin"], lab["community"]["id"], lab["article"]["id"], topic=topic
    )
    ids = [
        api.comment(lab["admin"], discussion["id"], f"Comment {n}")["id"]
        for n in range(1, count + 1)
    ]
    return discussion, ids


def test_a_long_thread_shows_its_first_and_newest_comments_and_opens_in_place(browsers, api, lab):
    _, ids = _thread(api, lab, "Long", 29)
    page = open_article(browsers, lab["member"], lab["path"])
    thread = _discussion(page, "Long")
    top_level = thread.locator(".comment-list > li.comment")
    expect(top_level).to_have_count(4)
    shown = [int(x) for x in top_level.evaluate_all("els => els.map(el => el.dataset.id)")]
    assert shown == ids[:3] + ids[-1:]

    # The composer's button comes before the thread, not after 29 comments.
    opener = thread.get_by_role("button", name="Comment on “Long”")
    first = thread.locator(f"#comment-{ids[0]}")
    assert opener.bounding_box()["y"] < first.bounding_box()["y"]

    more = thread.get_by_role("button", name="Show 25 more comments")
    more.focus()
    page.keyboard.press("Enter")
    expect(top_level).to_have_count(29)
    expect(more).to_have_count(0)
    # Focus goes to the first comment the button showed, where the button was.
    wait_until(page, f"document.activeElement.id === 'comment-{ids[3]}'")
    assert page.errors == []


def test_replies_fold_and_a_live_comment_shows_in_a_folded_thread(browsers, api, lab):
    discussion, ids = _thread(api, lab, "Busy", 8)
    replies = [
        api.comment(lab["admin"], discussion["id"], f"Reply {n}", parent_id=ids[0])["id"]
        for n in range(1, 7)
    ]
    page = open_article(browsers, lab["member"], lab["path"])
    wait_live(page)
    thread = _discussion(page, "Busy")
    under_first = thread.locator(f"#comment-{ids[0]} > .replies > li.comment")
    expect(under_first).to_have_count(4)
    expect(thread.get_by_role("button", name="Show 2 more replies")).to_be_visible()
    expect(thread.get_by_role("button", name="Show 4 more comments")).to_be_visible()

    fresh = api.comment(lab["admin"], discussion["id"], "Arrived live")["id"]
    expect(thread.locator(f"#comment-{fresh}")).to_be_visible()
    # The comment that was newest stays where the reader saw it.
    expect(thread.locator(f"#comment-{ids[-1]}")).to_be_visible()

    thread.get_by_role("button", name="Show 2 more replies").click()
    expect(under_first).to_have_count(6)
    wait_until(page, f"document.activeElement.id === 'comment-{replies[3]}'")
    assert page.errors == []


def test_a_link_to_a_folded_comment_shows_it(browsers, api, lab):
    _, ids = _thread(api, lab, "Linked", 12)
    page = open_article(browsers, lab["member"], f"{lab['path']}#comment-{ids[5]}")
    target = page.locator(f"#comment-{ids[5]}")
    expect(target).to_be_visible()
    expect(target).to_be_focused()
    assert page.errors == []


def test_the_deepest_reply_says_why_it_takes_no_reply(browsers, api, lab):
    discussion, (top,) = _thread(api, lab, "Deep", 1)
    middle = api.comment(lab["admin"], discussion["id"], "Middle", parent_id=top)["id"]
    deepest = api.comment(lab["admin"], discussion["id"], "Deepest", parent_id=middle)["id"]
    page = open_article(browsers, lab["member"], lab["path"])
    body = page.locator(f"#comment-{deepest} > .comment-body")
    expect(body.get_by_role("button", name="Reply to")).to_have_count(0)
    expect(body.locator(".deepest-note")).to_have_text(
        "Replies go three levels deep: to answer this, reply to the comment it answers."
    )
    expect(page.locator(f"#comment-{middle} > .comment-body .deepest-note")).to_have_count(0)
    assert page.errors == []


def test_a_deleted_comment_shows_as_deleted_never_edited_or_by_deleted(browsers, api, lab):
    discussion, (kept, live) = _thread(api, lab, "Gone", 2)
    for parent in (kept, live):
        api.call(
            "PATCH", f"/api/comments/{parent}", lab["admin"], json={"content": "Edited"}, expect=200
        )
        api.comment(lab["member"], discussion["id"], "A reply", parent_id=parent)
    api.call("DELETE", f"/api/comments/{kept}", lab["admin"], expect=204)
    page = open_article(browsers, lab["member"], lab["path"])
    wait_live(page)
    api.call("DELETE", f"/api/comments/{live}", lab["admin"], expect=204)
    for comment_id in (kept, live):
        item = page.locator(f"#comment-{comment_id}")
        meta = item.locator(":scope > .comment-body > .meta")
        expect(meta).to_contain_text("Deleted · posted")
        expect(meta).not_to_contain_text("edited")
        expect(meta).not_to_contain_text("[deleted]")
        expect(item).to_have_attribute("aria-label", "Deleted comment")
    assert page.errors == []


def test_the_topic_counts_its_characters_and_a_long_paste_is_kept_and_refused(browsers, lab):
    page = open_article(browsers, lab["admin"], lab["path"])
    topic = page.locator("#new-topic")
    counter = page.locator("#new-topic-counter")
    expect(topic).to_have_attribute("aria-describedby", "new-topic-counter")
    topic.fill("Twelve chars")
    expect(counter).to_have_text("12 / 300")
    expect(counter).to_have_attribute("aria-live", "off")
    topic.fill("x" * 280)
    expect(counter).to_have_attribute("aria-live", "polite")

    topic.fill("y" * 400)  # as a paste: the whole of it stays
    expect(topic).to_have_value("y" * 400)
    expect(counter).to_have_text("400 / 300 · 100 too many: shorten the topic")
    expect(topic).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Message", exact=True).fill("Some content")
    page.get_by_role("button", name="Start discussion").click()
    expect(page.locator(".new-discussion .form-error")).to_have_text(
        "The topic is too long: at most 300 characters (it has 400)."
    )
    expect(topic).to_be_focused()
    expect(page.locator(".discussion")).to_have_count(0)
    # Posted, the emptied field counts nothing again.
    topic.fill("A topic that fits")
    page.get_by_role("button", name="Start discussion").click()
    expect(page.locator(".discussion")).to_have_count(1)
    expect(topic).to_have_value("")
    expect(counter).to_have_text("0 / 300")
    expect(topic).to_have_attribute("aria-invalid", "false")
    assert page.errors == []


def test_ctrl_enter_posts_a_discussion_and_a_comment(browsers, lab):
    page = open_article(browsers, lab["admin"], lab["path"])
    page.get_by_label("Topic").fill("By keyboard")
    message = page.get_by_label("Message", exact=True)
    message.fill("Sent with Ctrl+Enter")
    message.press("Control+Enter")
    discussion = _discussion(page, "By keyboard")
    expect(discussion).to_be_visible()

    discussion.get_by_role("button", name="Comment on “By keyboard”").click()
    box = discussion.get_by_label("Add a comment")
    box.fill("A comment by keyboard")
    box.press("Control+Enter")
    expect(discussion.locator(".comment-content")).to_have_text("A comment by keyboard")
    assert page.errors == []


def test_resolve_and_reopen_by_keyboard_keep_focus_on_the_button(browsers, api, lab):
    api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="Toggle")
    page = open_article(browsers, lab["admin"], lab["path"])
    discussion = _discussion(page, "Toggle")
    resolve = discussion.get_by_role("button", name="Resolve discussion “Toggle”")
    resolve.focus()
    page.keyboard.press("Enter")
    reopen = discussion.get_by_role("button", name="Reopen discussion “Toggle”")
    expect(reopen).to_be_focused()
    page.keyboard.press("Space")
    expect(resolve).to_be_focused()
    expect(discussion.locator(".badge.resolved")).to_have_count(0)
    assert page.errors == []
