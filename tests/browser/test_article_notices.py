"""What the article page tells the reader beside the discussions themselves: toasts that
go once their items have been read, and a public page's check for new posts."""

from playwright.sync_api import expect

from .conftest import article_path, open_article, wait_live


def _fillers(api, lab, community, article, count):
    for n in range(count):
        api.discussion(lab["admin"], community["id"], article["id"],
                       topic=f"Filler {n}", content="Long\n" * 8)


def test_a_toast_goes_once_its_comment_has_been_seen(browsers, api, lab):
    bottom = api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"],
                            topic="At the bottom")
    _fillers(api, lab, lab["community"], lab["article"], 6)
    page = open_article(browsers, lab["member"], lab["path"],
                        viewport={"width": 800, "height": 500})
    wait_live(page)
    comment = api.comment(lab["admin"], bottom["id"], "Read by scrolling")
    toast = page.locator("#toasts .toast")
    expect(toast).to_have_count(1)
    # Scrolling to the comment, not the toast's link, is what reads it.
    page.locator(f"#comment-{comment['id']}").scroll_into_view_if_needed()
    expect(toast).to_have_count(0)
    assert page.errors == []
