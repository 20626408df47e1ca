"""Prometheus metrics of the outbox relay, in the text exposition format.

Counters are kept by this process. The backlog and the lag are read from the
database when scraped, so they stay true while the relay loop is stuck or
backing off, which is exactly when an operator looks at them. Most events are
published by the API right after its commit; the relay's counter shows what it
had to catch up (Redis was away, or an API process died before publishing).
"""

import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.utils import timezone

from .models import OutboxEvent

logger = logging.getLogger(__name__)

_HELP = {
    "marginalia_relay_events_relayed_total":
        ("counter", "Outbox events this relay moved to the Redis log"),
    "marginalia_relay_redis_errors_total":
        ("counter", "Relay passes that failed on Redis"),
    "marginalia_relay_database_errors_total":
        ("counter", "Relay passes that failed on the database"),
    "marginalia_relay_last_success_timestamp_seconds":
        ("gauge", "When a relay pass last completed"),
    "marginalia_relay_backlog_events":
        ("gauge", "Committed outbox events not yet in the Redis log"),
    "marginalia_relay_lag_seconds":
        ("gauge", "Age of the oldest committed event not yet in the log"),
    "marginalia_relay_database_up":
        ("gauge", "1 if the database answered this scrape"),
}


class RelayMetrics:
    def __init__(self):
        self._lock = threading.Lock()
        self._counters = {
            "marginalia_relay_events_relayed_total": 0,
            "marginalia_relay_redis_errors_total": 0,
            "marginalia_relay_database_errors_total": 0,
        }
        self._last_success = 0.0

    def passed(self, relayed: int) -> None:
        with self._lock:
            self._counters["marginalia_relay_events_relayed_total"] += relayed
            self._last_success = time.time()

    def failed(self, on_redis: bool) -> None:
        name = "redis" if on_redis else "database"
        with self._lock:
            self._counters[f"marginalia_relay_{name}_errors_total"] += 1

    def _backlog(self) -> dict[str, float]:
        try:
            pending = OutboxEvent.objects.filter(published_at__isnull=True).aggregate(
                count=Count("id"), oldest=Min("created_at")
            )
        except DatabaseError:
            return {"marginalia_relay_database_up": 0}
        finally:
            connection.close()  # scrapes run on their own threads; hold no connection between them
        oldest = pending["oldest"]
        lag = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        return {
            "marginalia_relay_backlog_events": pending["count"],
            "marginalia_relay_lag_seconds": max(lag, 0.0),
            "marginalia_relay_database_up": 1,
        }

    def render(self) -> str:
        with self._lock:
            values = {**self._counters,
                      "marginalia_relay_last_success_timestamp_seconds": self._last_success}
        values.update(self._backlog())
        lines = []
        for name, value in values.items():
            kind, text = _HELP[name]
            lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}", f"{name} {value}"]
        return "\n".join(lines) + "\n"


def serve(metrics: RelayMetrics, host: str, port: int) -> ThreadingHTTPServer:
    """Answer `GET /metrics` on a daemon thread until the returned server is shut down."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.split("?", 1)[0] != "/metrics":
                self.send_error(404)
                return
            body = metrics.render().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
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
