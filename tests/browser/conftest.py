"""Browser tests: Debian Chromium driven by Playwright against the real stack
(gunicorn API and pages, Tornado poll server, outbox relay, PostgreSQL, Redis)."""

import json
import os
import time
from pathlib import Path

import pytest

from tests.support.api import Account, Api
from tests.support.stack import Stack

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
SESSION_KEY = "marginalia.session"


@pytest.fixture(scope="package")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("browser"), "browser", redis_db=11).start()
    yield stack
    stack.stop()


@pytest.fixture(scope="package")
def api(stack):
    return Api(stack.api_url)


@pytest.fixture(scope="package")
def playwright():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def chromium(playwright):
    if not Path(CHROMIUM).exists():
        pytest.skip(reason=f"Debian chromium is not installed at {CHROMIUM}")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


class Browsers:
    """Opens browser contexts (one per simulated browser) signed in as an account."""

    def __init__(self, chromium, stack):
        self.chromium = chromium
        self.stack = stack
        self.contexts = []

    def context(self, account: Account | None = None, **options):
        storage = None
        if account is not None:
            session = {
                "access": account.access,
                "refresh": account.refresh,
                "user": {
                    "id": account.id,
                    "username": account.username,
                    "email": f"{account.username}@example.org",
                },
            }
            storage = {
                "cookies": [],
                "origins": [
                    {
                        "origin": self.stack.api_url,
                        "localStorage": [{"name": SESSION_KEY, "value": json.dumps(session)}],
                    }
                ],
            }
        context = self.chromium.new_context(
            base_url=self.stack.api_url,
            storage_state=storage,
            viewport=options.pop("viewport", {"width": 1100, "height": 900}),
            **options,
        )
        context.set_default_timeout(10_000)
        context.on("page", watch_errors)
        self.contexts.append(context)
        return context

    def page(self, account: Account | None = None, path: str | None = None, **options):
        page = self.context(account, **options).new_page()
        if path:
            page.goto(path)
        return page

    def close(self):
        for context in self.contexts:
            try:
                context.close()
            except Exception:  # already closed by the test
                pass


def watch_errors(page):
    """Uncaught errors in the page fail the test that caused them."""
    if not hasattr(page, "errors"):
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))


@pytest.fixture
def browsers(chromium, stack):
    opened = Browsers(chromium, stack)
    yield opened
    opened.close()


@pytest.fixture
def lab(api):
    lab = api.lab()
    return {**lab, "path": article_path(lab["community"], lab["article"])}


def article_path(community: dict, article: dict) -> str:
    return f"/c/{community['slug']}/a/{article['id']}/"


def open_article(browsers, account, path, **options):
    """Open an article page and wait until its data is shown."""
    page = browsers.page(account, path, **options)
    page.wait_for_selector("#article-page[data-ready='true']")
    return page


def wait_until(page, expression: str, timeout: float = 10.0):
    """Wait until a JavaScript expression is true in the page. page.wait_for_function
    cannot do it on our pages: when it has to poll, it runs the predicate through
    eval, which their Content-Security-Policy refuses; page.evaluate is not eval."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)


def wait_live(page, timeout=15_000):
    page.wait_for_selector("#live-status[data-state='connected']", timeout=timeout)


class PollCounter:
    """Counts long-polls in flight per page of a context."""

    def __init__(self, context, poll_url: str):
        self.poll_url = poll_url
        self.started = []  # (page, url, monotonic time)
        self.open = {}
        context.on("request", self._on_request)
        context.on("requestfinished", self._on_done)
        context.on("requestfailed", self._on_done)

    def _is_poll(self, request):
        return request.url.startswith(f"{self.poll_url}/realtime/poll")

    def _on_request(self, request):
        if self._is_poll(request):
            self.started.append((request.frame.page, request.url, time.monotonic()))
            self.open[id(request)] = request

    def _on_done(self, request):
        self.open.pop(id(request), None)

    @property
    def in_flight(self) -> int:
        # A closed page's requests end without a requestfailed event.
        return sum(1 for r in self.open.values() if not r.frame.page.is_closed())

    def pages_that_polled(self) -> set:
        return {id(page) for page, _url, _t in self.started}

    def polls_since(self, t: float):
        """(page, seconds after t) of every poll started since t."""
        return [(page, started - t) for page, _url, started in self.started if started >= t]


# Records desktop notifications and lets the test hide the tab (headless
# Chromium always reports itself visible).
FAKE_NOTIFICATIONS_AND_VISIBILITY = """
    window.__notes = [];
    window.Notification = class { static permission = 'granted';
        static requestPermission() { return Promise.resolve('granted'); }
        constructor(title, options) { window.__notes.push([title, options.body]); } close() {} };
    let hidden = false;
    Object.defineProperty(document, 'visibilityState', { get: () => hidden ? 'hidden' : 'visible' });
    Object.defineProperty(document, 'hidden', { get: () => hidden });
    window.__hide = (value) => { hidden = value; document.dispatchEvent(new Event('visibilitychange')); };
"""


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
NPM_CI_INSTALLS_IT = "`npm ci` in the repository root installs it from package.json (bin/test does)"
SEVERE = ("serious", "critical")


@pytest.fixture(scope="package")
def axe_source() -> str:
    """axe-core, evaluated in the page from node_modules (never fetched from elsewhere);
    evaluating it through the debugging protocol is no script the page loads, so the
    pages' Content-Security-Policy stays as strict as it ships."""
    if not AXE.exists():
        pytest.skip(reason=f"axe-core is not installed: {NPM_CI_INSTALLS_IT}")
    return AXE.read_text()


def severe_violations(page, axe_source: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.evaluate(axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(node["target"][0] for node in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in SEVERE
    ]
