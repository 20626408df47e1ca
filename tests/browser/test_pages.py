"""Pages, permissions, public communities, accessibility basics and the README screenshot."""

import json
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import article_path, open_article, wait_live
from .screenshots import screenshot


def test_sign_in_lists_my_communities_and_sign_out(browsers, api, lab):
    page = browsers.page(None, "/")
    expect(page.get_by_role("heading", name="All communities")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username or email").fill(lab["member"].username)
    page.get_by_label("Password", exact=True).first.fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username, email or password")
    page.get_by_label("Password", exact=True).first.fill(lab["member"].password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#session")).to_contain_text(f"Signed in as {lab['member'].username}")
    mine = page.locator("#mine-list")
    expect(mine.get_by_role("link", name=lab["community"]["name"])).to_be_visible()
    session = json.loads(page.evaluate("localStorage.getItem('marginalia.session')"))
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.locator("#mine")).to_be_hidden()
    # The login ended on the server too: a copy of its tokens works nowhere.
    refused = api.call("POST", "/api/auth/refresh", json={"refresh": session["refresh"]})
    assert refused.status_code == 401
    me = api.http.get("/api/auth/me", headers={"Authorization": f"Bearer {session['access']}"})
    assert me.status_code == 401
    assert page.errors == []


@pytest.mark.parametrize(
    "next_path",
    [
        "/.//evil.example/phish",
        "/..//evil.example/phish",
        "/%2e%2e//evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "https://evil.example/phish",
        "javascript:alert(1)",
    ],
)
def test_signing_in_never_leaves_the_site_whatever_next_says(browsers, lab, next_path):
    page = browsers.page(None, f"/signin/?next={next_path}")
    page.get_by_label("Username or email").fill(lab["member"].username)
    page.get_by_label("Password", exact=True).first.fill(lab["member"].password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#session")).to_contain_text(f"Signed in as {lab['member'].username}")
    assert urlsplit(page.url).netloc == urlsplit(browsers.stack.api_url).netloc
    assert urlsplit(page.url).path == "/"


def test_signing_in_goes_back_to_the_page_of_this_site_that_sent_there(browsers, lab):
    page = browsers.page(None, f"/signin/?next={lab['path']}%3Fx%3D1")
    page.get_by_label("Username or email").fill(lab["member"].username)
    page.get_by_label("Password", exact=True).first.fill(lab["member"].password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(lab["path"]) + r"\?x=1$"))


def test_join_a_public_community_and_request_to_join_a_private_one(browsers, api, lab):
    public = api.community(lab["admin"], "public")
    page = browsers.page(lab["outsider"], f"/c/{public['slug']}/")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("button", name="Leave community")).to_be_visible()
    expect(page.locator(".page-header .meta")).to_contain_text("Member")

    page.goto(f"/c/{lab['community']['slug']}/")
    expect(page.get_by_text("its articles and discussions are for members only")).to_be_visible()
    page.get_by_role("button", name="Request to join").click()
    expect(page.get_by_text("Your request to join is waiting for an admin.")).to_be_visible()

    admin = browsers.page(lab["admin"], f"/c/{lab['community']['slug']}/")
    admin.get_by_role("button", name=f"Approve {lab['outsider'].username}").click()
    expect(admin.get_by_text("No requests are waiting.")).to_be_visible()
    page.reload()
    expect(page.get_by_role("link", name=lab["article"]["title"])).to_be_visible()
    assert page.errors == [] and admin.errors == []


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_a_non_member_cannot_open_a_private_article(browsers, api, lab, who):
    secret = api.discussion(
        lab["admin"],
        lab["community"]["id"],
        lab["article"]["id"],
        topic="Secret topic",
        content="Secret content",
    )
    api.comment(lab["member"], secret["id"], "Secret comment")
    page = browsers.page(lab["outsider"] if who == "outsider" else None)
    seen = []
    page.on("request", lambda r: seen.append(r.url))
    page.goto(lab["path"])
    expect(page.get_by_role("heading", name="Members only")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Only its members can read it")
    text = page.locator("body").inner_text()
    for private in ("Secret topic", "Secret content", "Secret comment", lab["article"]["title"]):
        assert private not in text
    # Nothing of the community: its discussions, presence, typing. (A signed-in outsider's
    # page polls for their own notifications, the bell's, as every page of theirs does.)
    assert not [
        u
        for u in seen
        if "/api/realtime/presence" in u
        or "/api/realtime/typing" in u
        or "/discussions" in u
        or "/comments" in u
    ]
    if who != "outsider":
        assert not [u for u in seen if "/api/realtime/" in u or "/realtime/poll" in u]
    assert page.errors == []


def test_public_community_has_no_realtime_traffic(browsers, api, lab):
    public = api.community(lab["admin"], "public", members=[lab["member"]])
    article = api.article(lab["admin"], public["id"])
    api.discussion(lab["admin"], public["id"], article["id"], topic="Open question")
    context = browsers.context(lab["member"])
    community_realtime, writes = [], []
    # The page polls for the member's own notifications (the bell), as every page of
    # theirs does; nothing of the community goes through realtime.
    context.on(
        "request",
        lambda r: (
            community_realtime.append(r.url)
            if ("/api/realtime/presence" in r.url or "/api/realtime/typing" in r.url)
            else None
        ),
    )
    context.on(
        "request",
        lambda r: writes.append(r) if r.method == "POST" and ("/discussions" in r.url) else None,
    )
    page = context.new_page()
    page.goto(article_path(public, article))
    page.wait_for_selector("#article-page[data-ready='true']")
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "off")
    expect(status).to_contain_text("Live updates off")
    expect(page.locator(".discussion-topic", has_text="Open question")).to_be_visible()
    # Writing works, without any realtime header or traffic.
    page.get_by_label("Topic").fill("Posted in public")
    page.get_by_label("Message").fill("No live updates here.")
    page.get_by_role("button", name="Start discussion").click()
    expect(page.locator(".discussion-topic", has_text="Posted in public")).to_have_count(1)
    page.evaluate("0")
    assert community_realtime == []
    [write] = writes
    assert "x-realtime-queue-id" not in write.headers
    assert page.errors == []


