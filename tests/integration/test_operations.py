"""Operating the real processes: relay metrics, API readiness, graceful stops,
and logs that name ids but never hold a token or private content, even at
DEBUG level."""

import re
import signal
import time
import uuid

import httpx
import jwt
import pytest

from realtime_core import tokens
from tests.support.api import Api
from tests.support.poller import Poller, poll_once
from tests.support.stack import Stack, free_port, port_open, wait_until


@pytest.fixture(scope="module")
def operated(tmp_path_factory):
    """Everything at DEBUG level, relay metrics on, and a Redis the tests may stop."""
    metrics_port = free_port()
    stack = Stack(
        tmp_path_factory.mktemp("operations"),
        "operations",
        redis_db=0,
        own_redis=True,
        env={
            "LOG_LEVEL": "DEBUG",
            "REALTIME_LOG_LEVEL": "DEBUG",
            "RELAY_METRICS_PORT": str(metrics_port),
            "REALTIME_POLL_TIMEOUT": "2",
        },
    ).start()
    stack.metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
    wait_until(lambda: port_open(metrics_port), timeout=20, message="the relay's metrics port")
    yield stack, Api(stack.api_url)
    stack.stop()


def relay_metrics(stack) -> dict[str, float]:
    text = httpx.get(stack.metrics_url, timeout=5).text
    return {
        name: float(value)
        for name, value in re.findall(r"^(marginalia_relay_\w+) (\S+)$", text, re.MULTILINE)
    }


def _private_pair(api: Api):
    admin, member = api.signup("admin"), api.signup("member")
    community = api.community(admin, "private", members=[member])
    return admin, member, community, api.article(admin, community["id"])


def _readiness(stack) -> httpx.Response:
    return httpx.get(f"{stack.api_url}/api/ready", timeout=5)


def _answers_ready(stack) -> bool:
    """Ready, for a starting API: one that accepts but is slow to answer is not yet."""
    try:
        return _readiness(stack).status_code == 200
    except httpx.TransportError:
        return False


def test_relay_metrics_show_backlog_lag_and_redis_errors_then_recovery(operated):
    stack, api = operated
    admin, _, community, article = _private_pair(api)
    before = relay_metrics(stack)
    assert before["marginalia_relay_backlog_events"] == 0
    assert before["marginalia_relay_database_up"] == 1
    assert before["marginalia_relay_last_success_timestamp_seconds"] > 0

    stack.redis.stop()
    try:
        # Writes still commit; their events wait in the outbox.
        for _ in range(3):
            api.discussion(admin, community["id"], article["id"])
        during = wait_until(
            lambda: (
                (m := relay_metrics(stack))["marginalia_relay_backlog_events"] == 3
                and m["marginalia_relay_redis_errors_total"]
                > before["marginalia_relay_redis_errors_total"]
                and m["marginalia_relay_lag_seconds"] > 0
                and m
            ),
            timeout=15,
            message="the backlog and Redis errors to show",
        )
    finally:
        stack.redis.start()
    restarted = time.monotonic()
    relayed_before = before["marginalia_relay_events_relayed_total"]
    # The relay counts a pass just after committing it, so a scrape in between
    # may see the backlog gone and the count not yet up: wait for both.
    after = wait_until(
        lambda: (
            (m := relay_metrics(stack))["marginalia_relay_backlog_events"] == 0
            and m["marginalia_relay_events_relayed_total"] > relayed_before
            and m
        ),
        timeout=15,
        message="the relay to drain the backlog",
    )
    recovery = time.monotonic() - restarted
    assert after["marginalia_relay_lag_seconds"] == 0
    assert after["marginalia_relay_events_relayed_total"] - relayed_before == 3
    assert (
        after["marginalia_relay_last_success_timestamp_seconds"]
        > during["marginalia_relay_last_success_timestamp_seconds"]
    )
    assert recovery < 10
    print(f"\nrelay backlog of 3 drained {recovery:.2f}s after Redis came back")


def test_metrics_port_answers_only_metrics(operated):
    stack, _ = operated
    response = httpx.get(stack.metrics_url, timeout=5)
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "# TYPE marginalia_relay_events_relayed_total counter" in response.text
    assert httpx.get(stack.metrics_url.replace("/metrics", "/other"), timeout=5).status_code == 404


def test_readiness_follows_redis_while_liveness_stays_up(operated):
    stack, _ = operated
    assert _readiness(stack).json() == {"status": "ready", "database": "ok", "redis": "ok"}
    stack.redis.stop()
    try:
        not_ready = _readiness(stack)
        assert not_ready.status_code == 503
        assert not_ready.json() == {"status": "not_ready", "database": "ok", "redis": "unreachable"}
        live = httpx.get(f"{stack.api_url}/api/health", timeout=5)
        assert live.status_code == 200 and live.json() == {"status": "alive"}
    finally:
        stack.redis.start()
    wait_until(
        lambda: _readiness(stack).status_code == 200,
        timeout=10,
        message="readiness once Redis is back",
    )
    assert httpx.post(f"{stack.api_url}/api/ready", timeout=5).status_code == 405


