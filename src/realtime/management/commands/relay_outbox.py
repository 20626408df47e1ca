import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from realtime import relay
from realtime.connection import REDIS_ERRORS

logger = logging.getLogger("realtime.relay")


class Command(BaseCommand):
    help = "Relay committed outbox events to the Redis log until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.2, help="seconds between scans")

    def handle(self, *args, interval, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        delay = interval
        logger.info("relay started")
        while not stop.is_set():
            try:
                count = relay.publish_pending()
                if count:
                    logger.info("relayed %d events", count)
                delay = interval
            except (*REDIS_ERRORS, DatabaseError) as exc:
                delay = min(delay * 2, 5.0)  # back off while Redis or the database is away
                logger.warning("publish failed (%s); retrying in %.1fs", type(exc).__name__, delay)
            stop.wait(delay)
        logger.info("relay stopped")
