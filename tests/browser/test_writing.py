"""Writing on the article page, in Chromium: Markdown with maths rendered by the
server and shown live to another member, the composer's preview, counter and
limit errors, and drafts that survive a reload and the deletion of the comment
they answer."""

from playwright.sync_api import expect

from .conftest import open_article, wait_live

MARKDOWN = (
    "Read [the preprint](https://example.org/preprint):\n\n"
    "- first point\n- second point\n\n"
    "Run `make check` and note $E = mc^2$."
)


def _discussion(page, topic):
    return page.locator(".discussion").filter(
        has=page.get_by_role("heading", name=topic, exact=True)
    )


def _open_comment_box(discussion, topic):
    """The comment box sits behind a button when the page has one, else it is open."""
    opener = discussion.get_by_role("button", name=f"Comment on “{topic}”")
    if opener.count():
        opener.click()
    return discussion.get_by_label("Add a comment")


def test_markdown_and_maths_show_rendered_to_another_member_live(browsers, api, lab):
    api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="Rendering")
    writer = open_article(browsers, lab["admin"], lab["path"])
    reader = open_article(browsers, lab["member"], lab["path"])
    wait_live(writer)
    wait_live(reader)
    on_writer = _discussion(writer, "Rendering")
    on_reader = _discussion(reader, "Rendering")
    expect(on_writer).to_be_visible()

    _open_comment_box(on_writer, "Rendering").fill(MARKDOWN)
    on_writer.get_by_role("button", name="Comment", exact=True).click()

    shown = on_reader.locator(".comment-content")
    link = shown.get_by_role("link", name="the preprint")
    expect(link).to_have_attribute("href", "https://example.org/preprint")
    expect(link).to_have_attribute("rel", "nofollow noopener noreferrer")
    expect(shown.locator("li")).to_have_text(["first point", "second point"])
    expect(shown.locator("code")).to_have_text("make check")
    expect(shown.locator("math msup mi").first).to_have_text("c")
    # Chromium lays MathML out natively: the formula has a size, no script drew it.
    assert shown.locator("math").bounding_box()["width"] > 0
    assert reader.errors == [] and writer.errors == []


def test_preview_counter_and_a_too_long_error_that_clears(browsers, lab):
    page = open_article(browsers, lab["admin"], lab["path"])
    message = page.get_by_label("Message", exact=True)
    form = page.locator("form").filter(has=message)

    message.fill("*Emphasis* and $\\frac{1}{2}$")
    expect(form.locator(".composer-counter")).to_have_text("28 / 20,000 characters")
    form.get_by_role("button", name="Preview").click()
    preview = form.get_by_label("Preview", exact=True)
    expect(preview.locator("em")).to_have_text("Emphasis")
    expect(preview.locator("math mfrac")).to_have_count(1)

    message.fill("\N{GRINNING FACE}" * 8193)  # 8,193 characters, 32,772 bytes
    error = form.locator(".form-error")
    expect(error).to_contain_text("at most 32 KiB")
    expect(form.locator(".composer-counter")).to_have_class("composer-counter muted over-limit")
    expect(preview).to_be_hidden()  # a stale preview never stands beside changed text

    message.fill("a" * 20_001)
    expect(error).to_contain_text("Message is too long: at most 20,000 characters")
    page.get_by_label("Topic").fill("Too long")
    page.get_by_role("button", name="Start discussion").click()
    expect(error).to_be_visible()  # nothing was sent
    expect(page.get_by_role("heading", name="Too long", exact=True)).to_have_count(0)

    message.fill("Short again.")
    expect(error).to_be_hidden()
    page.get_by_role("button", name="Start discussion").click()
    expect(page.get_by_role("heading", name="Too long", exact=True)).to_be_visible()


def test_a_draft_survives_a_reload(browsers, api, lab):
    api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="Drafts")
    page = open_article(browsers, lab["member"], lab["path"])
    _open_comment_box(_discussion(page, "Drafts"), "Drafts").fill("Half a thought")
    page.get_by_label("Message", exact=True).fill("A discussion I have not started")

    page.reload()
    page.wait_for_selector("#article-page[data-ready='true']")
    expect(_open_comment_box(_discussion(page, "Drafts"), "Drafts")).to_have_value("Half a thought")
    expect(page.get_by_label("Message", exact=True)).to_have_value(
        "A discussion I have not started"
    )


def test_a_reply_draft_survives_the_deletion_of_its_comment(browsers, api, lab):
    discussion = api.discussion(
        lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="Orphans"
    )
    parent = api.comment(lab["admin"], discussion["id"], content="Soon gone")
    page = open_article(browsers, lab["member"], lab["path"])
    wait_live(page)
    on_page = _discussion(page, "Orphans")
    on_page.get_by_role("button", name=f"Reply to {lab['admin'].username}").click()
    on_page.get_by_role("textbox", name=f"Reply to {lab['admin'].username}").fill(
        "My careful answer"
    )

    api.call("DELETE", f"/api/comments/{parent['id']}", lab["admin"], expect=204)
    notice = on_page.locator(".orphaned-reply")
    expect(notice).to_contain_text("The comment you were replying to has been deleted")
    expect(notice.get_by_role("textbox")).to_have_value("My careful answer")

    page.reload()  # the draft and the notice outlive the page too
    page.wait_for_selector("#article-page[data-ready='true']")
    notice = _discussion(page, "Orphans").locator(".orphaned-reply")
    expect(notice.get_by_role("textbox")).to_have_value("My careful answer")
    notice.get_by_role("button", name="Post as a comment").click()
    expect(_discussion(page, "Orphans").locator(".comment-content")).to_have_text(
        "My careful answer"
    )
    expect(notice).to_have_count(0)
    assert [c["content"] for c in api.comments(lab["member"], discussion["id"])] == [
        "My careful answer"
    ]


