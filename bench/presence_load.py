"""Cost of presence and typing for 1,000 members viewing one article (issue 7).

Starts a private redis-server and one poll-server process, registers 1,000
members of one private community, and holds one long poll per member that asks
for signals. Presence and typing are published the way the Django endpoints
publish them (realtime_core.signals), so the figures are the signal path
itself: Redis work per heartbeat, poll-server CPU and delivery latency per
change, bytes per answer. Results: bench/PRESENCE.md.

    .venv/bin/python bench/presence_load.py [--members 1000]
"""

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench")]

import redis  # noqa: E402
from loadgen import free_port, ms, pct, port_open, proc_cpu  # noqa: E402

from marginalia_client.protocol import poll_target  # noqa: E402
from realtime_core import keys  # noqa: E402
from realtime_core.queues import QueueRegistry  # noqa: E402
from realtime_core.signals import PRESENCE_HEARTBEAT, Signals  # noqa: E402
from tests.support.lean_http import LeanConnection  # noqa: E402
from tests.support.stack import RedisServer, wait_until  # noqa: E402

COMMUNITY, ARTICLE, DISCUSSION = 1, 1, 1


def redis_cpu(client) -> float:
    info = client.info("cpu")
    return info["used_cpu_sys"] + info["used_cpu_user"]


class Viewers:
    """One long poll per member, each asking for signals; records when each signal arrives."""

    def __init__(self, port: int, queues: list[str]):
        self.port, self.queues = port, queues
        self.arrivals: dict[str, list[float]] = {}  # signal id -> receive times
        self.answer_bytes: list[int] = []
        self.tasks: list[asyncio.Task] = []

    async def start(self):
        self.tasks = [asyncio.create_task(self._loop(q)) for q in self.queues]

    async def _loop(self, queue_id: str):
        conn, cursor, signal_cursor = LeanConnection("127.0.0.1", self.port), 0, "0"
        while True:
            status, body = await conn.request("GET", poll_target(queue_id, cursor, signal_cursor))
            now = time.monotonic()
            answer = json.loads(body)
            cursor = answer.get("last_event_id", cursor)
            if answer.get("signals"):
                self.answer_bytes.append(len(body))
                signal_cursor = answer["signal_cursor"]
                for signal in answer["signals"]:
                    self.arrivals.setdefault(signal["id"], []).append(now)

    def stop(self):
        for task in self.tasks:
            task.cancel()


async def delivery(viewers, publish, expected: int, timeout: float = 20.0) -> dict:
    """Publish one signal; how long until `expected` viewers got it."""
    started = time.monotonic()
    signal_id = publish()
    deadline = started + timeout
    while len(viewers.arrivals.get(signal_id, ())) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    latencies = [t - started for t in viewers.arrivals.get(signal_id, ())]
    return {
        "received": len(latencies),
        "p50_ms": ms(pct(latencies, 0.5)),
        "p99_ms": ms(pct(latencies, 0.99)),
        "max_ms": ms(max(latencies, default=None)),
    }


