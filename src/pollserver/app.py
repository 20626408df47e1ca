"""Wiring and running one poll-server process.

`PollServer` owns the process's state (queue cache, memberships, waiters, the
log reader) and its background tasks; `serve` puts the HTTP side around it
(`http.HttpServer` with `routes.Routes`) and runs it until SIGTERM or SIGINT,
then answers every waiting poll with its current state and exits.
"""

import argparse
import asyncio
import dataclasses
import logging
import resource
import signal

from prometheus_client import CollectorRegistry, generate_latest
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff

from realtime_core import connections, secret_keys, tokens
from realtime_core.config import RealtimeConfig

from .config import PollServerConfig
from .fanout import Fanout
from .http import HttpLimits, HttpServer
from .logreader import LogReader
from .memberships import Memberships
from .metrics import PollCollector, PollMetrics
from .poll import Poller
from .queues import QueueCache
from .routes import CorsPolicy, Routes
from .signals import SignalRelay

log = logging.getLogger("pollserver")

RENEW_INTERVAL = 2.0  # seconds between batched TTL renewals
SHUTDOWN_GRACE = 3.0  # seconds to let answered polls reach their clients
SHUTDOWN_RENEW_TIMEOUT = 1.0  # seconds the last TTL renewal may take before exiting anyway
READY_PING_TIMEOUT = 1.0  # seconds a readiness probe waits for Redis


class InFlight:
    """Counts polls being answered, so shutdown can wait until their answers are written."""

    def __init__(self):
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def started(self) -> None:
        self.count += 1
        self._idle.clear()

    def finished(self) -> None:
        self.count -= 1
        if self.count == 0:
            self._idle.set()

    async def drained(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
            return True
        except TimeoutError:
            return False


class PollServer:
    def __init__(self, config: RealtimeConfig):
        self.config = config
        # Commands fail fast while Redis is away: the poll answers 503 and the
        # client retries, rather than hanging on reconnect attempts.
        self.redis = connections.async_client(
            config.redis_url,
            max_connections=32,
            pool_timeout=5,
            retry=Retry(ExponentialBackoff(cap=0.1, base=0.01), 2),
        )
        # The log reader's blocking XREAD holds a connection of its own and
        # does its own reconnecting with backoff.
        self._stream_redis = connections.async_client(config.redis_url, retry=Retry(NoBackoff(), 0))
        self.memberships = Memberships(self.redis)
        self.queues = QueueCache(self.redis, config.queue_ttl, RENEW_INTERVAL)
        self.metrics = PollMetrics()
        self.registry = CollectorRegistry(auto_describe=False)  # this server's alone
        self.registry.register(PollCollector(self))
        self.fanout = Fanout(
            config.pending_limit,
            config.poll_timeout,
            self.metrics,
            answer_bytes=config.answer_bytes,
        )
        self.reader = LogReader(
            self._stream_redis,
            self.redis,
            self.fanout,
            self.memberships,
            on_data_lost=self._forget_everything,
            ring_size=config.ring_size,
            ring_bytes=config.ring_bytes,
            queues=self.queues,
        )
        # Signals follow their own stream on a connection of their own.
        self._signal_redis = connections.async_client(config.redis_url, retry=Retry(NoBackoff(), 0))
        self.signals = SignalRelay(
            self._signal_redis, self.fanout, on_logins_ended=self._logins_ended
        )
        self.poller = Poller(
            self.reader,
            self.queues,
            self.memberships,
            self.fanout,
            config.pending_limit,
            self.signals,
        )
        self.requests = InFlight()
        self._tasks: list[asyncio.Task] = []

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self.reader.run(), name="log reader"),
            asyncio.create_task(self._maintain(), name="queue maintenance"),
            asyncio.create_task(self.signals.run(), name="signal reader"),
        ]

    async def stop(self) -> None:
        """Answer every waiting poll with its current state, then let go of Redis."""
        self.poller.accepting_waits = False
        self.fanout.answer_all_with_current_state()
        if not await self.requests.drained(SHUTDOWN_GRACE):
            log.warning("%d polls still unanswered at shutdown", self.requests.count)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            # The last polls still count as heartbeats, if Redis answers promptly.
            await asyncio.wait_for(self.queues.renew_touched(), SHUTDOWN_RENEW_TIMEOUT)
        except Exception as exc:
            log.warning("could not renew queues at shutdown: %s: %s", type(exc).__name__, exc)
        await self.redis.aclose()
        await self._stream_redis.aclose()
        await self._signal_redis.aclose()

    def health(self) -> tuple[bool, dict]:
        healthy = self.reader.redis_ok and self.reader.ready
        return healthy, {
            "status": "healthy" if healthy else "unhealthy",
            "active_queues": len(self.queues),
            "pending_polls": self.fanout.pending_polls,
            "redis": "ok" if self.reader.redis_ok else "unreachable",
            "head_event_id": self.reader.head,
            "ring_events": self.reader.ring_size,
        }

    async def readiness(self) -> tuple[bool, dict]:
        """Whether a balancer should send polls here: Redis answers and the log is loaded."""
        try:
            redis_ok = bool(await asyncio.wait_for(self.redis.ping(), READY_PING_TIMEOUT))
        except Exception:
            redis_ok = False
        loaded = self.reader.ready
        stopping = not self.poller.accepting_waits
        ready = redis_ok and loaded and not stopping
        return ready, {
            "status": "stopping" if stopping else "ready" if ready else "not_ready",
            "redis": "ok" if redis_ok else "unreachable",
            "event_log": "loaded" if loaded else "not_loaded",
        }

    def render_metrics(self) -> bytes:
        """The Prometheus text format (`metrics.CONTENT_TYPE`)."""
        return generate_latest(self.registry)

    def _logins_ended(self, user_id: int) -> None:
        """Some of the user's logins ended and their queues were deleted before the signal
        was sent: their polls ask again, and each queue is looked up in Redis."""
        self.queues.forget_user(user_id)
        self.fanout.release(user_id)

    def _forget_everything(self, head: int) -> None:
        """Redis lost data: queues and memberships are gone, waiters must catch up."""
        self.fanout.answer_all_with_catchup(head)
        self.queues.clear()
        self.memberships.clear()

    async def _maintain(self) -> None:
        while True:
            await asyncio.sleep(RENEW_INTERVAL)
            try:
                await self.queues.renew_touched()
            except Exception as exc:
                self.metrics.redis_errors += 1
                log.warning("queue renewal failed, retrying: %s: %s", type(exc).__name__, exc)
            self.queues.forget_idle()
            self.memberships.retain(self.queues.owners() | self.fanout.waiting_users())


