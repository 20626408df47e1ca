"""A discussion followed by thousands: what a comment costs its writer, what telling
every follower costs the relay, and how soon the last follower's bell counts it.

    .venv/bin/python bench/notification_fanout.py [--followers 5000] [--few 3] [--writes 200]
        [--fanout-runs 10] [--bell-runs 3] [--polls N] [--sqlite]

Three measurements, one JSON line each on stdout, appended to bench/notification_fanout.jsonl:

- `write_cost`: a comment written through the API in process (Django's test client, as
  bench/comment_write.py) in a private community whose discussion `--few` members
  follow, and in one whose discussion `--followers` members follow; the writes
  alternate between the two, so both see the same machine load. CPU (process time)
  and database queries per write, and the ratio big / few.
- `fanout`: `deliver_pending()` (the relay's notification pass) for one comment to
  the followers: wall time, CPU, queries and inbox lines written. Runs alternate
  between `fresh` (every earlier line read, so each follower gets a new line) and
  `gathered` (each follower's unread line about the discussion is replaced by one
  counting this comment too, the steady state of a busy discussion).
- `bell`: a real poll-server process (`python -m pollserver`) and one long poll per
  follower (`--polls`, default all), each on its own keep-alive connection and queue,
  asking with `signal_cursor` and `notifications=1`, all in one forked asyncio process
  on the load generator's lean client (tests/support/lean_http.py), and the relay as
  its own process (`manage.py relay_outbox`), which the write wakes. A comment is
  written; per follower: time from the write's request start until their poll
  answered with the comment's `notification` signal.

PostgreSQL (a database of its own on 127.0.0.1:5432, dropped at the end) when it
answers, else SQLite (`--sqlite` forces it); Redis database 12, emptied before and after.
"""

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "notification_fanout.jsonl"
REDIS_URL = "redis://127.0.0.1:6379/12"

from bench.common import (  # noqa: E402
    Database,
    InProcessApi,
    django_environment,
    percentile,
    port_open,
    report,
)
from bench.loadgen import free_port, proc_cpu  # noqa: E402


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def spread(seconds: list[float]) -> dict:
    if not seconds:
        return {"p50_ms": None}  # nothing arrived: `received` says so
    return {
        "p50_ms": ms(percentile(seconds, 0.5)),
        "p99_ms": ms(percentile(seconds, 0.99)),
        "max_ms": ms(max(seconds)),
        "mean_ms": ms(statistics.mean(seconds)),
    }


class Site(InProcessApi):
    """The API in process, one writer, and discussions with many followers."""

    def followed_discussion(self, name: str, followers: int) -> dict:
        """A private community of the writer plus `followers` members, who all follow
        its one discussion (members and follow rows bulk-inserted: no password hashing)."""
        from django.db import transaction

        from accounts.models import User
        from communities.models import Membership
        from notifications.models import DiscussionFollow

        community, discussion = self.private_discussion(name)
        prefix = name.lower().replace(" ", "")
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User.unsaved(f"{prefix}{n}", email=f"{prefix}{n}@example.org", password="!")
                    for n in range(followers)
                ],
                batch_size=2000,
            )
            Membership.objects.bulk_create(
                [
                    Membership(community_id=community["id"], user=user, role=Membership.MEMBER)
                    for user in users
                ],
                batch_size=2000,
            )
            DiscussionFollow.objects.bulk_create(
                [DiscussionFollow(discussion_id=discussion["id"], user=user) for user in users],
                batch_size=2000,
            )
        return {
            "community_id": community["id"],
            "discussion_id": discussion["id"],
            "follower_ids": [user.id for user in users],
        }

    def comment(self, discussion: dict, content: str) -> dict:
        return self.call(
            "POST",
            f"/api/discussions/{discussion['discussion_id']}/comments",
            {"content": content},
        )


