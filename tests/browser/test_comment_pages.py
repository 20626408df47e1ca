"""The article page holds every comment of a discussion whose tree is longer
than one page of the API (100 comments), threads included, once its folded
levels are opened."""

import re

from playwright.sync_api import expect

from .conftest import open_article


def test_a_discussion_longer_than_a_page_shows_every_comment(browsers, api, lab):
    d = api.discussion(
        lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="Long thread"
    )
    first = api.comment(lab["member"], d["id"], "Comment 1")
    for n in range(2, 131):  # 130 in all; every tenth a reply to the first
        api.comment(
            lab["member"], d["id"], f"Comment {n}", parent_id=first["id"] if n % 10 == 0 else None
        )
    last = api.comment(lab["admin"], d["id"], "The last word", parent_id=first["id"])

    page = open_article(browsers, lab["member"], lab["path"])
    thread = page.locator(f"#discussion-{d['id']}")
    # Long levels fold behind "Show N more ..." buttons: open them all.
    show_more = thread.get_by_role("button", name=re.compile(r"^Show \d+ more"))
    expect(show_more.first).to_be_visible()
    while show_more.count():
        show_more.first.click()
    expect(thread.locator(".comment")).to_have_count(131)
    expect(
        thread.locator(f"#comment-{first['id']} #comment-{last['id']} .comment-content")
    ).to_have_text("The last word")  # a reply on the second page, under its parent
    assert page.errors == []
