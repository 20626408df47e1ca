"""The seed's front end, unchanged, from its own origin.

A minimal client written only to the seed's requirements (tests/browser/seed_client)
is served from an origin of its own, as the seed's Next.js front end is, and runs in
Chromium against the real stack started with config/scicommons.env. It registers,
polls, applies events the way the seed says (deleted_* removes), registers again on
404 and refetches on catchup_required. Every call it makes crosses origins, so every
preflight must pass and every answer, errors included, must carry the CORS headers.
"""

import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import jwt
import pytest
import redis

from realtime_core import keys
from tests.support.api import Api
from tests.support.stack import ROOT, Stack, wait_until

from .conftest import watch_errors

SEED_CLIENT = Path(__file__).parent / "seed_client"
SCICOMMONS_ENV = ROOT / "config" / "scicommons.env"
SEED_EVENT_FIELDS = {"type", "data", "community_ids", "timestamp", "event_id"}


def scicommons_settings() -> dict[str, str]:
    settings = {}
    for line in SCICOMMONS_ENV.read_text().splitlines():
        name, equals, value = line.partition("=")
        if equals and not line.lstrip().startswith("#"):
            settings[name.strip()] = value.strip()
    return settings


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def seed_stack(tmp_path_factory):
    settings = scicommons_settings()
    assert "http://localhost:3000" in settings["CORS_ALLOWED_ORIGINS"].split(",")
    # Everything from the file but the addresses, which are this test's own ports.
    env = {
        k: v for k, v in settings.items() if k not in ("CORS_ALLOWED_ORIGINS", "REALTIME_REDIS_URL")
    }
    stack = Stack(tmp_path_factory.mktemp("seed"), "seed_compat", redis_db=12, env=env).start()
    server = ThreadingHTTPServer(
        ("127.0.0.1", stack.frontend_port),
        functools.partial(QuietHandler, directory=str(SEED_CLIENT)),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield stack
    server.shutdown()
    server.server_close()
    stack.stop()


@pytest.fixture
def seed_page(seed_stack, chromium):
    api = Api(seed_stack.api_url)
    lab = api.lab()
    context = chromium.new_context()
    context.set_default_timeout(10_000)
    context.on("page", watch_errors)
    failed = []
    context.on("requestfailed", lambda request: failed.append(f"{request.method} {request.url}"))
    page = context.new_page()
    fragment = urlencode(
        {
            "api": seed_stack.api_url,
            "realtime": seed_stack.poll_url,
            "token": lab["member"].access,
            "article": lab["article"]["id"],
            "community": lab["community"]["id"],
        }
    )
    page.goto(f"{seed_stack.frontend_origin}/index.html#{fragment}")
    page.wait_for_function("window.seed && window.seed.polling && window.seed.registrations === 1")
    yield api, lab, page, failed
    context.close()


def _without_count(discussion: dict) -> dict:
    # The seed's rules never touch a discussion on comment events, so its count is the
    # one last fetched or sent with the discussion; everything else must be current.
    return {k: v for k, v in discussion.items() if k != "comments_count"}


def seed_state(page) -> dict:
    state = page.evaluate("""() => ({
        discussions: Object.fromEntries([...seed.discussions]),
        comments: Object.fromEntries([...seed.comments]),
    })""")
    state["discussions"] = {k: _without_count(d) for k, d in state["discussions"].items()}
    return state


def fresh_state(api, lab) -> dict:
    member, cid, aid = lab["member"], lab["community"]["id"], lab["article"]["id"]
    discussions = api.discussions(member, cid, aid)
    comments = {str(c["id"]): c for d in discussions for c in api.comments(member, d["id"])}
    return {
        "discussions": {str(d["id"]): _without_count(d) for d in discussions},
        "comments": comments,
    }


def wait_for_event(page, predicate_js: str, message: str):
    page.wait_for_function(f"seed.events.some((e) => {predicate_js})", timeout=5_000)


def test_the_scicommons_configuration_issues_day_long_access_tokens(seed_stack):
    account = Api(seed_stack.api_url).signup("tokens")
    claims = jwt.decode(account.access, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 24 * 3600


def test_a_seed_client_on_another_origin_receives_all_six_event_types(seed_page):
    api, lab, page, failed = seed_page
    admin, cid, aid = lab["admin"], lab["community"]["id"], lab["article"]["id"]
    started = time.monotonic()

    discussion = api.discussion(admin, cid, aid, topic="Live topic")
    wait_for_event(
        page, f"e.type === 'new_discussion' && e.data.discussion.id === {discussion['id']}", "new"
    )
    api.call(
        "PATCH", f"/api/discussions/{discussion['id']}", admin, json={"topic": "Edited"}, expect=200
    )
    parent = api.comment(admin, discussion["id"], "Parent")
    reply = api.comment(admin, discussion["id"], "Reply", parent["id"])
    api.call(
        "PATCH",
        f"/api/comments/{reply['id']}",
        admin,
        json={"content": "Reply, edited"},
        expect=200,
    )
    # Deleted with a reply: the parent stays as "[deleted]", and so does the reply.
    api.call("DELETE", f"/api/comments/{parent['id']}", admin, expect=204)
    page.wait_for_function(f"seed.comments.get({parent['id']})?.content === '[deleted]'")
    state = seed_state(page)
    assert state["comments"][str(reply["id"])]["content"] == "Reply, edited"
    assert page.locator(f"[data-comment-id='{reply['id']}']").is_visible()
    # The placeholder renders in a component that reads author.username and
    # author.profile_pic_url with no null check.
    assert state["comments"][str(parent["id"])]["author"] == {
        "id": None,
        "username": "[deleted]",
        "is_pseudonymous": False,
        "profile_pic_url": None,
    }
    assert page.locator(f"[data-comment-id='{parent['id']}']").inner_text() == (
        "[ [deleted]: [deleted]"
    )

    lone = api.comment(admin, discussion["id"], "Lone")
    api.call("DELETE", f"/api/comments/{lone['id']}", admin, expect=204)
    wait_for_event(
        page, f"e.type === 'deleted_comment' && e.data.comment_id === {lone['id']}", "deleted"
    )
    assert seed_state(page) == fresh_state(api, lab)

    doomed = api.discussion(admin, cid, aid, topic="Doomed")
    api.call("DELETE", f"/api/discussions/{doomed['id']}", admin, expect=204)
    wait_for_event(
        page, f"e.type === 'deleted_discussion' && e.data.discussion_id === {doomed['id']}", "gone"
    )
    assert time.monotonic() - started < 30

    events = page.evaluate("seed.events")
    assert {e["type"] for e in events} == {
        "new_discussion",
        "updated_discussion",
        "new_comment",
        "updated_comment",
        "deleted_comment",
        "deleted_discussion",
    }
    for event in events:
        assert SEED_EVENT_FIELDS <= event.keys()
        assert event["community_ids"] == [cid]
        assert event["data"]["article_id"] == aid and event["data"]["community_id"] == cid
        if event["type"] in ("new_discussion", "updated_discussion"):
            # The seed's front end names a discussion's author `user`.
            assert event["data"]["discussion"]["user"] == event["data"]["discussion"]["author"]
            assert event["data"]["discussion"]["user"]["username"] == admin.username
        if event["type"].endswith("_comment"):
            assert event["data"]["discussion_id"] == discussion["id"]
            assert event["data"]["comment"]["id"] == event["data"]["comment_id"]
        if event["type"] == "new_comment":
            assert event["data"]["comment"]["author"]["username"] == admin.username
    ids = [e["event_id"] for e in events]
    assert ids == sorted(set(ids))
    assert page.get_by_text(f"Edited by {admin.username}").is_visible()
    assert not page.errors and not page.evaluate("seed.errors")
    assert not [f for f in failed if "/realtime/poll" not in f], failed


def test_a_seed_client_writes_across_origins_and_is_spared_its_echo(seed_page):
    api, lab, page, failed = seed_page
    discussion = api.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"])
    wait_for_event(
        page, f"e.type === 'new_discussion' && e.data.discussion.id === {discussion['id']}", "new"
    )
    # A JSON body, a bearer token and X-Realtime-Queue-Id: a preflight that must pass.
    own = page.evaluate(f"seedComment({discussion['id']}, 'From the page')")
    marker = api.comment(lab["admin"], discussion["id"], "After it")
    wait_for_event(
        page, f"e.type === 'new_comment' && e.data.comment.id === {marker['id']}", "marker"
    )
    received = {
        e["data"]["comment"]["id"]
        for e in page.evaluate("seed.events")
        if e["type"] == "new_comment"
    }
    assert own["id"] not in received, "the writing queue is spared its own echo"
    assert not page.evaluate("seed.errors") and not failed


def test_a_seed_client_registers_again_on_404_and_refetches_on_catchup(seed_page, seed_stack):
    api, lab, page, failed = seed_page
    admin, cid, aid = lab["admin"], lab["community"]["id"], lab["article"]["id"]
    store = redis.Redis.from_url(seed_stack.redis_url)

    # The queue expires (as after a sleeping laptop). A poll server trusts what it
    # confirmed in the last few seconds, so wake the waiting poll until one asks Redis
    # again and gets 404.
    store.delete(keys.queue(page.evaluate("seed.queueId")))

    def answered_404():
        api.discussion(admin, cid, aid, topic="Wakes the waiting poll")
        return page.evaluate("seed.notFound") == 1

    wait_until(answered_404, timeout=30, interval=1, message="a poll answered 404")
    page.wait_for_function("seed.registrations === 2")
    after = api.discussion(admin, cid, aid, topic="After registering again")
    wait_for_event(page, f"e.data.discussion?.id === {after['id']}", "after re-register")

    # Redis loses its data: the client cannot be caught up by events and is told to
    # refetch (its queue went too: then 404 and a new registration).
    page.evaluate("seed.discussions.clear(); seed.comments.clear()")  # only a refetch restores
    assert seed_state(page) != fresh_state(api, lab)
    store.flushdb()
    page.wait_for_function("seed.catchups === 1")
    wait_until(
        lambda: seed_state(page) == fresh_state(api, lab), timeout=10, message="the refetched state"
    )
    page.wait_for_function("seed.registrations === 3")
    resumed = api.discussion(admin, cid, aid, topic="After the catch-up")
    wait_for_event(page, f"e.data.discussion?.id === {resumed['id']}", "after catch-up")
    assert not page.evaluate("seed.errors")
    assert page.evaluate("seed.registrations") == 3
    assert store.ttl(keys.queue(page.evaluate("seed.queueId"))) > 0
