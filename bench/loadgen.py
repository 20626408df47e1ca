"""Load generator for the realtime poll server (issue 5). See bench/README.md.

Holds N long-polling clients (real users in private communities of COMMUNITY_SIZE
members, queues registered through the real API), publishes events at a fixed
rate through the API (HTTP comment writes) or straight into the Redis log
(--direct), and reports one JSON line.
"""

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench")]

from marginalia_client.protocol import CATCHUP, DELIVER, poll_target, read_poll_answer  # noqa: E402
from tests.support.lean_http import LeanConnection  # noqa: E402

COMMUNITY_SIZE = 100
CLK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
RESULTS = ROOT / "bench" / "results.jsonl"


def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK  # utime + stime


def proc_rss(pid: int) -> int:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE


def pct(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def ms(v):
    return None if v is None else round(v * 1000, 1)


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NGINX_CONF = """
daemon off;
worker_processes 1;
worker_rlimit_nofile 40000;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 30000; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # Round robin per request: a client's consecutive polls land on either process.
    upstream pollservers {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
        keepalive 512;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://pollservers;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_read_timeout 90s;
            proxy_buffering off;
        }}
    }}
}}
"""


class Bench:
    def __init__(self, workdir: Path, users: int, size: int = COMMUNITY_SIZE):
        resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
        if not os.environ.get("DATABASE_URL") and port_open(5432):
            os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/postgres"
        os.environ.setdefault("REALTIME_REDIS_URL", "redis://127.0.0.1:6379/15")
        from tests.support.stack import Stack

        self.stack = Stack(
            workdir,
            "bench",
            redis_db=15,
            env={"REALTIME_LOG_LEVEL": "WARNING", "JWT_ACCESS_TTL": "86400"},
        )
        self.users, self.size = users, size
        self.proxy = None  # set by scale_out(): polls then go through nginx to two processes

    # ---- set-up -------------------------------------------------------------------------
    def start(self):
        t = time.monotonic()
        self.stack.start()
        out = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "seed.py"), str(self.users), str(self.size)],
            env=self.stack.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        seeded = json.loads(out)
        self.communities = seeded["communities"]
        self.logins = {int(user): login for user, login in seeded["logins"].items()}
        os.environ.update(
            {k: v for k, v in self.stack.env.items() if k.startswith(("JWT_", "DJANGO_S"))}
        )
        from tests.support.api import Account, Api

        api = Api(self.stack.api_url)
        for c in self.communities:
            admin = Account(c["admin_id"], "", "", self.access_token(c["admin_id"]), "")
            c["admin_token"] = admin.access
            article = api.article(admin, c["id"])
            c["discussion_id"] = api.discussion(admin, c["id"], article["id"])["id"]
        self.setup_seconds = round(time.monotonic() - t, 1)
        return self

    def stop(self):
        self.stack.stop()

    @property
    def poll_pids(self) -> list[int]:
        return [
            self.stack.processes[name].pid
            for name in ("poll", "poll2")
            if name in self.stack.processes
        ]

    @property
    def poll_port(self) -> int:
        """Where clients poll: the one poll server, or the proxy in front of two."""
        return self.proxy["port"] if self.proxy else self.stack.poll_port

    def restart_poll_server(self):
        self.stack.stop_process("poll")
        self.stack.start_poll_server()
        if self.proxy:
            self.stack.stop_process("poll2")
            self._start_second_poll_server()
        time.sleep(0.5)

    def scale_out(self):
        """Start a second poll-server process and nginx round-robin in front of both."""
        directory = self.stack.workdir / "nginx"
        directory.mkdir(parents=True, exist_ok=True)
        self.proxy = {"port": free_port(), "second": free_port()}
        self._start_second_poll_server()
        (directory / "nginx.conf").write_text(
            NGINX_CONF.format(
                dir=directory,
                first=self.stack.poll_port,
                second=self.proxy["second"],
                port=self.proxy["port"],
            )
        )
        self.stack._spawn(
            "nginx", ["nginx", "-c", str(directory / "nginx.conf"), "-p", str(directory)]
        )
        while not port_open(self.proxy["port"]):
            time.sleep(0.05)

    def _start_second_poll_server(self):
        port = self.proxy["second"]
        self.stack._spawn("poll2", [sys.executable, "-m", "pollserver", "--port", str(port)])
        while not port_open(port):
            time.sleep(0.05)

    def access_token(self, user_id: int) -> str:
        from realtime_core import tokens

        return tokens.issue(user_id, tokens.ACCESS, fam=self.logins[user_id])

    async def register(self, user_ids, concurrency=32):
        port = self.stack.api_port
        todo = list(enumerate(user_ids))
        out = [None] * len(user_ids)

        async def worker():
            conn = LeanConnection("127.0.0.1", port)
            while todo:
                i, uid = todo.pop()
                bearer = {"Authorization": f"Bearer {self.access_token(uid)}"}
                status, body = await conn.request("POST", "/api/realtime/register", headers=bearer)
                if status != 200:
                    raise RuntimeError(f"register {uid}: {status} {body[:200]}")
                reg = json.loads(body)
                out[i] = (reg["queue_id"], reg["last_event_id"])
            conn.close()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return out

    # ---- clients ------------------------------------------------------------------------
    async def start_pollers(self, queues, on_events, port=None):
        """One long-polling loop per queue; on_events(client_index, events, now).

        Each poll is built and its answer read by the clients' own poll step
        (marginalia_client.protocol); the loop around it stays this bare so that the
        generator's CPU per poll is far below the server's it measures.
        """
        port = port or self.poll_port
        self.answered = 0
        self.errors = 0
        self.catchups = 0
        self._first_sent = 0
        self._running = True

        async def poll_loop(i, queue_id, cursor):
            conn = LeanConnection("127.0.0.1", port)
            first = True
            while self._running:
                try:
                    if first:
                        await conn.open()
                        self._first_sent += 1
                        first = False
                    status, body = await conn.request("GET", poll_target(queue_id, cursor))
                except (ConnectionError, OSError, asyncio.IncompleteReadError):
                    self.errors += 1
                    await asyncio.sleep(0.05)
                    continue
                now = time.time()
                self.answered += 1
                action, events, next_cursor = read_poll_answer(
                    status, json.loads(body) if status == 200 else None
                )
                if action == CATCHUP:
                    # Counted, not refetched: the run's delivered/lost figures show the gap.
                    self.catchups += 1
                elif action != DELIVER:  # an error status: none is expected in a run
                    self.errors += 1
                    await asyncio.sleep(0.05)
                    continue
                if events:
                    on_events(i, events, now)
                if next_cursor is not None:
                    cursor = next_cursor
            conn.close()

        self._tasks = [asyncio.create_task(poll_loop(i, q, c)) for i, (q, c) in enumerate(queues)]
        while self._first_sent < len(queues):
            await asyncio.sleep(0.05)

    async def stop_pollers(self):
        self._running = False
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # ---- one matrix cell ----------------------------------------------------------------
    async def run_cell(
        self,
        clients: int,
        rate: float,
        duration: float,
        direct: bool,
        settle: float = 2.0,
        drain: float = 5.0,
        on_start=None,
    ) -> dict:
        comms = self.communities[: (clients + self.size - 1) // self.size]
        client_users, client_comm = [], []
        for ci, c in enumerate(comms):
            for uid in c["member_ids"][: clients - len(client_users)]:
                client_users.append(uid)
                client_comm.append(ci)
        members_per_comm = [client_comm.count(ci) for ci in range(len(comms))]
        t_reg = time.monotonic()
        queues = await self.register(client_users)
        register_s = time.monotonic() - t_reg

        n_events = int(rate * duration)
        expected_of = [0] * n_events
        delivered_of = [0] * n_events
        seen = [set() for _ in range(clients)]
        latencies, dups, foreign = [], [0], [0]

        def on_events(i, events, now):
            s = seen[i]
            for ev in events:
                data = ev.get("data") or {}
                if direct:
                    b = data.get("bench")
                    if b is None:
                        foreign[0] += 1
                        continue
                    seq, t = b["seq"], b["t"]
                else:
                    parts = ((data.get("comment") or {}).get("content") or "").split()
                    if len(parts) != 3 or parts[0] != "bench":
                        foreign[0] += 1
                        continue
                    seq, t = int(parts[1]), float(parts[2])
                if seq in s:
                    dups[0] += 1
                    continue
                s.add(seq)
                delivered_of[seq] += 1
                latencies.append(now - t)

        await self.start_pollers(queues, on_events)
        await asyncio.sleep(settle)  # let every first poll park as a waiter

        write_lat, write_err = [], [0]
        if direct:
            import redis

            from realtime_core.events import content_event
            from realtime_core.log import EventLog

            log = EventLog(
                redis.Redis.from_url(self.stack.redis_url), maxlen=100_000, dedupe_ttl=60
            )
        else:
            pool = asyncio.Queue()
            for _ in range(16):
                pool.put_nowait(LeanConnection("127.0.0.1", self.stack.api_port))

        async def publish_http(seq, c):
            conn = await pool.get()
            try:
                t = time.time()
                status, _ = await conn.request(
                    "POST",
                    f"/api/discussions/{c['discussion_id']}/comments",
                    {"content": f"bench {seq} {t:.6f}", "parent_id": None},
                    {"Authorization": f"Bearer {c['admin_token']}"},
                )
                write_lat.append(time.time() - t)
                if status != 201:
                    write_err[0] += 1
            except Exception:
                write_err[0] += 1
                conn.close()
            finally:
                pool.put_nowait(conn)

        pids = self.poll_pids
        if on_start is not None:
            on_start()  # e.g. attach a profiler to the publishing window only
        cpu0, gen0, answered0 = sum(map(proc_cpu, pids)), time.process_time(), self.answered
        wall0 = time.monotonic()
        pubs = []
        for seq in range(n_events):
            delay = wall0 + seq / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            ci = seq % len(comms)
            expected_of[seq] = members_per_comm[ci]
            c = comms[ci]
            if direct:
                t = time.time()
                data = {
                    "comment": {"id": seq},
                    "bench": {"seq": seq, "t": t},
                    "article_id": 0,
                    "community_id": c["id"],
                }
                meta, body = content_event("new_comment", data, c["id"], None, None)
                log.append(f"bench-{wall0}-{seq}", meta, body, floor=0)
                write_lat.append(time.time() - t)
            else:
                pubs.append(asyncio.create_task(publish_http(seq, c)))
        publish_wall = time.monotonic() - wall0
        if pubs:
            await asyncio.gather(*pubs)
        expected = sum(expected_of)
        # Wait for stragglers until all arrived, or nothing arrived for `drain` s (max 60 s),
        # so that late deliveries of an overloaded server are not counted as lost.
        last_progress, last_count, hard_stop = time.monotonic(), -1, time.monotonic() + 60
        while sum(delivered_of) < expected and time.monotonic() < hard_stop:
            count = sum(delivered_of)
            if count != last_count:
                last_progress, last_count = time.monotonic(), count
            elif time.monotonic() - last_progress > drain:
                break
            await asyncio.sleep(0.1)
        wall = time.monotonic() - wall0
        cpu = sum(map(proc_cpu, pids)) - cpu0
        gen_cpu = time.process_time() - gen0
        answered = self.answered - answered0
        await self.stop_pollers()
        if not direct:
            while not pool.empty():
                pool.get_nowait().close()
        delivered = sum(delivered_of)
        return {
            "mode": ("direct" if direct else "http") + ("+2 processes" if self.proxy else ""),
            "clients": clients,
            "community_size": self.size,
            "communities": len(comms),
            "rate": rate,
            "events": n_events,
            "publish_seconds": round(publish_wall, 2),
            "expected": expected,
            "delivered": delivered,
            "lost": expected - delivered,
            "duplicates": dups[0],
            "poll_errors": self.errors,
            "catchups": self.catchups,
            "p50_ms": ms(pct(latencies, 0.50)),
            "p95_ms": ms(pct(latencies, 0.95)),
            "p99_ms": ms(pct(latencies, 0.99)),
            "max_ms": ms(max(latencies) if latencies else None),
            "deliveries_per_s": round(delivered / publish_wall, 1),
            "answered_polls": answered,
            "server_cpu_s": round(cpu, 2),
            "server_cpu_us_per_delivery": round(cpu / delivered * 1e6, 1) if delivered else None,
            "server_cpu_us_per_answered_poll": round(cpu / answered * 1e6, 1) if answered else None,
            "server_cpu_cores": round(cpu / wall, 2),
            "server_rss_mb": round(sum(map(proc_rss, pids)) / 2**20, 1),
            "write_p50_ms": ms(pct(write_lat, 0.5)),
            "write_p99_ms": ms(pct(write_lat, 0.99)),
            "write_errors": write_err[0],
            "loadgen_cpu_s": round(gen_cpu, 2),
            "loadgen_cores": round(gen_cpu / wall, 2),
            "register_seconds": round(register_s, 1),
        }

    # ---- memory: idle queues ------------------------------------------------------------
    async def run_idle(self, queues_n: int, settle: float = 3.0) -> dict:
        self.restart_poll_server()
        pid = self.poll_pids[0]
        rss0 = proc_rss(pid)
        users = [u for c in self.communities for u in c["member_ids"]]
        users = (users * (queues_n // len(users) + 1))[:queues_n]
        queues = await self.register(users)
        await self.start_pollers(queues, lambda *a: None)
        await asyncio.sleep(settle)
        rss1 = proc_rss(pid)
        await self.stop_pollers()
        return {
            "mode": "idle",
            "idle_queues": queues_n,
            "distinct_users": len(set(users)),
            "server_rss_idle_process_mb": round(rss0 / 2**20, 1),
            "server_rss_mb": round(rss1 / 2**20, 1),
            "rss_per_idle_queue_kb": round((rss1 - rss0) / queues_n / 1024, 2),
            "poll_errors": self.errors,
        }

    # ---- the floor: bare Tornado handler ------------------------------------------------
    async def run_floor(self, connections=200, duration=8.0) -> dict:
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "bare_server.py"), str(port)],
            env=self.stack.env if hasattr(self, "stack") else None,
        )
        try:
            while not port_open(port):
                await asyncio.sleep(0.05)
            count = [0]
            stop = [False]

            async def loop():
                conn = LeanConnection("127.0.0.1", port)
                while not stop[0]:
                    status, body = await conn.request(
                        "GET", "/realtime/poll?queue_id=x&last_event_id=0"
                    )
                    count[0] += 1
                conn.close()

            tasks = [asyncio.create_task(loop()) for _ in range(connections)]
            await asyncio.sleep(1.0)  # warm-up
            c0, cpu0, gen0, t0 = count[0], proc_cpu(proc.pid), time.process_time(), time.monotonic()
            await asyncio.sleep(duration)
            n, cpu, gen, wall = (
                count[0] - c0,
                proc_cpu(proc.pid) - cpu0,
                time.process_time() - gen0,
                time.monotonic() - t0,
            )
            stop[0] = True
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            proc.terminate()
            proc.wait()
        return {
            "mode": "floor",
            "connections": connections,
            "requests": n,
            "requests_per_s": round(n / wall),
            "server_cpu_us_per_request": round(cpu / n * 1e6, 1),
            "server_cpu_cores": round(cpu / wall, 2),
            "loadgen_cores": round(gen / wall, 2),
            "loadgen_cpu_us_per_request": round(gen / n * 1e6, 1),
        }


def record(result: dict) -> dict:
    result = {"time": time.strftime("%Y-%m-%dT%H:%M:%S"), **result}
    line = json.dumps(result)
    print(line, flush=True)
    with RESULTS.open("a") as f:
        f.write(line + "\n")
    return result


async def amain(args):
    bench = Bench(ROOT / "bench" / ".work", max(args.clients, args.idle or 0))
    bench.start()
    try:
        if args.idle:
            record(await bench.run_idle(args.idle))
        else:
            bench.restart_poll_server()
            record(await bench.run_cell(args.clients, args.rate, args.duration, args.direct))
        if args.floor:
            record(await bench.run_floor())
    finally:
        bench.stop()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--clients", type=int, default=1000)
    p.add_argument("--rate", type=float, default=5)
    p.add_argument("--duration", type=float, default=20)
    p.add_argument("--direct", action="store_true", help="publish straight into the Redis log")
    p.add_argument("--idle", type=int, default=0, help="memory mode: N idle queues")
    p.add_argument("--floor", action="store_true", help="also measure the bare-handler floor")
    asyncio.run(amain(p.parse_args()))