def test_offline_a_failed_post_says_so_and_keeps_the_text(browsers, api, lab):
    api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="Offline")
    page = open_article(browsers, lab["member"], lab["path"])
    box = _open_comment_box(_discussion(page, "Offline"), "Offline")
    box.fill("Written on a train")
    page.context.set_offline(True)
    _discussion(page, "Offline").get_by_role("button", name="Comment", exact=True).click()
    error = _discussion(page, "Offline").locator(".form-error")
    expect(error).to_contain_text("you seem to be offline")
    expect(error).not_to_contain_text("Failed to fetch")
    expect(box).to_have_value("Written on a train")
    page.context.set_offline(False)


def _edit_discussion_form(page, topic):
    discussion = _discussion(page, topic)
    discussion.get_by_role("button", name=f"Edit discussion “{topic}”").click()
    return discussion.locator("form").filter(has=page.get_by_label("Topic", exact=True))


def test_editing_a_discussion_has_the_composer_and_keeps_its_draft(browsers, api, lab):
    api.discussion(
        lab["admin"],
        lab["community"]["id"],
        lab["article"]["id"],
        topic="Editable",
        content="The first version",
    )
    page = open_article(browsers, lab["admin"], lab["path"])
    form = _edit_discussion_form(page, "Editable")
    message = form.get_by_label("Message", exact=True)
    expect(message).to_have_value("The first version")
    expect(form.locator(".composer-counter")).to_have_text("17 / 20,000 characters")

    message.fill("*Second* version")
    form.get_by_label("Topic", exact=True).fill("Edited topic")
    form.get_by_role("button", name="Preview").click()
    expect(form.get_by_label("Preview", exact=True).locator("em")).to_have_text("Second")

    message.fill("a" * 20_001)
    error = form.locator(".form-error")
    expect(error).to_contain_text("Message is too long: at most 20,000 characters")
    message.fill("*Second* version")
    expect(error).to_be_hidden()

    page.reload()  # the edit under way is a draft of its own
    page.wait_for_selector("#article-page[data-ready='true']")
    form = _edit_discussion_form(page, "Editable")
    expect(form.get_by_label("Topic", exact=True)).to_have_value("Edited topic")
    expect(form.get_by_label("Message", exact=True)).to_have_value("*Second* version")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Edited topic", exact=True)).to_be_visible()

    # Saved: the draft is gone, and the next edit starts from the discussion as it is now.
    discussion = api.discussions(lab["admin"], lab["community"]["id"], lab["article"]["id"])[0]
    api.call(
        "PATCH",
        f"/api/discussions/{discussion['id']}",
        lab["admin"],
        json={"content": "Changed elsewhere"},
    )
    page.reload()
    page.wait_for_selector("#article-page[data-ready='true']")
    form = _edit_discussion_form(page, "Edited topic")
    expect(form.get_by_label("Message", exact=True)).to_have_value("Changed elsewhere")
    assert page.errors == []


def test_cancel_gives_up_the_draft_and_a_reload_does_not_bring_it_back(browsers, api, lab):
    member = lab["member"]
    discussion = api.discussion(
        lab["admin"],
        lab["community"]["id"],
        lab["article"]["id"],
        topic="Second thoughts",
        content="As posted",
    )
    api.comment(member, discussion["id"], content="My comment as posted")
    page = open_article(browsers, member, lab["path"])
    on_page = _discussion(page, "Second thoughts")

    _open_comment_box(on_page, "Second thoughts").fill("Never mind")
    on_page.get_by_role("button", name="Cancel").click()
    on_page.get_by_role("button", name=f"Edit comment by {member.username}").click()
    on_page.get_by_role("textbox", name="Edit comment").fill("A change I drop")
    on_page.get_by_role("button", name="Cancel").click()
    on_page.get_by_role("button", name=f"Reply to {member.username}").click()
    on_page.get_by_role("textbox", name=f"Reply to {member.username}").fill("A reply I drop")
    on_page.get_by_role("textbox", name=f"Reply to {member.username}").press("Escape")

    page.reload()
    page.wait_for_selector("#article-page[data-ready='true']")
    on_page = _discussion(page, "Second thoughts")
    expect(_open_comment_box(on_page, "Second thoughts")).to_have_value("")
    on_page.get_by_role("button", name=f"Edit comment by {member.username}").click()
    expect(on_page.get_by_role("textbox", name="Edit comment")).to_have_value(
        "My comment as posted"
    )
    on_page.get_by_role("button", name=f"Reply to {member.username}").click()
    expect(on_page.get_by_role("textbox", name=f"Reply to {member.username}")).to_have_value("")
    expect(on_page.locator(".orphaned-reply")).to_have_count(0)
    assert page.errors == []


def test_cancelling_a_discussion_edit_restores_the_original(browsers, api, lab):
    api.discussion(
        lab["admin"],
        lab["community"]["id"],
        lab["article"]["id"],
        topic="Original topic",
        content="Original message",
    )
    page = open_article(browsers, lab["admin"], lab["path"])
    form = _edit_discussion_form(page, "Original topic")
    form.get_by_label("Topic", exact=True).fill("Dropped topic")
    form.get_by_label("Message", exact=True).fill("Dropped message")
    form.get_by_role("button", name="Cancel").click()
    expect(form).to_have_count(0)

    form = _edit_discussion_form(page, "Original topic")
    expect(form.get_by_label("Topic", exact=True)).to_have_value("Original topic")
    expect(form.get_by_label("Message", exact=True)).to_have_value("Original message")
    expect(form.locator(".composer-counter")).to_have_text("16 / 20,000 characters")