def measure_write_cost(site: Site, few: dict, many: dict, writes: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def one_write(discussion, n) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            site.comment(discussion, f"A plain comment {n}.")
            cpu = time.process_time() - started
        return cpu, len(captured)

    for n in range(20):  # warm: imports, caches, connections
        one_write(few, n)
        one_write(many, n)
    costs = {"few": ([], []), "many": ([], [])}
    for n in range(writes):  # alternated, so both see the same load on the machine
        for name, discussion in (("few", few), ("many", many)):
            cpu, queries = one_write(discussion, n)
            costs[name][0].append(cpu)
            costs[name][1].append(queries)
    summary = {
        name: {
            "followers": len(discussion["follower_ids"]),
            "cpu_ms_p50": ms(statistics.median(cpu)),
            "cpu_ms_mean": ms(statistics.mean(cpu)),
            "queries_p50": statistics.median(queries),
            "queries_max": max(queries),
        }
        for (name, (cpu, queries)), discussion in zip(costs.items(), (few, many))
    }

    def ratio(figure: str) -> float:
        return round(summary["many"][figure] / summary["few"][figure], 3)

    return {
        "measure": "write_cost",
        "writes": writes,
        **summary,
        "cpu_ratio_p50": ratio("cpu_ms_p50"),
        "cpu_ratio_mean": ratio("cpu_ms_mean"),
        "queries_ratio": ratio("queries_p50"),
    }


def mark_everything_delivered() -> None:
    """The write-cost runs left activity pending; the fan-out runs deliver one comment each."""
    from django.utils import timezone

    from notifications.models import Activity

    Activity.objects.filter(delivered_at__isnull=True).update(delivered_at=timezone.now())


def measure_fanout(site: Site, many: dict, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from notifications.delivery import deliver_pending
    from notifications.models import Notification

    mark_everything_delivered()
    timings = {"fresh": [], "gathered": []}
    lines = {"fresh": [], "gathered": []}
    queries = {"fresh": [], "gathered": []}
    cpu = {"fresh": [], "gathered": []}
    for run in range(runs):
        state = ("fresh", "gathered")[run % 2]
        if state == "fresh":
            Notification.objects.filter(
                discussion_id=many["discussion_id"], read_at__isnull=True
            ).update(read_at=timezone.now())
        comment = site.comment(many, f"Fan-out {run}.")
        with CaptureQueriesContext(connection) as captured:
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            delivered = deliver_pending()
            timings[state].append(time.perf_counter() - wall_start)
            cpu[state].append(time.process_time() - cpu_start)
        assert delivered == 1, delivered
        queries[state].append(len(captured))
        lines[state].append(Notification.objects.filter(comment_id=comment["id"]).count())
    return {
        "measure": "fanout",
        "followers": len(many["follower_ids"]),
        "runs": runs,
        **{
            state: {
                "runs": len(timings[state]),
                **spread(timings[state]),
                "cpu_ms_p50": ms(statistics.median(cpu[state])),
                "queries": statistics.median(queries[state]),
                "lines_written": statistics.median(lines[state]),
            }
            for state in timings
            if timings[state]
        },
    }


class Process:
    """A server of the project as its own process, with the bench's database, Redis and
    secrets; stopped with SIGTERM."""

    def __init__(self, argv: list[str], env: dict | None = None):
        self.process = subprocess.Popen(
            [sys.executable, *argv],
            env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_for(self, ready, what: str) -> None:
        deadline = time.monotonic() + 30
        while not ready():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_poll_server() -> tuple[Process, int]:
    port = free_port()
    server = Process(
        ["-m", "pollserver", "--port", str(port)],
        {"REALTIME_LOG_LEVEL": "WARNING", "REALTIME_POLL_PORT": str(port)},
    )
    server.wait_for(lambda: port_open(port), "the poll server")
    return server, port


def start_relay() -> Process:
    """`manage.py relay_outbox` at its default interval, woken by each write."""
    from tests.support.stack import relay_waiting

    relay = Process([str(ROOT / "src" / "manage.py"), "relay_outbox"])
    relay.wait_for(lambda: relay_waiting(REDIS_URL), "the relay")
    return relay


def register_queues(user_ids: list[int], community_id: int) -> list[tuple[str, int]]:
    """A queue per follower, as POST /api/realtime/register makes it (the head read
    first, then the queue with the user's private memberships), without 5,000 requests."""
    from realtime import relay
    from realtime.connection import event_log, queue_registry

    queues = []
    for user_id in user_ids:
        head, _epoch = event_log().head(floor=relay.highest_event_id())
        queues.append((queue_registry().create(user_id, [community_id]), head))
    return queues


class Followers:
    """One long poll per follower, each on its own keep-alive connection, following its
    event and signal cursors as a page does; notes when each comment's notification
    arrives at each follower."""

    def __init__(self, port: int, queues: list[tuple[str, int]]):
        self.port, self.queues = port, queues
        # comment id -> {follower index: time its notification arrived}
        self.received: dict[int, dict[int, float]] = {}
        self.errors = 0
        self.sent_first = 0

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._poll_loop(i, queue_id, cursor))
            for i, (queue_id, cursor) in enumerate(self.queues)
        ]
        while self.sent_first < len(self.queues):
            await asyncio.sleep(0.05)

    async def _poll_loop(self, index: int, queue_id: str, cursor: int) -> None:
        from marginalia_client.protocol import poll_target, read_signals
        from tests.support.lean_http import LeanConnection

        connection = LeanConnection("127.0.0.1", self.port)
        signal_cursor = "0"
        while True:
            try:
                await connection.open()
                break
            except OSError:  # the listen backlog overflowed: 5,000 connect at once
                self.errors += 1
                await asyncio.sleep(0.1)
        self.sent_first += 1
        while True:
            try:
                status, raw = await connection.request(
                    "GET", poll_target(queue_id, cursor, signal_cursor, notifications=True)
                )
            except (ConnectionError, OSError, asyncio.IncompleteReadError):
                self.errors += 1
                await asyncio.sleep(0.05)
                continue
            arrived = time.time()
            if status != 200:
                self.errors += 1
                await asyncio.sleep(0.05)
                continue
            body = json.loads(raw)
            cursor = body.get("last_event_id", cursor)
            found = read_signals(body)
            if found is None:
                continue
            signals, signal_cursor = found
            for signal in signals:
                if signal["type"] == "notification":
                    comment_id = (signal.get("data") or {}).get("comment_id")
                    self.received.setdefault(comment_id, {}).setdefault(index, arrived)

    async def arrivals(self, comment_id: int, timeout: float = 30) -> list[float]:
        """When each follower heard of the comment: waits until all did, or `timeout`."""
        deadline = time.monotonic() + timeout
        while (
            len(self.received.get(comment_id, ())) < len(self.queues)
            and time.monotonic() < deadline
        ):
            await asyncio.sleep(0.02)
        return list(self.received.get(comment_id, {}).values())


def run_followers(port: int, queues: list[tuple[str, int]], commands) -> None:
    """The followers' process: the polls run beside the writer and the relay, as the
    pages of 5,000 people do, not in their process (whose CPU would delay either)."""

    async def serve() -> None:
        followers = Followers(port, queues)
        await followers.start()
        await asyncio.sleep(3)  # every first poll parks as a waiter
        commands.send("ready")
        loop = asyncio.get_running_loop()
        while (comment_id := await loop.run_in_executor(None, commands.recv)) is not None:
            commands.send((await followers.arrivals(comment_id), followers.errors))

    asyncio.run(serve())


def measure_bell(site: Site, many: dict, runs: int, polls: int) -> dict:
    import multiprocessing

    from django.db import connections

    from notifications.models import Activity

    mark_everything_delivered()
    server, port = start_poll_server()
    relay, followers = None, None
    try:
        register_started = time.monotonic()
        queues = register_queues(many["follower_ids"][:polls], many["community_id"])
        register_seconds = time.monotonic() - register_started
        # The forked process must not share the database connection.
        connections.close_all()
        commands, followers_end = multiprocessing.Pipe()
        followers = multiprocessing.get_context("fork").Process(
            target=run_followers, args=(port, queues, followers_end)
        )
        followers.start()
        assert commands.recv() == "ready"
        relay = start_relay()
        from_request, from_commit, per_run, poll_errors = [], [], [], 0
        for run in range(runs):
            pids = {"poll_server": server.process.pid, "clients": followers.pid}
            cpu_before = {name: proc_cpu(pid) for name, pid in pids.items()}
            request_start = time.time()
            comment = site.comment(many, f"Bell {run}.")
            committed = time.time()
            commands.send(comment["id"])
            arrivals, poll_errors = commands.recv()
            cpu = {name: proc_cpu(pid) - cpu_before[name] for name, pid in pids.items()}
            relayed = Activity.objects.get(comment_id=comment["id"]).delivered_at.timestamp()
            run_from_request = [t - request_start for t in arrivals]
            from_request += run_from_request
            from_commit += [t - committed for t in arrivals]
            per_run.append(
                {
                    "received": len(arrivals),
                    "write_ms": ms(committed - request_start),
                    # When the relay's pass, woken by the write, had its lines ready
                    # (their commit follows within milliseconds).
                    "relay_ms": ms(relayed - committed),
                    **spread(run_from_request),
                    # Until the last bell, and the 0.02 s the clients take to notice.
                    "poll_server_cpu_ms": ms(cpu["poll_server"]),
                    "clients_cpu_ms": ms(cpu["clients"]),
                }
            )
            time.sleep(3.5)  # past the poll server's replay window
        commands.send(None)
        followers.join(30)
    finally:
        if followers is not None and followers.is_alive():
            followers.terminate()
        for process in (relay, server):
            if process is not None:
                process.stop()
    return {
        "measure": "bell",
        "followers": len(many["follower_ids"]),
        "polls": len(queues),
        "runs": runs,
        "received_all": all(run["received"] == len(queues) for run in per_run),
        "poll_errors": poll_errors,
        "relay": "manage.py relay_outbox, its own process, woken by the write",
        "from_request": spread(from_request),
        "from_commit": spread(from_commit),
        "register_seconds": round(register_seconds, 1),
        "per_run": per_run,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=5000)
    parser.add_argument("--few", type=int, default=3, help="followers of the comparison")
    parser.add_argument("--writes", type=int, default=200, help="writes per discussion")
    parser.add_argument("--fanout-runs", type=int, default=10)
    parser.add_argument("--bell-runs", type=int, default=3)
    parser.add_argument(
        "--polls",
        type=int,
        default=None,
        help="long polls in the bell measurement (default: one per follower)",
    )
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    # One connection per poll on each side: the poll server inherits the raised limit.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    database = Database("bench_notification_fanout", args.sqlite)
    os.environ.update(django_environment(database.url, REALTIME_REDIS_URL=REDIS_URL))
    import django
    import redis

    redis_db = redis.Redis.from_url(REDIS_URL)
    redis_db.flushdb()
    database.create()
    try:
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        site = Site()
        run_id = uuid.uuid4().hex[:6]
        few = site.followed_discussion(f"Few {run_id}", args.few)
        many = site.followed_discussion(f"Many {run_id}", args.followers)
        common = {
            "label": args.label,
            "database": "postgresql" if database.postgres else "sqlite",
            "load_average": round(os.getloadavg()[0], 1),
        }
        report(RESULTS, {**measure_write_cost(site, few, many, args.writes), **common})
        report(RESULTS, {**measure_fanout(site, many, args.fanout_runs), **common})
        polls = args.polls or args.followers
        report(
            RESULTS,
            {
                **measure_bell(site, many, args.bell_runs, polls),
                **common,
                "load_average": round(os.getloadavg()[0], 1),
            },
        )
    finally:
        from django.db import connections

        connections.close_all()
        database.drop()
        redis_db.flushdb()


if __name__ == "__main__":
    main()