def test_threads_nest_three_levels_and_work_from_the_keyboard(browsers, api, lab):
    d = api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="Nesting")
    top = api.comment(lab["member"], d["id"], "Level 0")
    mid = api.comment(lab["admin"], d["id"], "Level 1", parent_id=top["id"])
    api.comment(lab["member"], d["id"], "Level 2", parent_id=mid["id"])
    page = open_article(browsers, lab["member"], lab["path"])
    thread = page.locator(f"#discussion-{d['id']}")
    expect(
        thread.locator(
            ".comment-list > .comment > .replies > .comment > .replies > .comment .comment-content"
        )
    ).to_have_text("Level 2")
    deepest = thread.locator(".comment[data-depth='2']")
    expect(deepest.get_by_role("button", name=re.compile("^Reply"))).to_have_count(0)
    expect(
        thread.locator(".comment[data-depth='1']").first.get_by_role(
            "button", name=re.compile("^Reply")
        )
    ).to_have_count(1)

    # Open a reply form with the keyboard, close it with Escape: focus returns to the button.
    reply = (
        thread.locator(".comment[data-depth='0']")
        .first.get_by_role("button", name=f"Reply to {lab['member'].username}")
        .first
    )
    reply.focus()
    page.keyboard.press("Enter")
    box = thread.get_by_role("textbox", name=f"Reply to {lab['member'].username}")
    expect(box).to_be_focused()
    page.keyboard.press("Escape")
    expect(box).to_have_count(0)
    expect(reply).to_be_focused()

    # Resolve and reopen (the admin may).
    admin = open_article(browsers, lab["admin"], lab["path"])
    admin_thread = admin.locator(f"#discussion-{d['id']}")
    admin_thread.get_by_role("button", name="Resolve discussion “Nesting”").click()
    expect(admin_thread.locator(".badge.resolved")).to_be_visible()
    expect(thread.locator(".badge.resolved")).to_be_visible()
    admin_thread.get_by_role("button", name="Reopen discussion “Nesting”").click()
    expect(thread.locator(".badge.resolved")).to_have_count(0)

    # Deleting a comment with replies leaves a placeholder; the reply stays.
    top_on_admin = admin_thread.locator(f"#comment-{mid['id']}")
    top_on_admin.get_by_role(
        "button", name=f"Delete comment by {lab['admin'].username}"
    ).first.click()
    top_on_admin.locator(".confirm").get_by_role("button", name="Delete").click()
    expect(thread.locator(f"#comment-{mid['id']} > .comment-body .comment-content")).to_have_text(
        "This comment was deleted."
    )
    expect(thread.locator(".comment-content", has_text="Level 2")).to_be_visible()
    assert page.errors == [] and admin.errors == []