def test_logs_hold_ids_but_no_token_and_no_private_content(operated):
    stack, api = operated
    marker = f"PRIVATE-{uuid.uuid4().hex}"
    admin, member, community, article = _private_pair(api)
    queue = api.register(member)
    with Poller(stack.poll_url, queue["queue_id"], queue["last_event_id"]) as poller:
        discussion = api.discussion(
            admin,
            community["id"],
            article["id"],
            topic=f"{marker} topic",
            content=f"{marker} content",
        )
        comment = api.comment(admin, discussion["id"], f"{marker} comment")
        api.call(
            "PATCH",
            f"/api/comments/{comment['id']}",
            admin,
            json={"content": f"{marker} edited"},
            expect=200,
        )
        poller.wait_for(lambda e: e["type"] == "updated_comment", timeout=10)
    # Every way a token travels, including refused ones.
    logged_in = api.call(
        "POST",
        "/api/auth/login",
        json={"login": member.username, "password": member.password},
        expect=200,
    ).json()
    refreshed = api.call(
        "POST", "/api/auth/refresh", json={"refresh": member.refresh}, expect=200
    ).json()
    forged = jwt.encode(
        {"sub": str(member.id), "type": "access", "exp": 2**40}, "wrong-secret", algorithm="HS256"
    )
    expired = jwt.encode(
        {"sub": str(member.id), "type": "access", "exp": 1}, tokens.secret(), algorithm="HS256"
    )
    for bad in (forged, expired, marker):
        api.call("GET", "/api/auth/me", headers={"Authorization": f"Bearer {bad}"}, expect=401)
    api.call("POST", "/api/auth/refresh", json={"refresh": forged}, expect=401)
    api.call(
        "POST", "/api/auth/login", json={"login": member.username, "password": marker}, expect=401
    )
    poll_once(
        stack.poll_url,
        queue["queue_id"],
        queue["last_event_id"],
        timeout=5,
        headers={"Authorization": f"Bearer {forged}"},
    )
    # On a connection of its own: gunicorn drops a connection whose body went unread.
    oversized = httpx.post(
        f"{stack.api_url}/api/discussions/{discussion['id']}/comments",
        json={"content": marker * 20_000},
        timeout=10,
        headers={"Authorization": f"Bearer {admin.access}"},
    )
    assert oversized.status_code == 413

    secrets_used = {
        "marker": marker,
        "queue id": queue["queue_id"],
        "forged token": forged,
        "expired token": expired,
        **{
            f"{who} {kind} token": getattr(account, kind)
            for who, account in (("admin", admin), ("member", member))
            for kind in ("access", "refresh")
        },
        **{
            f"issued {kind} token": body[kind]
            for body in (logged_in, refreshed)
            for kind in ("access", "refresh")
        },
    }
    # The last write's line shows the API has flushed what came before it.
    api_log = stack.logs / "api.log"
    wait_until(
        lambda: (
            f"event=comment_updated comment_id={comment['id']}"
            in api_log.read_text(errors="replace")
        ),
        timeout=10,
        message="the API's log line",
    )
    logs = {path.name: path.read_text(errors="replace") for path in stack.logs.glob("*.log")}
    assert set(logs) >= {"api.log", "relay.log", "poll.log"}
    for name, text in logs.items():
        for what, secret in secrets_used.items():
            assert secret not in text, f"{what} appears in {name}"

    assert " DEBUG " in logs["api.log"], "the API really logged at DEBUG level"
    assert (
        f"event=discussion_created discussion_id={discussion['id']} "
        f"article_id={article['id']} community_id={community['id']} user_id={admin.id}"
        in logs["api.log"]
    )
    assert (
        "event=auth_failed reason=token_has_expired method=GET path=/api/auth/me" in logs["api.log"]
    )
    assert f"event=login_failed user_id={member.id}" in logs["api.log"]
    assert re.search(r"event=relayed first_event_id=\d+ count=\d+", logs["api.log"])


def test_health_endpoints_carry_no_personal_data(operated):
    stack, api = operated
    _, member, _, _ = _private_pair(api)
    queue = api.register(member)
    poll_once(stack.poll_url, queue["queue_id"], queue["last_event_id"], timeout=5)
    poll_health = httpx.get(f"{stack.poll_url}/health", timeout=5).json()
    assert set(poll_health) <= {
        "status",
        "active_queues",
        "pending_polls",
        "redis",
        "head_event_id",
        "ring_events",
    }, poll_health
    bodies = [
        httpx.get(f"{stack.poll_url}/health", timeout=5).text,
        httpx.get(f"{stack.api_url}/api/health", timeout=5).text,
        _readiness(stack).text,
    ]
    for body in bodies:
        assert member.username not in body and queue["queue_id"] not in body


def test_relay_stops_gracefully_and_starts_again(operated):
    stack, api = operated
    relay = stack.processes["relay"]
    started = time.monotonic()
    relay.send_signal(signal.SIGTERM)
    assert relay.wait(10) == 0
    print(f"\nrelay stopped {time.monotonic() - started:.2f}s after SIGTERM")
    stack.processes.pop("relay")
    assert "event=relay_stopped" in (stack.logs / "relay.log").read_text()
    metrics_port = int(stack.metrics_url.split(":")[2].split("/")[0])
    assert not port_open(metrics_port)

    stack.start_relay()
    wait_until(lambda: port_open(metrics_port), timeout=20, message="the relay to start again")
    assert relay_metrics(stack)["marginalia_relay_backlog_events"] == 0


def test_api_stops_gracefully_and_is_ready_after_starting_again(operated):
    stack, api = operated
    gunicorn = stack.processes.pop("api")
    started = time.monotonic()
    gunicorn.send_signal(signal.SIGTERM)
    assert gunicorn.wait(10) == 0
    print(f"\nAPI stopped {time.monotonic() - started:.2f}s after SIGTERM")
    assert not port_open(stack.api_port)

    stack.start_api()
    wait_until(lambda: _answers_ready(stack), timeout=30, message="the API to be ready again")
    _, member, _, _ = _private_pair(api)
    assert api.register(member)["queue_id"]
