"""Readiness and Prometheus metrics of a real poll-server process."""

import re
import time

from pollserver.app import PollServer
from pollserver.metrics import LATENCY_BUCKETS, LatencyHistogram, published_at
from realtime_core.config import Environment, RealtimeConfig
from realtime_core.events import now_iso
from tests.pollserver.conftest import REDIS_URL

ALICE, COMMUNITY = 4242, 77


def metric_values(text: str) -> dict[str, float]:
    """`name{labels} value` lines of an exposition, keyed by name with labels."""
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


async def test_metrics_count_deliveries_catchups_and_404s(realtime, start_server, http):
    server = start_server()
    queue_id, cursor = realtime.register(ALICE, [COMMUNITY])
    waiting = server.poll(http, queue_id, cursor)
    event_id = realtime.publish(COMMUNITY, text="private words")
    assert (await waiting).json()["events"][0]["event_id"] == event_id
    assert (await server.poll(http, queue_id, event_id + 50)).json()["catchup_required"]
    assert (await server.poll(http, "unknown-but-well-formed-id", 0)).status_code == 404

    response = await http.get(server.url + "/metrics", headers={"Origin": server.allowed_origin})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert response.headers["access-control-allow-origin"] == server.allowed_origin
    values = metric_values(response.text)
    assert values["marginalia_poll_answered_with_events_total"] == 1
    assert values["marginalia_poll_events_delivered_total"] == 1
    assert values["marginalia_poll_catchups_total"] == 1
    assert values["marginalia_poll_not_found_total"] == 1
    assert values["marginalia_poll_log_events_read_total"] >= 1
    assert values["marginalia_poll_head_event_id"] == event_id
    assert values["marginalia_poll_live_queues"] == 1
    assert values["marginalia_poll_waiting_polls"] == 0
    assert values["marginalia_poll_redis_up"] == 1
    assert values["marginalia_poll_delivery_latency_seconds_count"] == 1
    assert values['marginalia_poll_delivery_latency_seconds_bucket{le="+Inf"}'] == 1
    # Counts and times only: no queue id, user id or contents.
    assert queue_id not in response.text
    assert "private words" not in response.text
    assert not re.search(rf"\b{ALICE}\b", response.text)


async def test_ready_follows_redis(private_redis, realtime_at, start_server, http, eventually):
    realtime_at(private_redis.url)
    server = start_server(redis_url=private_redis.url)
    ready = await http.get(server.url + "/ready", headers={"Origin": server.allowed_origin})
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "redis": "ok", "event_log": "loaded"}
    assert ready.headers["access-control-allow-origin"] == server.allowed_origin

    private_redis.stop()

    async def not_ready():
        response = await http.get(server.url + "/ready")
        return response.status_code == 503 and response.json()

    report = await eventually(not_ready, message="/ready to report Redis down")
    assert report["status"] == "not_ready" and report["redis"] == "unreachable"
    metrics = metric_values((await http.get(server.url + "/metrics")).text)
    assert metrics["marginalia_poll_redis_up"] == 0
    assert metrics["marginalia_poll_redis_errors_total"] >= 1

    private_redis.start()

    async def ready_again():
        return (await http.get(server.url + "/ready")).status_code == 200

    await eventually(ready_again, timeout=10, message="/ready to recover")


def test_latency_histogram_is_cumulative():
    histogram = LatencyHistogram()
    histogram.observe(0.003)
    histogram.observe(0.7, deliveries=3)
    histogram.observe(-0.01)  # a client clock slightly ahead counts as zero
    samples = {
        (sample.name, sample.labels.get("le")): sample.value
        for sample in histogram.family("latency", "test").samples
    }
    assert samples["latency_bucket", "0.005"] == 2
    assert samples["latency_bucket", "0.5"] == 2
    assert samples["latency_bucket", "1.0"] == 5
    assert samples["latency_bucket", "+Inf"] == 5
    assert samples["latency_count", None] == 5
    assert samples["latency_sum", None] == 0.003 + 0.7 * 3
    assert len(samples) == len(LATENCY_BUCKETS) + 3


def test_published_at_reads_the_event_timestamp():
    wire = b'{"event_id":5,"type":"new_comment","data":{},"timestamp":"2026-01-02T03:04:05.5Z"}'
    assert published_at(wire) == 1767323045.5
    assert published_at(b'{"event_id":5,"timestamp":"not a time"}') is None
    assert published_at(b'{"event_id":5}') is None
    assert abs(published_at(b'{"timestamp":"%s"}' % now_iso().encode()) - time.time()) < 5


async def test_servers_in_one_process_keep_their_metrics_apart():
    config = RealtimeConfig.from_env(Environment({"REALTIME_REDIS_URL": REDIS_URL}))
    first, second = PollServer(config), PollServer(config)
    try:
        first.metrics.catchups = 3
        second.metrics.not_found = 2
        first_values = metric_values(first.render_metrics().decode())
        second_values = metric_values(second.render_metrics().decode())
        assert (
            first_values["marginalia_poll_catchups_total"],
            first_values["marginalia_poll_not_found_total"],
        ) == (3, 0)
        assert (
            second_values["marginalia_poll_catchups_total"],
            second_values["marginalia_poll_not_found_total"],
        ) == (0, 2)
    finally:
        for server in (first, second):
            await server.stop()
