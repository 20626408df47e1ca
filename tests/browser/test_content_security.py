"""The Content-Security-Policy in a real browser: pages and the API docs work under it
and report no violation; refreshed tokens are stored, and tabs refreshing at once
do not log each other out."""

import time
from urllib.parse import quote

import httpx
import jwt
import pytest
from playwright.sync_api import expect

from realtime_core import tokens

from .conftest import wait_live, wait_until

pytestmark = pytest.mark.browser

# Runs before the page's own scripts: records every violation the browser reports.
RECORD_VIOLATIONS = """
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
        window.__violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
    });
"""


class Watched:
    """A browser context whose CSP violations (events and console reports) and requests
    to other origins are recorded."""

    def __init__(self, browsers, stack, account=None):
        self.context = browsers.context(account)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.console = []
        self.foreign_requests = []
        own = (stack.api_url, stack.poll_url)
        self.context.on("console", lambda message: self.console.append(message.text))
        self.context.on(
            "request",
            lambda request: (
                None if request.url.startswith(own) else self.foreign_requests.append(request.url)
            ),
        )

    def page(self, path=None):
        page = self.context.new_page()
        if path:
            page.goto(path)
        return page

    def violations(self, page) -> list[str]:
        reported = page.evaluate("window.__violations")
        logged = [text for text in self.console if "Content Security Policy" in text]
        return reported + logged


def test_a_violation_is_detected_so_its_absence_means_something(browsers, stack):
    watched = Watched(browsers, stack)
    page = watched.page("/")
    expect(page.get_by_role("heading", name="All communities")).to_be_visible()

    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true';
        document.body.append(script);
    }""")

    assert page.evaluate("window.__injected") is None, "the inline script was blocked"
    wait_until(page, "window.__violations.length > 0")
    assert any(v.startswith("script-src") for v in watched.violations(page))


def test_pages_work_live_under_the_policy_without_a_violation(browsers, stack, api, lab):
    watched = Watched(browsers, stack, lab["member"])
    page = watched.page("/")
    expect(
        page.locator("#mine-list").get_by_role("link", name=lab["community"]["name"])
    ).to_be_visible()
    page.goto(f"/c/{lab['community']['slug']}/")
    expect(page.get_by_role("link", name=lab["article"]["title"])).to_be_visible()
    page.goto(lab["path"])
    page.wait_for_selector("#article-page[data-ready='true']")
    wait_live(page)  # long-polls the poll server, another origin

    discussion = api.discussion(
        lab["admin"],
        lab["community"]["id"],
        lab["article"]["id"],
        topic="Arrived through the poll server",
    )

    expect(page.get_by_role("heading", name=discussion["topic"])).to_be_visible()
    assert watched.violations(page) == []
    page.goto(f"/u/{quote(lab['admin'].username)}/")
    expect(page.get_by_role("link", name=f"Started “{discussion['topic']}”")).to_be_visible()
    assert watched.violations(page) == []
    assert watched.foreign_requests == []
    assert page.errors == []


def test_sign_in_works_under_the_policy_without_a_violation(browsers, stack, lab):
    watched = Watched(browsers, stack)
    page = watched.page("/signin/")
    page.get_by_label("Username or email").fill(lab["member"].username)
    page.get_by_label("Password", exact=True).first.fill(lab["member"].password)
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator("#session")).to_contain_text(f"Signed in as {lab['member'].username}")
    assert watched.violations(page) == []
    assert page.errors == []


def test_api_docs_render_from_our_own_files_without_a_violation(browsers, stack):
    watched = Watched(browsers, stack)
    assets = []
    watched.context.on(
        "response",
        lambda response: (
            assets.append((response.url, response.status)) if "/static/" in response.url else None
        ),
    )
    page = watched.page("/api/docs")

    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    expect(page.get_by_text("/api/auth/login", exact=True)).to_be_visible()

    assert any(url.endswith("/static/ninja/swagger-ui-bundle.js") for url, _ in assets), assets
    assert all(status == 200 for _, status in assets), assets
    assert watched.foreign_requests == []
    assert watched.violations(page) == []
    assert page.errors == []


def _expired_access(account) -> str:
    claims = {"sub": str(account.id), "type": tokens.ACCESS, "exp": int(time.time()) - 60}
    return jwt.encode(claims, tokens.secret(), algorithm=tokens.ALGORITHM)


def _stored_session(page) -> dict:
    return page.evaluate("JSON.parse(localStorage.getItem('marginalia.session'))")


class HeldRefreshes:
    """Holds every token refresh of a context until released, so that tabs which
    would refresh at once really do, whatever the machine's timing."""

    def __init__(self, context):
        self.held = []
        self.released = False
        self.unauthorized_tabs = set()
        context.route("**/api/auth/refresh", self._hold)
        context.on(
            "response",
            lambda response: (
                self.unauthorized_tabs.add(response.request.frame.page)
                if response.status == 401
                else None
            ),
        )

    def _hold(self, route):
        if self.released:
            route.continue_()
        else:
            self.held.append(route)

    def release(self) -> int:
        """Let the held refreshes through; returns how many there were."""
        self.released = True
        for route in self.held:
            route.continue_()
        return len(self.held)


def test_tabs_refreshing_at_once_take_turns_and_store_the_new_refresh_token(
    browsers, stack, api, lab
):
    member = lab["member"]
    signed_in = api.call(
        "POST",
        "/api/auth/login",
        json={"login": member.username, "password": member.password},
        expect=200,
    ).json()
    stale = type(member)(
        member.id, member.username, member.password, _expired_access(member), signed_in["refresh"]
    )
    context = browsers.context(stale)
    refreshes = HeldRefreshes(context)
    tabs = [context.new_page() for _ in range(3)]

    for tab in tabs:  # every tab finds the access token expired and wants to refresh
        tab.goto(lab["path"], wait_until="commit")
    deadline = time.monotonic() + 45
    while len(refreshes.unauthorized_tabs) < len(tabs):
        assert time.monotonic() < deadline, "every tab got its 401"
        tabs[0].wait_for_timeout(50)
    # Time for a tab that would not wait its turn to send its own refresh as well.
    tabs[0].wait_for_timeout(1000)
    assert refreshes.release() == 1, "one tab refreshed; the others waited their turn"
    for tab in tabs:
        # Three article pages at once on a busy machine: a generous bound.
        tab.wait_for_selector("#article-page[data-ready='true']", timeout=45_000)

    session = _stored_session(tabs[0])
    assert session is not None, "no tab was logged out by another tab's refresh"
    assert session["refresh"] != stale.refresh, "the new refresh token was stored"
    renewed = httpx.post(
        f"{stack.api_url}/api/auth/refresh", json={"refresh": session["refresh"]}, timeout=10
    )
    assert renewed.status_code == 200, "the stored refresh token is the login's current one"
    assert all(tab.errors == [] for tab in tabs)
