"""Live updates between members, tabs and through poll-server outages, in Chromium."""

import re
import time

from playwright.sync_api import expect

from .conftest import (
    FAKE_NOTIFICATIONS_AND_VISIBILITY,
    PollCounter,
    open_article,
    wait_live,
    wait_until,
)

WITHIN = 1.0  # seconds: the seed's "instantly"


def _seen_within(page, selector, started, **wait):
    page.wait_for_selector(selector, **wait)
    elapsed = time.monotonic() - started
    print(f"{selector}: {elapsed * 1000:.0f} ms")
    return elapsed


def _discussion(page, topic):
    return page.locator(".discussion").filter(
        has=page.get_by_role("heading", name=topic, exact=True)
    )


def test_member_sees_anothers_writes_within_a_second(browsers, lab):
    a = open_article(browsers, lab["admin"], lab["path"])
    b = open_article(browsers, lab["member"], lab["path"])
    wait_live(a)
    wait_live(b)

    # A starts a discussion.
    a.get_by_label("Topic").fill("Sample size")
    a.get_by_label("Message").fill("Is n = 12 enough for the claim in figure 3?")
    started = time.monotonic()
    a.get_by_role("button", name="Start discussion").click()
    assert _seen_within(b, ".discussion-topic:text-is('Sample size')", started) < WITHIN
    on_a = _discussion(a, "Sample size")
    on_b = _discussion(b, "Sample size")
    expect(on_b.locator(".discussion-content")).to_have_text(
        "Is n = 12 enough for the claim in figure 3?"
    )

    # A comments.
    on_a.get_by_role("button", name="Comment on “Sample size”").click()
    on_a.get_by_label("Add a comment").fill("The supplement has a power analysis.")
    started = time.monotonic()
    on_a.get_by_role("button", name="Comment", exact=True).click()
    assert (
        _seen_within(b, ".comment-content:text-is('The supplement has a power analysis.')", started)
        < WITHIN
    )
    expect(on_b.locator(".comments-title")).to_have_text("1 comment")

    # A replies to the comment.
    on_a.get_by_role("button", name=f"Reply to {lab['admin'].username}").click()
    reply_box = on_a.get_by_role("textbox", name=f"Reply to {lab['admin'].username}")
    reply_box.fill("It assumes a large effect, though.")
    started = time.monotonic()
    on_a.get_by_role("button", name="Reply", exact=True).click()
    assert (
        _seen_within(
            b, ".replies .comment-content:text-is('It assumes a large effect, though.')", started
        )
        < WITHIN
    )
    expect(on_b.locator(".comments-title")).to_have_text("2 comments")

    # A edits the discussion.
    on_a.get_by_role("button", name="Edit discussion “Sample size”").click()
    on_a.get_by_label("Message", exact=True).fill("Is n = 12 enough? (edited)")
    started = time.monotonic()
    on_a.get_by_role("button", name="Save").click()
    assert (
        _seen_within(b, ".discussion-content:text-is('Is n = 12 enough? (edited)')", started)
        < WITHIN
    )

    # A deletes the reply, then the discussion.
    reply_on_a = on_a.locator(".replies .comment").first
    reply_on_a.get_by_role("button", name=f"Delete comment by {lab['admin'].username}").click()
    started = time.monotonic()
    reply_on_a.get_by_role("button", name="Delete", exact=True).click()
    b.wait_for_selector(".replies .comment", state="detached")
    assert time.monotonic() - started < WITHIN
    expect(on_b.locator(".comments-title")).to_have_text("1 comment")
    # B may hear of it before A has its own answer: A's confirmation goes with that answer.
    expect(on_a.locator(".replies .comment")).to_have_count(0)

    on_a.get_by_role("button", name="Delete discussion “Sample size”").click()
    started = time.monotonic()
    on_a.locator(".confirm").get_by_role("button", name="Delete", exact=True).click()
    expect(on_b).to_have_count(0)
    assert time.monotonic() - started < WITHIN
    expect(on_a).to_have_count(0)
    assert a.errors == [] and b.errors == []


def test_own_writes_are_never_duplicated(browsers, api, lab):
    a = open_article(browsers, lab["admin"], lab["path"])
    wait_live(a)
    a.get_by_label("Topic").fill("Only once")
    a.get_by_label("Message").fill("Applied from the response, not again from an echo.")
    a.get_by_role("button", name="Start discussion").click()
    mine = _discussion(a, "Only once")
    expect(mine).to_have_count(1)
    mine.get_by_role("button", name="Comment on “Only once”").click()
    mine.get_by_label("Add a comment").fill("Mine")
    mine.get_by_role("button", name="Comment", exact=True).click()
    expect(mine.locator(".comment")).to_have_count(1)
    # Events are delivered in order: once a later one from someone else is
    # shown, any echo of the writes above would have been shown already.
    discussion_id = int(mine.get_attribute("data-id"))
    api.comment(lab["member"], discussion_id, "Later, from the member")
    expect(mine.locator(".comment-content", has_text="Later, from the member")).to_be_visible()
    expect(mine).to_have_count(1)
    expect(mine.locator(".comment")).to_have_count(2)
    expect(mine.locator(".comments-title")).to_have_text("2 comments")


