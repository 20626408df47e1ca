"""axe-core finds no serious or critical accessibility violation on the article page
in the states a reader and a writer meet it: discussions with rendered Markdown and
maths, threads with a "[deleted]" comment, a comment box opened, a preview shown and
a composer in error, and a live update's toast."""

from playwright.sync_api import expect

from .conftest import open_article, severe_violations, wait_live


def test_the_article_page_reading_and_writing(browsers, api, lab, axe_source):
    admin, member = lab["admin"], lab["member"]
    cid, aid = lab["community"]["id"], lab["article"]["id"]
    discussion = api.discussion(
        admin,
        cid,
        aid,
        topic="Methods",
        content="See [the data](https://example.org) and $e^{i\\pi}+1=0$:\n\n- one\n- two",
    )
    parent = api.comment(admin, discussion["id"], "A `code` comment")
    api.comment(member, discussion["id"], "A reply", parent["id"])
    api.call("DELETE", f"/api/comments/{parent['id']}", admin, expect=204)

    page = open_article(browsers, member, lab["path"])
    wait_live(page)
    expect(
        page.locator(".comment-content", has_text="[deleted]").or_(
            page.get_by_text("This comment was deleted.")
        )
    ).to_have_count(1)
    assert severe_violations(page, axe_source) == []

    # Writing: a box opened, a preview, and an error naming the limit.
    page.get_by_role("button", name="Comment on “Methods”").click()
    box = page.get_by_label("Add a comment")
    box.fill("*Emphasis* and $\\frac{1}{2}$")
    form = page.locator("form").filter(has=box)
    form.get_by_role("button", name="Preview").click()
    expect(form.get_by_label("Preview", exact=True).locator("em")).to_have_text("Emphasis")
    assert severe_violations(page, axe_source) == []
    box.fill("a" * 20_001)
    expect(form.locator(".form-error")).to_contain_text("20,000 characters")
    assert severe_violations(page, axe_source) == []

    # A live change from someone else, with its toast and the "new" pill's announcement.
    api.discussion(admin, cid, aid, topic="Arrived live")
    expect(page.get_by_role("heading", name="Arrived live", exact=True)).to_be_visible()
    assert severe_violations(page, axe_source) == []
