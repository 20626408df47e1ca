"""Prometheus metrics of the outbox relay, written out by prometheus_client.

Counters are kept by this process. The backlog and the lag are read from the
database when scraped, so they stay true while the relay loop is stuck or
backing off, which is exactly when an operator looks at them. Most events are
published by the API right after its commit; the relay's counter shows what it
had to catch up (Redis was away, or an API process died before publishing).
Each `RelayMetrics` has a registry of its own, so tests may build several.
"""

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from .models import OutboxEvent

logger = logging.getLogger(__name__)


class RelayMetrics:
    def __init__(self):
        self.registry = CollectorRegistry(auto_describe=False)
        self._relayed = Counter(
            "marginalia_relay_events_relayed",
            "Outbox events this relay moved to the Redis log",
            registry=self.registry,
        )
        self._redis_errors = Counter(
            "marginalia_relay_redis_errors",
            "Relay passes that failed on Redis",
            registry=self.registry,
        )
        self._database_errors = Counter(
            "marginalia_relay_database_errors",
            "Relay passes that failed on the database",
            registry=self.registry,
        )
        self._last_success = Gauge(
            "marginalia_relay_last_success_timestamp_seconds",
            "When a relay pass last completed",
            registry=self.registry,
        )
        self.registry.register(_BacklogCollector())

    def passed(self, relayed: int) -> None:
        self._relayed.inc(relayed)
        self._last_success.set_to_current_time()

    def failed(self, on_redis: bool) -> None:
        (self._redis_errors if on_redis else self._database_errors).inc()

    def render(self) -> bytes:
        """The Prometheus text format (`CONTENT_TYPE_PLAIN_0_0_4`)."""
        return generate_latest(self.registry)


class _BacklogCollector:
    """The outbox rows not yet in the log, read from the database at each scrape."""

    def collect(self):
        pending = _pending_outbox()
        if pending is None:
            yield _gauge("marginalia_relay_database_up", 0)
            return
        oldest = pending["oldest"]
        lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        yield _gauge("marginalia_relay_backlog_events", pending["count"])
        yield _gauge("marginalia_relay_lag_seconds", max(lag, 0.0))
        yield _gauge("marginalia_relay_database_up", 1)


def _pending_outbox() -> dict | None:
    """How many rows wait and when the oldest was committed; None when the database is away."""
    try:
        return OutboxEvent.objects.filter(published_at__isnull=True).aggregate(
            count=Count("id"), oldest=Min("created_at")
        )
    except DatabaseError:
        return None
    finally:
        connection.close()  # scrapes run on their own threads; hold no connection between them


_BACKLOG_DESCRIPTIONS = {
    "marginalia_relay_backlog_events": "Committed outbox events not yet in the Redis log",
    "marginalia_relay_lag_seconds": "Age of the oldest committed event not yet in the log",
    "marginalia_relay_database_up": "1 if the database answered this scrape",
}


def _gauge(name: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, _BACKLOG_DESCRIPTIONS[name], value=value)


def serve(metrics: RelayMetrics, host: str, port: int) -> ThreadingHTTPServer:
    """Answer `GET /metrics` on a daemon thread until the returned server is shut down."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.split("?", 1)[0] != "/metrics":
                self.send_error(404)
                return
            body = metrics.render()
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE_PLAIN_0_0_4)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass  # scrapes every few seconds are not worth a log line

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="relay-metrics", daemon=True).start()
    logger.info("relay metrics on port %d", server.server_address[1])
    return server