def test_updates_out_of_view_raise_a_toast_that_links_to_them(browsers, api, lab):
    first = api.discussion(
        lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="At the bottom"
    )
    for n in range(6):
        api.discussion(
            lab["admin"],
            lab["community"]["id"],
            lab["article"]["id"],
            topic=f"Filler {n}",
            content="Long\n" * 8,
        )
    page = open_article(
        browsers, lab["member"], lab["path"], viewport={"width": 800, "height": 500}
    )
    wait_live(page)
    target = page.locator(f"#discussion-{first['id']}")
    expect(target).not_to_be_in_viewport()
    comment = api.comment(lab["admin"], first["id"], "Down here")
    toast = page.locator(".toast")
    expect(toast).to_contain_text(f"{lab['admin'].username} commented in “At the bottom”")
    toast.get_by_role("link", name="Show").click()
    reply = page.locator(f"#comment-{comment['id']}")
    expect(reply).to_be_in_viewport()
    expect(reply).to_be_focused()
    expect(toast).to_have_count(0)
    # Something in view gets no toast.
    api.comment(lab["admin"], first["id"], "Right below")
    expect(page.locator(".comment-content", has_text="Right below")).to_be_in_viewport()
    expect(page.locator(".toast")).to_have_count(0)
    assert page.errors == []


def test_screenshot_of_the_article_page(browsers, api, tmp_path):
    """Writes docs/screenshot-article.png and docs/screenshot-article-mobile.png when they
    are missing or UPDATE_SCREENSHOTS=1."""
    alice, bob = api.signup(username="alice"), api.signup(username="bob")
    lab = api.call(
        "POST",
        "/api/communities",
        alice,
        json={
            "name": "Neural Dynamics Lab",
            "type": "private",
            "description": "A private journal club on neural population dynamics.",
        },
        expect=201,
    ).json()
    api.add_member(alice, lab["id"], bob)
    article = api.call(
        "POST",
        "/api/articles",
        alice,
        json={
            "title": "Attractor dynamics in cortical circuits",
            "abstract": "We show that low-dimensional attractor manifolds explain persistent "
            "activity in recordings from prefrontal cortex.",
            "authors": ["A. Researcher", "B. Scientist"],
            "link": "https://example.org/preprints/attractor-dynamics",
            "community_ids": [lab["id"]],
        },
        expect=201,
    ).json()
    older = api.discussion(
        bob,
        lab["id"],
        article["id"],
        topic="Replication data",
        content="Has anyone found the raw recordings?",
    )
    api.comment(alice, older["id"], "The authors say they are on request.")
    first = api.discussion(
        alice,
        lab["id"],
        article["id"],
        topic="Is the manifold really low-dimensional?",
        content="The PCA in figure 2 keeps 3 components, explaining "
        "$\\frac{\\lambda_1 + \\lambda_2 + \\lambda_3}"
        "{\\sum_k \\lambda_k} = 0.91$ of the variance; "
        "how robust is that?",
    )
    top = api.comment(bob, first["id"], "The scree plot in the supplement has a clear knee.")
    api.comment(
        alice, first["id"], "Fair, but the knee moves with the bin size.", parent_id=top["id"]
    )
    path = article_path(lab, article)
    desktop = open_article(browsers, bob, path, viewport={"width": 1000, "height": 1500})
    phone = open_article(browsers, bob, path, viewport={"width": 390, "height": 844})
    for page in (desktop, phone):
        wait_live(page)
    # The phone's picture is of its screen, at the discussion that changes.
    phone.get_by_role("heading", name="Is the manifold really low-dimensional?").evaluate(
        "topic => { topic.closest('.discussion').scrollIntoView(); scrollBy(0, -16); }"
    )
    # A comment arriving live, still highlighted when the pictures are taken.
    api.comment(alice, first["id"], "Rerunning it with 20 ms bins now.")
    for page in (desktop, phone):
        expect(page.locator(".comment-body.flash", has_text="Rerunning it")).to_be_visible()
    screenshot(desktop, "screenshot-article.png", tmp_path)
    screenshot(phone, "screenshot-article-mobile.png", tmp_path, full_page=False)


