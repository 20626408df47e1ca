import logging
import signal
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils.module_loading import import_string

from realtime import metrics, relay
from realtime.connection import REDIS_ERRORS
from toolkit.log_lines import log_event

PRUNE_INTERVAL = 600.0  # seconds between deletions of old published rows


def _run(passes) -> None:
    """The passes after the outbox's. One that fails is logged and tried again on the
    next pass; it must never stop events from reaching the log."""
    for run_pass in passes:
        try:
            run_pass()
        except (*REDIS_ERRORS, DatabaseError):
            raise  # the loop backs off as it does for its own pass
        except Exception as exc:  # noqa: BLE001 - a bug there must not stop the relay
            log_event(
                "relay_pass_failed",
                logging.ERROR,
                task=run_pass.__module__,
                error=type(exc).__name__,
            )


def _wait_for_work(stop: threading.Event, interval: float) -> None:
    """Until the interval ends, or at once when a writer wakes the relay: a follower's bell
    need not wait out the interval. Blocks a second at most at a time, so a stop is seen
    within a second whatever the interval."""
    deadline = time.monotonic() + interval
    while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
        if relay.wait_for_work(min(left, 1.0)):
            return


class Command(BaseCommand):
    help = "Relay committed outbox events to the Redis log until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.2, help="seconds between scans")
        parser.add_argument(
            "--keep-hours",
            type=float,
            default=settings.OUTBOX_RETENTION_HOURS,
            help="hours published outbox rows are kept (default OUTBOX_RETENTION_HOURS or 24)",
        )
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=settings.RELAY_METRICS_PORT,
            help="serve Prometheus metrics on this port (default RELAY_METRICS_PORT; 0: off)",
        )
        parser.add_argument(
            "--metrics-host",
            default=settings.RELAY_METRICS_HOST,
            help="address the metrics port binds (default RELAY_METRICS_HOST; all interfaces)",
        )

    def handle(self, *args, interval, keep_hours, metrics_port, metrics_host, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        counters = metrics.RelayMetrics()
        exporter = metrics.serve(counters, metrics_host, metrics_port) if metrics_port else None
        log_event("relay_started", interval=interval, metrics_port=metrics_port or None)
        delay = interval
        next_prune = time.monotonic()
        passes = [import_string(path) for path in settings.RELAY_PASSES]
        while not stop.is_set():
            try:
                counters.passed(relay.publish_pending())
                _run(passes)
                if time.monotonic() >= next_prune:
                    relay.prune_published(timedelta(hours=keep_hours))
                    next_prune = time.monotonic() + PRUNE_INTERVAL
                delay = interval
                _wait_for_work(stop, interval)
            except (*REDIS_ERRORS, DatabaseError) as exc:
                counters.failed(on_redis=not isinstance(exc, DatabaseError))
                delay = min(delay * 2, 5.0)  # back off while Redis or the database is away
                log_event(
                    "relay_failed",
                    logging.WARNING,
                    error=type(exc).__name__,
                    retry_in=f"{delay:.1f}s",
                )
                stop.wait(delay)
        # A pass in progress has finished (the loop only stops between passes),
        # so no outbox row is left half published.
        if exporter is not None:
            exporter.shutdown()
        log_event("relay_stopped")
