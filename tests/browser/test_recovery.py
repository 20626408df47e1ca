"""A laptop that slept past its queue's lifetime catches up without losing anything."""

import re

import pytest
import redis
from playwright.sync_api import expect

from realtime_core import keys
from tests.support.api import Api
from tests.support.stack import Stack, wait_until

from .conftest import PollCounter, open_article, wait_live

TTL = 3


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory):
    """Queues expire 3 s after their last poll; polls answer after 1 s so live queues stay alive."""
    stack = Stack(
        tmp_path_factory.mktemp("browser-ttl"),
        "browser_ttl",
        redis_db=14,
        env={
            "REALTIME_QUEUE_TTL": str(TTL),
            "REALTIME_POLL_TIMEOUT": "1",
        },
    ).start()
    yield stack, Api(stack.api_url)
    stack.stop()


@pytest.fixture
def short_browsers(browsers, short_lived):
    browsers.stack = short_lived[0]
    return browsers


def test_queue_expired_while_asleep_recovers_with_no_lost_item(short_browsers, short_lived):
    stack, api = short_lived
    admin, member = api.signup("admin"), api.signup("member")
    community = api.community(admin, "private", members=[member])
    article = api.article(admin, community["id"])
    path = f"/c/{community['slug']}/a/{article['id']}/"
    before = api.discussion(admin, community["id"], article["id"], topic="Before the nap")

    page = open_article(short_browsers, member, path)
    polls = PollCounter(page.context, stack.poll_url)
    wait_live(page)
    expect(page.locator(".discussion-topic", has_text="Before the nap")).to_have_count(1)
    # Poll answers come every second here; page.evaluate pumps Playwright's events.
    wait_until(lambda: page.evaluate("0") or polls.started, message="a poll to be seen")
    queue_id = re.search(r"queue_id=([^&]+)", polls.started[-1][1]).group(1)

    # The laptop sleeps: no poll reaches the server...
    page.route("**/realtime/poll?*", lambda route: route.abort())
    expect(page.locator("#live-status")).to_have_attribute("data-state", "reconnecting")
    # ...for longer than the queue lives, while others keep writing.
    store = redis.Redis.from_url(stack.redis_url)
    wait_until(
        lambda: not store.exists(keys.queue(queue_id)), timeout=15, message="the queue to expire"
    )
    written = api.discussion(admin, community["id"], article["id"], topic="Written during the nap")
    api.comment(admin, written["id"], "A comment during the nap")
    api.comment(admin, before["id"], "A comment on the old discussion")

    # It wakes up.
    page.unroute("**/realtime/poll?*")
    expect(page.locator("#live-status")).to_have_attribute(
        "data-state", "connected", timeout=40_000
    )
    expect(page.locator(".discussion-topic", has_text="Written during the nap")).to_have_count(1)
    expect(page.locator(".comment-content", has_text="A comment during the nap")).to_have_count(1)
    expect(
        page.locator(".comment-content", has_text="A comment on the old discussion")
    ).to_have_count(1)
    expect(page.locator(".discussion")).to_have_count(2)
    assert not any(f"queue_id={queue_id}" in url for _page, url, _t in polls.started[-1:])

    # And it stays live on its new queue.
    api.discussion(admin, community["id"], article["id"], topic="After waking up")
    expect(page.locator(".discussion-topic", has_text="After waking up")).to_have_count(1)
    assert page.errors == []