def test_create_an_account(browsers):
    page = browsers.page(None, "/signin/?next=/")
    page.get_by_label("Username", exact=True).fill("newcomer")
    page.get_by_label("Email", exact=True).fill("newcomer@example.org")
    page.locator("#signup-password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#signup-form .form-error")).to_contain_text("Password is too weak")
    page.locator("#signup-password").fill("a-long-enough-passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#session")).to_contain_text("Signed in as newcomer")
    expect(page.get_by_text("You have not joined a community yet.")).to_be_visible()
    assert page.errors == []


def test_small_screens_keep_the_page_usable(browsers, lab):
    page = open_article(
        browsers, lab["member"], lab["path"], viewport={"width": 360, "height": 740}
    )
    wait_live(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"horizontal scrolling on a phone: {width}px"
    expect(page.get_by_role("button", name="Start discussion")).to_be_visible()


def test_an_ended_session_says_so_in_every_tab_and_keeps_what_was_written(browsers, api):
    person = api.signup("ended")
    context = browsers.context(person)
    first, second = context.new_page(), context.new_page()
    for page in (first, second):
        page.goto("/")
        expect(page.locator("#session")).to_contain_text(f"Signed in as {person.username}")
    # Signed out everywhere from elsewhere: the browser's tokens are refused from now on.
    api.call("POST", "/api/auth/logout", json={"refresh": person.refresh, "all": True}, expect=204)

    first.get_by_role("textbox", name="Name").fill("Written after the end")
    first.get_by_role("button", name="Create community").click()

    for page in (first, second):
        notice = page.locator("#session-ended")
        expect(notice).to_have_attribute("role", "alert")
        expect(notice).to_contain_text("Your session ended.")
        assert notice.get_by_role("link", name="Sign in again").get_attribute("href") == (
            "/signin/?next=%2F"
        )
        expect(page.locator("#session")).not_to_contain_text("Signed in as")
    expect(first.get_by_role("textbox", name="Name")).to_have_value("Written after the end")
    assert first.errors == [] and second.errors == []


def test_an_ended_session_stops_live_updates_and_the_indicator_says_why(browsers, api, lab):
    person = api.signup("ended-live")
    api.add_member(lab["admin"], lab["community"]["id"], person)
    context = browsers.context(person)
    writer, reader = context.new_page(), context.new_page()
    for page in (writer, reader):
        page.goto(lab["path"])
        page.wait_for_selector("#article-page[data-ready='true']")
        wait_live(page)
    api.call("POST", "/api/auth/logout", json={"refresh": person.refresh, "all": True}, expect=204)

    # The first request after the end learns it; every tab of the browser stops.
    writer.get_by_label("Topic").fill("Written after the end")
    writer.get_by_label("Message").fill("Kept in the draft")
    writer.get_by_role("button", name="Start discussion").click()
    for page in (writer, reader):
        status = page.locator("#live-status")
        expect(status).to_have_attribute("data-state", "ended")
        expect(status).to_contain_text("Live updates stopped")
        expect(status).to_contain_text("your session ended")
        assert "Sign in again to resume" in status.get_attribute("title")
    assert writer.errors == [] and reader.errors == []
