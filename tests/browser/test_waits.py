"""A refusal that names its wait counts down where it is shown."""

from playwright.sync_api import expect


def test_a_named_wait_counts_down_and_says_when_it_is_over(browsers, lab):
    page = browsers.page(None, "/signin/")
    # The browser stack's limits are generous, so the 429 a fifth wrong password would
    # earn is answered here, in the API's words (toolkit.errors.too_many_requests).
    page.route(
        "**/api/auth/login",
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "3", "Content-Type": "application/json"},
            body='{"message": "Too many failed logins for this account; try again in 3 s"}',
        ),
    )
    page.get_by_label("Username or email").fill(lab["member"].username)
    page.get_by_label("Password", exact=True).first.fill("a wrong guess")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    seen = alert.locator("[aria-hidden='true']")
    expect(seen).to_have_text("Too many failed logins for this account; try again in 3 s")
    expect(seen).to_have_text("Too many failed logins for this account; try again in 2 s")
    # Screen readers hear the message as written, not every tick, then once that it is over.
    expect(alert.locator(".sr-only")).to_have_text(
        "Too many failed logins for this account; try again in 3 s"
    )
    expect(alert).to_have_text(
        "Too many failed logins for this account; try again now.", timeout=6000
    )
    assert page.errors == []