async def amain(args) -> dict:
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    members = args.members
    workdir = Path(tempfile.mkdtemp(prefix="presence-bench-"))
    redis_server = RedisServer(workdir / "redis", appendfsync="everysec")
    redis_server.start()
    url = f"{redis_server.url_base}/0"
    client = redis.Redis.from_url(url)
    signals = Signals(client)
    port = free_port()
    poll = subprocess.Popen(
        [sys.executable, "-m", "pollserver", "--port", str(port), "--host", "127.0.0.1"],
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "REALTIME_REDIS_URL": url,
            "REALTIME_LOG_LEVEL": "WARNING",
            "REALTIME_POLL_TIMEOUT": "60",
            "JWT_SECRET": "bench-secret-0123456789abcdef0123456789",
        },
    )
    result: dict = {"members": members}
    viewers = None
    try:
        wait_until(lambda: port_open(port), message="poll server")
        registry = QueueRegistry(client, ttl=600, max_per_user=10, registrations_per_minute=10**6)
        queues = [registry.create(user_id, [COMMUNITY]) for user_id in range(1, members + 1)]

        # 1. Heartbeats: every member's tab reports every PRESENCE_HEARTBEAT seconds.
        now = time.time()
        for user_id in range(1, members + 1):
            signals.presence(
                COMMUNITY, ARTICLE, user_id, f"member{user_id}", "tab-00000001", True, now
            )
        cpu, started = redis_cpu(client), time.perf_counter()
        rounds = 2000
        for i in range(rounds):
            user_id = 1 + i % members
            signals.presence(
                COMMUNITY, ARTICLE, user_id, f"member{user_id}", "tab-00000001", True, time.time()
            )
        elapsed = time.perf_counter() - started
        redis_per_call = (redis_cpu(client) - cpu) / rounds
        rate = members / PRESENCE_HEARTBEAT
        result["heartbeat"] = {
            "round_trip_us": round(elapsed / rounds * 1e6),
            "redis_cpu_us": round(redis_per_call * 1e6),
            "calls_per_second": round(rate, 1),
            "redis_cpu_share": f"{redis_per_call * rate * 100:.1f}%",
            "signals_published": 0,  # nobody came or went: nothing is sent
        }

        # 2. One change (a member arrives) reaching everybody else's waiting poll.
        viewers = Viewers(port, queues)
        await viewers.start()
        await all_waiting(port, members)
        poll_cpu = proc_cpu(poll.pid)
        arrivals = []
        for n in range(args.changes):
            user_id = members + 1 + n  # newcomers: every one changes the set
            arrivals.append(
                await delivery(
                    viewers,
                    lambda u=user_id: (
                        signals.presence(
                            COMMUNITY, ARTICLE, u, f"member{u}", "tab-00000001", True, time.time()
                        ).version
                    ),
                    members,
                )
            )
            await all_waiting(port, members)
        per_change = (proc_cpu(poll.pid) - poll_cpu) / args.changes
        result["presence_change"] = {
            "recipients": members,
            "latency_ms_p50": sorted(a["p50_ms"] for a in arrivals)[len(arrivals) // 2],
            "latency_ms_p99": max(a["p99_ms"] for a in arrivals),
            "latency_ms_p99_each": [a["p99_ms"] for a in arrivals],
            "delivered": f"{sum(a['received'] for a in arrivals)}/{members * args.changes}",
            "poll_server_cpu_ms": round(per_change * 1000, 1),
            "answer_bytes": pct(viewers.answer_bytes, 0.5),
        }

        # 3. Typing: one typist reaches the other members (the typist is never told).
        viewers.answer_bytes.clear()
        poll_cpu = proc_cpu(poll.pid)
        typing = []
        for n in range(args.changes):
            typist = 1 + n
            client.delete(keys.typing_throttle(DISCUSSION, typist))

            def publish(u=typist):
                signals.typing(
                    COMMUNITY,
                    ARTICLE,
                    DISCUSSION,
                    u,
                    {"id": u, "username": f"member{u}", "is_pseudonymous": False},
                )
                return client.xrevrange(keys.SIGNALS, count=1)[0][0].decode()

            typing.append(await delivery(viewers, publish, members - 1))
            await all_waiting(port, members)
        per_typing = (proc_cpu(poll.pid) - poll_cpu) / args.changes
        result["typing"] = {
            "recipients": members - 1,
            "latency_ms_p50": sorted(a["p50_ms"] for a in typing)[len(typing) // 2],
            "latency_ms_p99": max(a["p99_ms"] for a in typing),
            "delivered": f"{sum(a['received'] for a in typing)}/{(members - 1) * args.changes}",
            "poll_server_cpu_ms": round(per_typing * 1000, 1),
            "answer_bytes": pct(viewers.answer_bytes, 0.5),
        }
    finally:
        if viewers is not None:
            viewers.stop()
        poll.terminate()
        try:
            poll.wait(15)
        except subprocess.TimeoutExpired:
            poll.kill()
        redis_server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return result


async def all_waiting(port: int, members: int, timeout: float = 60.0) -> None:
    """Until every member's poll waits again (answered polls come straight back)."""
    health, deadline = LeanConnection("127.0.0.1", port), time.monotonic() + timeout
    try:
        while json.loads((await health.request("GET", "/health"))[1])["pending_polls"] < members:
            if time.monotonic() > deadline:
                raise TimeoutError("the polls did not all come back")
            await asyncio.sleep(0.05)
    finally:
        health.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument(
        "--changes", type=int, default=10, help="presence changes and typing signals"
    )
    result = asyncio.run(amain(parser.parse_args()))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