def test_same_user_in_two_tabs_shares_one_long_poll(browsers, api, stack, lab):
    context = browsers.context(lab["member"])
    polls = PollCounter(context, stack.poll_url)
    first = context.new_page()
    first.goto(lab["path"])
    wait_live(first)
    second = context.new_page()
    second.goto(lab["path"])
    second.wait_for_selector("#article-page[data-ready='true']")
    wait_live(second)
    expect(first.locator("#live-status")).to_have_attribute("data-role", "leader")
    expect(second.locator("#live-status")).to_have_attribute("data-role", "follower")

    # Both tabs update from the one poll.
    discussion = api.discussion(
        lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="Shared between tabs"
    )
    for page in (first, second):
        expect(_discussion(page, "Shared between tabs")).to_have_count(1)
    first.evaluate("1")  # let Playwright deliver pending request events
    assert polls.in_flight == 1
    assert polls.pages_that_polled() == {id(first)}

    # A write in the follower tab reaches the leader tab (the server spares this browser's queue).
    on_second = _discussion(second, "Shared between tabs")
    on_second.get_by_role("button", name="Comment on “Shared between tabs”").click()
    on_second.get_by_label("Add a comment").fill("Written in the second tab")
    with second.expect_request(
        lambda r: r.method == "POST" and r.url.endswith("/comments")
    ) as sent:
        on_second.get_by_role("button", name="Comment", exact=True).click()
    leader_queue = re.search(r"queue_id=([^&]+)", polls.started[-1][1]).group(1)
    assert sent.value.headers["x-realtime-queue-id"] == leader_queue
    expect(
        _discussion(first, "Shared between tabs").locator(
            ".comment-content", has_text="Written in the second tab"
        )
    ).to_have_count(1)

    # The leader tab closes: the other takes over (within about a second here; the bound
    # is generous for a loaded machine, the handover waits on no timer of ours).
    closed_at = time.monotonic()
    first.close()
    expect(second.locator("#live-status")).to_have_attribute("data-role", "leader", timeout=10_000)
    while not polls.polls_since(closed_at) and time.monotonic() < closed_at + 10.0:
        second.evaluate("1")  # pumps Playwright's event queue
    taken_over = polls.polls_since(closed_at)
    assert taken_over, "no poll from the remaining tab within 10 s"
    assert {id(page) for page, _ in taken_over} == {id(second)}

    api.comment(lab["admin"], discussion["id"], "After the handover")
    expect(second.locator(".comment-content", has_text="After the handover")).to_be_visible()
    second.evaluate("1")
    assert polls.in_flight == 1
    assert second.errors == []


def test_poll_server_outage_shows_reconnecting_and_recovers(browsers, api, stack, lab):
    page = open_article(browsers, lab["member"], lab["path"])
    wait_live(page)
    try:
        stack.stop_process("poll")
        status = page.locator("#live-status")
        expect(status).to_have_attribute("data-state", "reconnecting", timeout=10_000)
        expect(status).to_contain_text("Reconnecting")
        expect(status.locator(".live-countdown")).to_have_text(re.compile(r"in \d+ s|now…"))
        api.discussion(
            lab["admin"],
            lab["community"]["id"],
            lab["article"]["id"],
            topic="Written during the outage",
        )
    finally:
        stack.start_poll_server()
    # Backoff is capped at 30 s; the first retry after the restart reconnects.
    expect(page.locator("#live-status")).to_have_attribute(
        "data-state", "connected", timeout=40_000
    )
    expect(_discussion(page, "Written during the outage")).to_have_count(1, timeout=5_000)
    api.discussion(
        lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="Written after the outage"
    )
    expect(_discussion(page, "Written after the outage")).to_have_count(1, timeout=3_000)
    assert page.errors == []


def test_events_of_other_articles_never_change_the_page(browsers, api, lab):
    other = api.article(lab["admin"], lab["community"]["id"])
    page = open_article(browsers, lab["member"], lab["path"])
    wait_live(page)
    elsewhere = api.discussion(lab["admin"], lab["community"]["id"], other["id"], topic="Elsewhere")
    api.comment(lab["admin"], elsewhere["id"], "Also elsewhere")
    api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="Here")
    # Events arrive in order: once "Here" shows, the others were seen and ignored.
    expect(_discussion(page, "Here")).to_have_count(1)
    expect(page.locator(".discussion")).to_have_count(1)
    expect(page.get_by_text("Elsewhere")).to_have_count(0)
    expect(page.locator(".toast")).to_have_count(0)


def test_offline_and_back_online(browsers, api, lab):
    page = open_article(browsers, lab["member"], lab["path"])
    wait_live(page)
    page.context.set_offline(True)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "offline")
    expect(page.locator("#live-status")).to_contain_text("Offline")
    api.discussion(
        lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="While offline"
    )
    page.context.set_offline(False)
    # "online" polls at once, without waiting for a backoff.
    expect(page.locator("#live-status")).to_have_attribute("data-state", "connected", timeout=5_000)
    expect(_discussion(page, "While offline")).to_have_count(1, timeout=5_000)
    assert page.errors == []


def test_hidden_tab_gets_a_desktop_notification(browsers, api, lab):
    api.call(
        "PUT", "/api/me/notification-preferences", lab["member"], json={"desktop": True}, expect=200
    )
    context = browsers.context(lab["member"])
    context.grant_permissions(["notifications"])
    context.add_init_script(FAKE_NOTIFICATIONS_AND_VISIBILITY)
    page = context.new_page()
    page.goto(lab["path"])
    page.wait_for_selector("#article-page[data-ready='true']")  # knowing the preferences
    wait_live(page)
    page.evaluate("window.__hide(true)")
    api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"], topic="Ping")
    wait_until(page, "window.__notes.length > 0")
    assert page.evaluate("window.__notes") == [
        ["Marginalia", f"{lab['admin'].username} started “Ping”"]
    ]
    page.evaluate("window.__hide(false)")
    assert page.errors == []
