"""Prometheus metrics of one poll-server process.

The hot path only bumps plain integers (`PollMetrics`): a prometheus_client
Counter takes a lock on every `inc`, several times per answered poll. A
collector (`PollCollector`) hands those integers, and the gauges read from the
process's state (live queues, waiting polls, the head), to prometheus_client
at scrape time, and prometheus_client writes the exposition. Each server has a
registry of its own, so servers built side by side in one process (tests) keep
their numbers apart. Nothing here names a user, a queue or an event's
contents: only counts and times.

Delivery latency runs from the event's `timestamp` (set by the API when the
write happened, so it includes the commit and the publish) to the moment the
answer is handed to the connection. Events are logged with ids, not times, so
the timestamp is read from the encoded event once per event, not per recipient.
"""

import bisect
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.utils import floatToGoString

# The text format `generate_latest` writes.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
# Upper bounds in seconds; a second is the product's promise, a minute the poll timeout.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_TIMESTAMP_KEY = b'"timestamp":"'


def published_at(wire: bytes) -> float | None:
    """The event's `timestamp` as a Unix time, or None when the event carries none readable."""
    start = wire.rfind(_TIMESTAMP_KEY)
    if start < 0:
        return None
    start += len(_TIMESTAMP_KEY)
    end = wire.find(b'"', start)
    try:
        return datetime.fromisoformat(wire[start:end].decode("ascii")).timestamp()
    except ValueError:
        return None


class LatencyHistogram:
    __slots__ = ("counts", "total", "sum")

    def __init__(self):
        self.counts = [0] * (len(LATENCY_BUCKETS) + 1)  # the last slot is +Inf
        self.total = 0
        self.sum = 0.0

    def observe(self, seconds: float, deliveries: int = 1) -> None:
        seconds = max(seconds, 0.0)  # the API's clock may run a little ahead of ours
        self.counts[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += deliveries
        self.total += deliveries
        self.sum += seconds * deliveries

    def family(self, name: str, documentation: str) -> HistogramMetricFamily:
        cumulative, buckets = 0, []
        for bound, count in zip((*LATENCY_BUCKETS, float("inf")), self.counts):
            cumulative += count
            buckets.append((floatToGoString(bound), cumulative))
        return HistogramMetricFamily(name, documentation, buckets=buckets, sum_value=self.sum)


class PollMetrics:
    """Counters the fan-out, the poller and the HTTP layer bump as they work."""

    __slots__ = (
        "answered_with_events",
        "events_delivered",
        "catchups",
        "not_found",
        "redis_errors",
        "latency",
        "open_connections",
        "connections_refused",
        "connections_timed_out",
        "answers_too_large",
        "route_errors",
    )

    def __init__(self):
        self.answered_with_events = 0  # polls answered with at least one event
        self.events_delivered = 0  # events in those answers, summed
        self.catchups = 0  # polls answered with catchup_required
        self.not_found = 0  # polls answered 404 (unknown or expired queue)
        self.redis_errors = 0  # polls answered 503, failed queue renewals
        self.latency = LatencyHistogram()
        self.open_connections = 0  # HTTP connections being served
        self.connections_refused = 0  # over the connection limit: answered 503 and closed
        self.connections_timed_out = 0  # closed by the deadline of their state
        self.answers_too_large = 0  # connections closed: an answer over the unsent-bytes cap
        self.route_errors = 0  # requests answered 500 by the routes' catch-all

    def answered(self, events: int) -> None:
        """A poll was answered with `events` events."""
        self.answered_with_events += 1
        self.events_delivered += events

    def reached(self, wire: bytes, recipients: int, now: float) -> None:
        """The event was handed to `recipients` polls at `now` (Unix time)."""
        published = published_at(wire)
        if published is not None:
            self.latency.observe(now - published, recipients)


# Name, type and meaning of each metric but the latency histogram, in exposition order.
_DESCRIPTIONS = {
    "marginalia_poll_live_queues": (GaugeMetricFamily, "Queue records cached by this process"),
    "marginalia_poll_waiting_polls": (GaugeMetricFamily, "Polls waiting for an event"),
    "marginalia_poll_head_event_id": (GaugeMetricFamily, "Newest event id read from the log"),
    "marginalia_poll_log_events_read_total": (
        CounterMetricFamily,
        "Entries read from the event log",
    ),
    "marginalia_poll_answered_with_events_total": (
        CounterMetricFamily,
        "Polls answered with events",
    ),
    "marginalia_poll_events_delivered_total": (
        CounterMetricFamily,
        "Events delivered, summed over polls",
    ),
    "marginalia_poll_catchups_total": (CounterMetricFamily, "Polls answered with catchup_required"),
    "marginalia_poll_not_found_total": (
        CounterMetricFamily,
        "Polls answered 404 (unknown or expired queue)",
    ),
    "marginalia_poll_redis_errors_total": (
        CounterMetricFamily,
        "Redis failures: log reads, polls answered 503, queue renewals",
    ),
    "marginalia_poll_redis_up": (GaugeMetricFamily, "1 while the event log is readable"),
    "marginalia_poll_ready": (
        GaugeMetricFamily,
        "1 once the event log is loaded and Redis answers",
    ),
    "marginalia_poll_open_connections": (GaugeMetricFamily, "HTTP connections being served"),
    "marginalia_poll_connections_refused_total": (
        CounterMetricFamily,
        "Connections over the connection limit, answered 503 and closed",
    ),
    "marginalia_poll_connections_timed_out_total": (
        CounterMetricFamily,
        "Connections closed by a deadline (idle, head, body or write)",
    ),
    "marginalia_poll_answers_too_large_total": (
        CounterMetricFamily,
        "Connections closed because an answer exceeded the unsent-bytes cap",
    ),
    "marginalia_poll_route_errors_total": (
        CounterMetricFamily,
        "Requests answered 500 after an unexpected exception",
    ),
}


class PollCollector:
    """What one poll server has counted and what its state is, read at each scrape."""

    def __init__(self, server):
        self._server = server  # an `app.PollServer`

    def collect(self):
        server = self._server
        counters, reader = server.metrics, server.reader
        values = {
            "marginalia_poll_live_queues": len(server.queues),
            "marginalia_poll_waiting_polls": server.fanout.pending_polls,
            "marginalia_poll_head_event_id": reader.head,
            "marginalia_poll_log_events_read_total": reader.events_read,
            "marginalia_poll_answered_with_events_total": counters.answered_with_events,
            "marginalia_poll_events_delivered_total": counters.events_delivered,
            "marginalia_poll_catchups_total": counters.catchups,
            "marginalia_poll_not_found_total": counters.not_found,
            "marginalia_poll_redis_errors_total": counters.redis_errors + reader.redis_errors,
            "marginalia_poll_redis_up": int(reader.redis_ok),
            "marginalia_poll_ready": int(reader.redis_ok and reader.ready),
            "marginalia_poll_open_connections": counters.open_connections,
            "marginalia_poll_connections_refused_total": counters.connections_refused,
            "marginalia_poll_connections_timed_out_total": counters.connections_timed_out,
            "marginalia_poll_answers_too_large_total": counters.answers_too_large,
            "marginalia_poll_route_errors_total": counters.route_errors,
        }
        for name, (family, documentation) in _DESCRIPTIONS.items():
            yield family(name, documentation, value=values[name])
        yield counters.latency.family(
            "marginalia_poll_delivery_latency_seconds",
            "From the event's timestamp to the answer of a waiting poll",
        )