FILES_KEPT_FOR_REDIS_AND_LOGS = 64  # descriptors not given to client connections


def fit_connections_to_open_files(limits: HttpLimits) -> HttpLimits:
    """Raise the open-files limit for `max_connections`, or lower it to what the system allows.

    Past the open-files limit `accept` fails, and a listening socket that stays
    readable would spin the loop; the connection limit refuses cleanly instead.
    """
    wanted = limits.max_connections + FILES_KEPT_FOR_REDIS_AND_LOGS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft != resource.RLIM_INFINITY and soft < wanted:
        log.warning(
            "open-files limit %d: serving at most %d connections instead of %d",
            soft,
            soft - FILES_KEPT_FOR_REDIS_AND_LOGS,
            limits.max_connections,
        )
        return dataclasses.replace(
            limits, max_connections=max(1, soft - FILES_KEPT_FOR_REDIS_AND_LOGS)
        )
    return limits


def make_http_server(server: PollServer, limits: HttpLimits) -> HttpServer:
    routes = Routes(server, CorsPolicy(server.config.allowed_origins))
    return HttpServer(routes, limits, server.metrics)


async def serve(
    config: RealtimeConfig, port: int, host: str = "", limits: HttpLimits = HttpLimits()
) -> None:
    """Run one process until SIGTERM or SIGINT."""
    server = PollServer(config)
    server.start()
    http_server = make_http_server(server, fit_connections_to_open_files(limits))
    http_server.listen(port, address=host)
    log.info("poll server listening on port %d", port)

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()

    log.info("shutting down")
    http_server.stop()
    await server.stop()
    log.info("stopped")


def main(argv: list[str] | None = None) -> None:
    config = PollServerConfig.from_env()
    parser = argparse.ArgumentParser(prog="pollserver", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port",
        type=int,
        default=config.port,
        help="port to listen on (default: REALTIME_POLL_PORT or 8888)",
    )
    parser.add_argument(
        "--host",
        default=config.host,
        help="address to bind (default: REALTIME_POLL_HOST or all interfaces)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=config.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        tokens.secret()  # polls may carry tokens: no checking them with a public key
    except secret_keys.MissingSecret as missing:
        missing.exit("pollserver")
    asyncio.run(serve(config.realtime, args.port, args.host, config.http))
