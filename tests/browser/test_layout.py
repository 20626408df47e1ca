"""The article page's layout for reading: nothing a post holds widens the page on a phone
or a desktop, code stays readable in dark mode, and maths and headings inside posts are
sized against the discussion around them."""

import pytest
from playwright.sync_api import expect

from .conftest import open_article, severe_violations, wait_live

LONG_TOPIC = "T" * 300
LONG_WORD = "w" * 300
LONG_SUM = " + ".join(f"x_{{{i}}}" for i in range(120))
LONG_FORMULA = f"$${LONG_SUM}$$"
# The same sum inline in a table, and a long line of code
WIDE_TABLE_AND_CODE = (
    f"| sum | value |\n|---|---|\n| ${LONG_SUM}$ | 1 |\n\n```\n{'call(x); ' * 60}\n```"
)


def font_size(locator) -> float:
    return float(locator.evaluate("element => getComputedStyle(element).fontSize")[:-2])


@pytest.mark.parametrize("width", [390, 1100])
def test_long_topics_words_and_formulas_never_widen_the_page(browsers, api, lab, width):
    admin, member = lab["admin"], lab["member"]
    cid, aid = lab["community"]["id"], lab["article"]["id"]
    api.discussion(admin, cid, aid, topic="A short one", content="Nothing long here.")
    wide = api.discussion(admin, cid, aid, topic=LONG_TOPIC, content=f"Sum: {LONG_FORMULA}")
    api.comment(member, wide["id"], f"One word: {LONG_WORD}")
    api.comment(member, wide["id"], LONG_FORMULA)
    api.comment(member, wide["id"], WIDE_TABLE_AND_CODE)

    page = open_article(browsers, member, lab["path"], viewport={"width": width, "height": 844})
    wait_live(page)
    expect(page.locator(".comment-content", has_text=LONG_WORD)).to_be_visible()
    expect(page.locator(".comment-content table")).to_be_visible()
    # Unfolded, as a folded post clips what it holds
    show_more = page.get_by_role("button", name="Show more")
    for _ in range(show_more.count()):
        show_more.first.click()
    expect(show_more).to_have_count(0)
    width_shown = page.evaluate("document.documentElement.scrollWidth")
    assert width_shown <= width, f"the page scrolls sideways: {width_shown}px on {width}px"
    # The formula scrolls in a box of its own, inside its card.
    formula_box = page.locator(".discussion-content .math.display")
    assert formula_box.evaluate("box => box.scrollWidth > box.clientWidth")
    assert formula_box.evaluate("box => getComputedStyle(box).overflowX") == "auto"
    assert page.errors == []


def test_code_is_readable_in_dark_mode(browsers, api, lab, axe_source):
    admin, member = lab["admin"], lab["member"]
    discussion = api.discussion(
        admin,
        lab["community"]["id"],
        lab["article"]["id"],
        topic="Code",
        content="Run it:\n\n```\nmake test\n```",
    )
    api.comment(
        member,
        discussion["id"],
        "Call `fit(x)` first:\n\n```python\nmodel = fit(x)\nprint(model)\n```",
    )

    page = open_article(browsers, member, lab["path"], color_scheme="dark")
    wait_live(page)
    expect(page.locator(".comment-content pre code")).to_contain_text("model = fit(x)")
    expect(page.locator(".comment-content p code")).to_have_text("fit(x)")
    assert severe_violations(page, axe_source) == []


def test_headings_and_maths_in_posts_are_sized_against_the_discussion(browsers, api, lab):
    admin, member = lab["admin"], lab["member"]
    discussion = api.discussion(
        admin,
        lab["community"]["id"],
        lab["article"]["id"],
        topic="Sizes",
        content="## A heading\n\nText and $\\frac{a}{b}$.\n\n$$\\sum_{i=1}^{n} x_i$$",
    )
    api.comment(member, discussion["id"], "# Top heading\n\n### Third level\n\nA reply.")

    page = open_article(browsers, member, lab["path"])
    wait_live(page)
    title = font_size(page.get_by_role("heading", name="Sizes", exact=True))
    content = page.locator(".discussion-content")
    for heading in (
        content.locator("h2"),
        page.locator(".comment-content h1"),
        page.locator(".comment-content h3"),
    ):
        assert font_size(heading) < title, heading
    text = font_size(content)
    assert font_size(content.locator("math[display='block']")) > text
    assert font_size(content.locator("math:not([display='block'])")) > text
    # The displayed formula's box scrolls sideways only: what the sum draws past its own
    # box (its limits) fits inside, so no vertical scroll bar shows.
    formula_box = content.locator(".math.block")
    assert formula_box.evaluate("box => box.scrollHeight <= box.clientHeight")
