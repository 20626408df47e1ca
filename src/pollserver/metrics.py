"""Prometheus metrics of one poll-server process, in the text exposition format.

The hot path only bumps plain integers; gauges (live queues, waiting polls, the
head) are read from the process's state when scraped. Nothing here names a
user, a queue or an event's contents: only counts and times.

Delivery latency runs from the event's `timestamp` (set by the API when the
write happened, so it includes the commit and the publish) to the moment the
answer is handed to the connection. Events are logged with ids, not times, so
the timestamp is read from the encoded event once per event, not per recipient.
"""

import bisect
from datetime import datetime

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

    def render(self, name: str) -> list[str]:
        lines, cumulative = [], 0
        for bound, count in zip((*LATENCY_BUCKETS, "+Inf"), self.counts):
            cumulative += count
            lines.append(f'{name}_bucket{{le="{bound}"}} {cumulative}')
        lines += [f"{name}_sum {self.sum:.6f}", f"{name}_count {self.total}"]
        return lines


class PollMetrics:
    """Counters the fan-out, the poller and the HTTP layer bump as they work."""

    __slots__ = (
        "answered_with_events", "events_delivered", "catchups", "not_found",
        "redis_errors", "latency", "open_connections", "connections_refused",
        "connections_timed_out", "answers_too_large", "route_errors",
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


_HELP = {
    "marginalia_poll_live_queues": ("gauge", "Queue records cached by this process"),
    "marginalia_poll_waiting_polls": ("gauge", "Polls waiting for an event"),
    "marginalia_poll_head_event_id": ("gauge", "Newest event id read from the log"),
    "marginalia_poll_log_events_read_total": ("counter", "Entries read from the event log"),
    "marginalia_poll_answered_with_events_total": ("counter", "Polls answered with events"),
    "marginalia_poll_events_delivered_total": ("counter", "Events delivered, summed over polls"),
    "marginalia_poll_catchups_total": ("counter", "Polls answered with catchup_required"),
    "marginalia_poll_not_found_total": ("counter", "Polls answered 404 (unknown or expired queue)"),
    "marginalia_poll_redis_errors_total":
        ("counter", "Redis failures: log reads, polls answered 503, queue renewals"),
    "marginalia_poll_redis_up": ("gauge", "1 while the event log is readable"),
    "marginalia_poll_ready": ("gauge", "1 once the event log is loaded and Redis answers"),
    "marginalia_poll_open_connections": ("gauge", "HTTP connections being served"),
    "marginalia_poll_connections_refused_total":
        ("counter", "Connections over the connection limit, answered 503 and closed"),
    "marginalia_poll_connections_timed_out_total":
        ("counter", "Connections closed by a deadline (idle, head, body or write)"),
    "marginalia_poll_answers_too_large_total":
        ("counter", "Connections closed because an answer exceeded the unsent-bytes cap"),
    "marginalia_poll_route_errors_total":
        ("counter", "Requests answered 500 after an unexpected exception"),
}
_LATENCY = "marginalia_poll_delivery_latency_seconds"


def exposition(values: dict[str, float], latency: LatencyHistogram) -> str:
    lines = []
    for name, value in values.items():
        kind, text = _HELP[name]
        lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}", f"{name} {value}"]
    lines += [f"# HELP {_LATENCY} From the event's timestamp to the answer of a waiting poll",
              f"# TYPE {_LATENCY} histogram", *latency.render(_LATENCY)]
    return "\n".join(lines) + "\n"
