"""@mentions: suggested from the community's members by keyboard, and linked to the
profile of the person named once posted."""

from playwright.sync_api import expect

from .conftest import open_article


def test_a_mention_is_suggested_chosen_by_keyboard_and_linked(browsers, api, lab, axe_source):
    admin = lab["admin"].username
    page = open_article(browsers, lab["member"], lab["path"])
    message = page.get_by_label("Message")
    page.get_by_label("Topic").fill("Who checks figure 2?")
    message.click()
    message.press_sequentially(f"Could @{admin[:-1]}")
    suggestions = page.get_by_role("listbox", name="People to mention")
    option = suggestions.get_by_role("option", name=f"@{admin}")
    expect(option).to_have_attribute("aria-selected", "true")
    # The text keeps the focus, and names the highlighted option for screen readers.
    expect(message).to_be_focused()
    assert message.get_attribute("aria-activedescendant") == option.get_attribute("id")
    expect(page.get_by_role("status").filter(has_text="to mention")).to_contain_text(
        "1 person to mention"
    )
    message.press("Enter")
    expect(suggestions).to_be_hidden()
    expect(message).to_have_value(f"Could @{admin} ")
    message.press_sequentially("look? And @nobodyhere")
    message.press("Escape")
    page.get_by_role("button", name="Start discussion").click()

    link = page.locator(".discussion-content a.mention")
    expect(link).to_have_text(f"@{admin}")
    assert link.get_attribute("href") == f"/u/{admin}/"
    expect(page.locator(".discussion-content")).to_contain_text("@nobodyhere")
    assert page.errors == []
