"""How much of the realtime system one Redis carries: events appended to the log, the
log read by poll-server processes, and the Redis work of their clients, each measured
as Redis's own CPU per operation and extrapolated to one saturated core.

    .venv/bin/python bench/redis_ceiling.py [--seconds 8] [--publishers 4] [--readers 4]
        [--rates 20,100,500] [--clients 5000] [--log-maxlen 100000]
        [--benchmark-connections 32] [--benchmark-calls 200000] [--label TEXT]

About 2.5 minutes with the defaults on 2 cores.

It starts a redis-server of its own (a free port, a temporary directory, the production
persistence of docs/deployment.md: `appendonly yes`, `appendfsync everysec`), fills its
log to `--log-maxlen` events (REALTIME_LOG_MAXLEN's default, so every append also trims,
as in production), and stops it at the end: no other Redis is touched.

Redis executes commands on one thread, so that thread's CPU is what runs out. Every
figure is its CPU over a phase (INFO cpu: used_cpu_user_main_thread +
used_cpu_sys_main_thread, before and after), divided by what the phase did, with the
INFO commandstats deltas saying which commands it went to (`us_per_call` there is
execution time only; the rest of the CPU is reading requests and writing replies).
`redis_cores` is that CPU over the phase's wall time. A ceiling is 1 s of CPU per second
divided by the CPU per operation; the usable one takes 70 % of the core, as
docs/deployment.md plans poll servers, so latency stays low. A phase starts once no
rewrite of the append-only file runs; `aof_rewrites` counts those that ran within it
(its fork and copy-on-write cost the main thread, in production too).

One JSON line per measurement on stdout, appended to bench/redis_ceiling.jsonl with the
load average:

- `append`: events published for `--seconds` as fast as the publishers go, through
  `realtime_core.log.EventLog.append`, the call the relay and the API's after-commit
  publish make: one EVALSHA of the publish script per event (a relay batch of 500 rows
  is 500 such calls, back to back). Mode `one call per event` from 1 publisher (the
  production case: publishers take turns under a database lock) and from `--publishers`
  processes at once; mode `pipelined` sends the same script with the same keys and
  arguments 500 to a round trip (what a relay batch would cost sent at once; the relay
  does not do this). Events/s achieved, Redis CPU per event, the ceiling, the
  publisher's append round trip (1 publisher), and Redis memory per event appended
  beyond the full log (`used_memory`: mostly the event's idempotency key, kept
  REALTIME_DEDUPE_TTL, a week; the allocator and the file's buffers make it vary).
- `append_saturated`: redis-benchmark (when installed) sends the same EVALSHA with the
  same keys and arguments (a random idempotency key per call) from many connections, one
  call per round trip, until Redis's thread is as busy as this machine lets it be: the
  ceiling measured instead of extrapolated.
- `log_readers`: `--readers` processes each running a poll server without its HTTP side
  (`pollserver.app.PollServer`: the log reader's blocking XREAD with COUNT 250 and BLOCK
  500 ms plus GET of the epoch and sequence, the signal stream's XREAD, the queue
  renewal loop) while events are appended at each of `--rates` events/s and at 0 (idle).
  Each rate runs without readers, with them, and without them again (after a rewrite
  of the append-only file, so that none falls into these small phases); what the
  readers add over the mean of the two without, per reader: Redis cores, Redis CPU per
  event read, XREADs per event; their own CPU (`reader_cores_each`: what following the
  log costs a poll-server process); and that every reader read every event
  (`events_missed`).
- `client_op`: the Redis work a poll server's clients bring, through the real functions:
  `register` (EventLog.head + QueueRegistry.create, what POST /api/realtime/register
  does in Redis), `heartbeat` (QueueRegistry.touch, every 60 s per client),
  `queue_lookup` (pollserver QueueCache.owner of a queue not seen for 5 s: GETEX, one at a
  time and 100 in one pipeline), `queue_renewal` (QueueCache.renew_touched: one EXPIRE
  per polled queue every 2 s, all `--clients` in one pipeline), `membership_load`
  (pollserver Memberships.load on a user's first poll: SMEMBERS and GET, one at a time
  and 100 together). Redis CPU per operation.
- `ceiling` (computed from the lines above, nothing new measured): the usable core
  divided among the appends and poll-server processes of `--clients` clients each, at
  each rate, for quiet clients (a poll a minute) and busy ones (renewed every 2 s); the
  event rate at which one Redis saturates for a few numbers of poll servers of busy
  clients; log reads (event x poll server) per second one Redis feeds; the Redis CPU of
  every client of a poll server registering at once; and the memory the idempotency
  keys take at each rate sustained for their week.
"""

import argparse
import asyncio
import math
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
RESULTS = ROOT / "bench" / "redis_ceiling.jsonl"
USABLE_SHARE = 0.7  # of Redis's one core: docs/deployment.md plans poll servers the same way
PIPELINE_BATCH = 500  # events per round trip in the pipelined mode: the relay's batch size
LOOKUP_BATCH = 100  # polls whose lookups one event-loop turn gathers, in the batched modes
HEARTBEAT_SECONDS = 60  # docs/protocol.md: a heartbeat every 60 s while polling
POLL_SERVERS_FOR_SATURATION = (1, 4, 16, 32)

import redis  # noqa: E402

from bench.common import percentile, report  # noqa: E402
from bench.loadgen import proc_cpu  # noqa: E402
from pollserver.app import RENEW_INTERVAL, PollServer  # noqa: E402
from pollserver.memberships import Memberships  # noqa: E402
from pollserver.queues import QueueCache  # noqa: E402
from realtime_core import connections, keys  # noqa: E402
from realtime_core.config import Environment, RealtimeConfig  # noqa: E402
from realtime_core.events import content_event  # noqa: E402
from realtime_core.log import PUBLISH_SCRIPT, EventLog  # noqa: E402
from realtime_core.queues import QueueRegistry  # noqa: E402
from tests.support.stack import RedisServer  # noqa: E402

DEFAULTS = RealtimeConfig.from_env(Environment({}))  # the production defaults


def typical_event() -> tuple[str, str]:
    """(meta, body) of a new comment as the API records it, about 0.85 KB like the
    typical events docs/deployment.md sizes the log with."""
    text = "A plain comment of a few sentences about the article's method and results. " * 2
    comment = {
        "id": 123456,
        "discussion_id": 4321,
        "article_id": 987,
        "community_id": 42,
        "parent_id": None,
        "depth": 0,
        "content": text,
        "content_html": f"<p>{text}</p>",
        "author": {"id": 77, "username": "reader77", "is_pseudonymous": False},
        "is_pseudonymous": False,
        "is_deleted": False,
        "version": 1,
        "created_at": "2026-12-06T10:00:00.000000Z",
        "updated_at": "2026-12-06T10:00:00.000000Z",
    }
    data = {
        "comment": comment,
        "comment_id": 123456,
        "discussion_id": 4321,
        "parent_id": None,
        "article_id": 987,
        "community_id": 42,
    }
    return content_event("new_comment", data, 42, 77, None)


class Meter:
    """Redis's own account of a phase: its main thread's CPU, memory and commands."""

    def __init__(self, client: redis.Redis):
        self._redis = client

    def sample(self) -> dict:
        info = self._redis.info("cpu", "memory", "persistence", "commandstats")  # one INFO
        return {
            "at": time.monotonic(),
            "cpu": info["used_cpu_user_main_thread"] + info["used_cpu_sys_main_thread"],
            "memory": info["used_memory"],
            "aof_rewrites": info["aof_rewrites"],
            "aof_rewriting": info["aof_rewrite_in_progress"] or info["aof_rewrite_scheduled"],
            "commands": {
                name: stats for name, stats in info.items() if name.startswith("cmdstat_")
            },
        }

    def sample_after_rewrite(self) -> dict:
        """A sample taken once no rewrite of the append-only file runs (a minute at most)."""
        sample, deadline = self.sample(), time.monotonic() + 60
        while sample["aof_rewriting"] and time.monotonic() < deadline:
            time.sleep(0.2)
            sample = self.sample()
        return sample

    def rewrite_aof(self) -> None:
        """Rewrite the append-only file now and wait for it: the next automatic rewrite
        comes only once the file has doubled again, so none falls into small phases."""
        self.sample_after_rewrite()
        self._redis.bgrewriteaof()
        self.sample_after_rewrite()

    @staticmethod
    def cost(before: dict, after: dict) -> dict:
        seconds = after["at"] - before["at"]
        cpu = after["cpu"] - before["cpu"]
        commands = {}
        for name, stats in after["commands"].items():
            earlier = before["commands"].get(name, {"calls": 0, "usec": 0})
            calls = stats["calls"] - earlier["calls"]
            if calls:
                usec = stats["usec"] - earlier["usec"]
                commands[name.removeprefix("cmdstat_")] = {
                    "calls": calls,
                    "us_per_call": round(usec / calls, 2),
                }
        return {
            "seconds": round(seconds, 2),
            "redis_cpu_s": round(cpu, 6),
            "redis_cores": round(cpu / seconds, 5),
            "memory_bytes": after["memory"] - before["memory"],
            # A rewrite of the append-only file forks, and the copy-on-write that follows
            # costs the main thread: production pays it too, from time to time.
            "aof_rewrites": after["aof_rewrites"] - before["aof_rewrites"],
            "commands": commands,
        }


def measured(meter: Meter, work) -> tuple[object, dict]:
    """Run `work()` between two samples; its result and Redis's cost. A rewrite of the
    append-only file that an earlier phase started is let finish first."""
    before = meter.sample_after_rewrite()
    result = work()
    return result, Meter.cost(before, meter.sample())


def common_fields(args) -> dict:
    return {"label": args.label, "load_average": round(os.getloadavg()[0], 2)}


def ceiling_fields(cpu_us_per_op: float, unit: str) -> dict:
    return {
        f"ceiling_{unit}_per_s": round(1e6 / cpu_us_per_op),
        f"usable_{unit}_per_s": round(USABLE_SHARE * 1e6 / cpu_us_per_op),
    }


# --- appending ---------------------------------------------------------------------


class CaughtPublish:
    """EventLog.append with its publish script replaced by a catch: the keys and
    arguments it would send, so that a pipeline or redis-benchmark sends exactly those."""

    def __init__(self, log_maxlen: int):
        self._log = EventLog(redis.Redis(), maxlen=log_maxlen, dedupe_ttl=DEFAULTS.dedupe_ttl)
        self._log._publish = self._catch
        self._caught: tuple[list, list] = ([], [])

    def _catch(self, keys: list, args: list) -> tuple[int, int]:
        self._caught = keys, args
        return 0, 1

    def call(self, key: str, meta: str, body: str) -> tuple[list, list]:
        self._log.append(key, meta, body, floor=0)
        return self._caught


def append_pipelined(
    client: redis.Redis, log_maxlen: int, count: float = math.inf, seconds: float = math.inf
) -> int:
    """`count` events, or as many as `seconds` allow, PIPELINE_BATCH to a round trip;
    returns how many."""
    meta, body = typical_event()
    script, caught = client.register_script(PUBLISH_SCRIPT), CaughtPublish(log_maxlen)
    prefix, sent = uuid.uuid4().hex, 0
    deadline = time.monotonic() + seconds
    while sent < count and time.monotonic() < deadline:
        pipe = client.pipeline(transaction=False)
        batch = min(PIPELINE_BATCH, count - sent)
        for n in range(sent, sent + batch):
            call_keys, call_args = caught.call(f"{prefix}-{n}", meta, body)
            script(keys=call_keys, args=call_args, client=pipe)
        pipe.execute()
        sent += batch
    return sent


def publish_flat_out(redis_url, log_maxlen, go, seconds, results, keep_latencies):
    """One publishing process: EventLog.append, one call per event, for `seconds` after `go`."""
    event_log = EventLog(
        redis.Redis.from_url(redis_url), maxlen=log_maxlen, dedupe_ttl=DEFAULTS.dedupe_ttl
    )
    meta, body = typical_event()
    prefix, sent, latencies = uuid.uuid4().hex, 0, []
    go.wait()
    cpu_before = time.process_time()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        event_log.append(f"{prefix}-{sent}", meta, body, floor=0)
        if keep_latencies:
            latencies.append(time.perf_counter() - started)
        sent += 1
    results.put((sent, time.process_time() - cpu_before, latencies))


def measure_appends(args, meter: Meter, redis_url: str) -> list[dict]:
    context = multiprocessing.get_context("fork")
    lines = []
    for publishers in (1, args.publishers):
        go, results = context.Event(), context.Queue()
        processes = [
            context.Process(
                target=publish_flat_out,
                args=(redis_url, args.log_maxlen, go, args.seconds, results, publishers == 1),
            )
            for _ in range(publishers)
        ]
        for process in processes:
            process.start()
        time.sleep(0.5)  # forked, and waiting for `go`

        def run(go=go, results=results, publishers=publishers):
            go.set()
            return [results.get(timeout=args.seconds + 30) for _ in range(publishers)]

        outcomes, cost = measured(meter, run)
        for process in processes:
            process.join()
        events = sum(sent for sent, _, _ in outcomes)
        line = {
            "measure": "append",
            "mode": "one call per event",
            "publishers": publishers,
            "events": events,
            "events_per_s": round(events / cost["seconds"]),
            "publisher_cores": round(sum(cpu for _, cpu, _ in outcomes) / cost["seconds"], 3),
        }
        latencies = [latency for _, _, kept in outcomes for latency in kept]
        if latencies:
            line["append_p50_ms"] = round(percentile(latencies, 0.5) * 1000, 3)
            line["append_p99_ms"] = round(percentile(latencies, 0.99) * 1000, 3)
        lines.append(with_append_cost(line, cost, events, args))

    client = redis.Redis.from_url(redis_url)
    events, cost = measured(
        meter, lambda: append_pipelined(client, args.log_maxlen, seconds=args.seconds)
    )
    line = {
        "measure": "append",
        "mode": "pipelined",
        "publishers": 1,
        "events": events,
        "events_per_s": round(events / cost["seconds"]),
        "events_per_round_trip": PIPELINE_BATCH,
    }
    lines.append(with_append_cost(line, cost, events, args))
    return lines


def with_append_cost(line: dict, cost: dict, events: int, args) -> dict:
    cpu_us = cost["redis_cpu_s"] * 1e6 / events
    return {
        **line,
        "seconds": cost["seconds"],
        "redis_cores": cost["redis_cores"],
        "redis_cpu_us_per_event": round(cpu_us, 2),
        **ceiling_fields(cpu_us, "events"),
        "memory_bytes_per_event": round(cost["memory_bytes"] / events, 1),
        "aof_rewrites": cost["aof_rewrites"],
        "event_bytes": len(typical_event()[1]),
        "commands": cost["commands"],
        **common_fields(args),
    }


def measure_saturation(args, meter: Meter, server: RedisServer) -> dict | None:
    """redis-benchmark driving the publish script until Redis's thread is busy."""
    if shutil.which("redis-benchmark") is None:
        print("redis-benchmark is not installed: no append_saturated line", flush=True)
        return None
    client = server.client()
    sha = client.script_load(PUBLISH_SCRIPT)
    meta, body = typical_event()
    call_keys, call_args = CaughtPublish(args.log_maxlen).call("saturated", meta, body)
    call_keys[2] = keys.dedupe("saturated-__rand_int__")  # a fresh idempotency key per call
    seq_before = int(client.get(keys.SEQUENCE))
    command = [
        "redis-benchmark",
        *("-h", "127.0.0.1", "-p", str(server.port)),
        *("-c", str(args.benchmark_connections), "-P", "1", "-r", "1000000000", "-q"),
        *("-n", str(args.benchmark_calls)),
        *("EVALSHA", sha, str(len(call_keys)), *call_keys, *map(str, call_args)),
    ]
    _, cost = measured(
        meter, lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    )
    events = int(client.get(keys.SEQUENCE)) - seq_before
    line = {
        "measure": "append_saturated",
        "connections": args.benchmark_connections,
        "calls": args.benchmark_calls,
        "events": events,  # below `calls` only where a random key repeated (counted once)
        "events_per_s": round(events / cost["seconds"]),
    }
    return with_append_cost(line, cost, events, args)


# --- reading the log ---------------------------------------------------------------


def follow_log(redis_url, index, heads, reads, stop):
    """One poll-server process without its HTTP side, telling through the shared arrays how
    far it has read."""

    async def follow():
        server = PollServer(RealtimeConfig.from_env(Environment({"REALTIME_REDIS_URL": redis_url})))
        server.start()
        while not stop.is_set():
            if server.reader.ready:
                heads[index] = server.reader.head
                reads[index] = server.reader.events_read
            await asyncio.sleep(0.05)
        await server.stop()

    asyncio.run(follow())


class LogReaders:
    """`count` poll-server processes following the log, each a process of its own."""

    def __init__(self, redis_url: str, count: int):
        context = multiprocessing.get_context("fork")
        self.heads = context.Array("q", [-1] * count, lock=False)  # newest event id read
        self.reads = context.Array("q", count, lock=False)  # events read since start
        self._stop = context.Event()
        self.processes = [
            context.Process(
                target=follow_log, args=(redis_url, i, self.heads, self.reads, self._stop)
            )
            for i in range(count)
        ]

    def __enter__(self) -> "LogReaders":
        for process in self.processes:
            process.start()
        if not self.reached(0, timeout=60):
            raise RuntimeError("the log readers did not load the log")
        return self

    def reached(self, head: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while min(self.heads) < head:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def cpu_seconds(self) -> float:
        return sum(proc_cpu(process.pid) for process in self.processes)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join()


def publish_at(event_log: EventLog, rate: float, seconds: float) -> int:
    """Events at a fixed rate, scheduled against the clock (not slept between); returns
    how many."""
    meta, body = typical_event()
    prefix, count = uuid.uuid4().hex, int(rate * seconds)
    started = time.monotonic()
    for n in range(count):
        delay = started + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        event_log.append(f"{prefix}-{n}", meta, body, floor=0)
    time.sleep(max(0.0, started + seconds - time.monotonic()))
    return count


def measure_readers(args, meter: Meter, redis_url: str) -> list[dict]:
    client = redis.Redis.from_url(redis_url)
    event_log = EventLog(client, maxlen=args.log_maxlen, dedupe_ttl=DEFAULTS.dedupe_ttl)
    lines = []
    meter.rewrite_aof()
    for rate in [0, *args.rates]:

        def publish(rate=rate):
            return publish_at(event_log, rate, args.seconds)

        # Without readers before and after the phase with them: their mean is what the
        # readers' phase would have cost without them, whatever drifts meanwhile.
        _, alone_before = measured(meter, publish)
        with LogReaders(redis_url, args.readers) as readers:
            reads_before, cpu_before = sum(readers.reads), readers.cpu_seconds()
            events, shared = measured(meter, publish)
            reader_cpu = readers.cpu_seconds() - cpu_before
            readers.reached(int(client.get(keys.SEQUENCE) or 0), timeout=10)
            missed = events * args.readers - (sum(readers.reads) - reads_before)
        _, alone_after = measured(meter, publish)
        alone = [alone_before["redis_cores"], alone_after["redis_cores"]]
        added_cores = (shared["redis_cores"] - sum(alone) / 2) / args.readers
        line = {
            "measure": "log_readers",
            "rate": rate,
            "readers": args.readers,
            "events": events,
            "seconds": shared["seconds"],
            "redis_cores_without_readers": alone,
            "redis_cores_with_readers": shared["redis_cores"],
            "redis_cores_per_reader": round(added_cores, 5),
            "events_missed": missed,
            "reader_cores_each": round(reader_cpu / shared["seconds"] / args.readers, 3),
            "aof_rewrites": [cost["aof_rewrites"] for cost in (alone_before, shared, alone_after)],
            "commands": shared["commands"],
            **common_fields(args),
        }
        if events:
            xreads = shared["commands"].get("xread", {}).get("calls", 0)
            line["redis_cpu_us_per_event_per_reader"] = round(added_cores * 1e6 / rate, 2)
            line["xreads_per_event_per_reader"] = round(xreads / events / args.readers, 3)
        lines.append(line)
    return lines


# --- the clients' Redis work -------------------------------------------------------


def measure_client_ops(args, meter: Meter, redis_url: str) -> list[dict]:
    client = redis.Redis.from_url(redis_url)
    event_log = EventLog(client, maxlen=args.log_maxlen, dedupe_ttl=DEFAULTS.dedupe_ttl)
    registry = QueueRegistry(
        client,
        DEFAULTS.queue_ttl,
        DEFAULTS.max_queues_per_user,
        DEFAULTS.registrations_per_minute,
    )
    users = range(1_000_001, 1_000_001 + args.clients)  # ids of no user the phases made
    lines = []

    def line(op: str, count: int, cost: dict, **extra) -> dict:
        cpu_us = cost["redis_cpu_s"] * 1e6 / count
        result = {
            "measure": "client_op",
            "op": op,
            "count": count,
            **extra,
            "seconds": cost["seconds"],
            "redis_cpu_us_per_op": round(cpu_us, 2),
            "commands": cost["commands"],
            **common_fields(args),
        }
        lines.append(result)
        return result

    def register_all():
        # What POST /api/realtime/register does in Redis: the head, then the queue with
        # the user's private communities (three here).
        queues = []
        for user_id in users:
            event_log.head(floor=0)
            queues.append(registry.create(user_id, [1, 2, user_id % 50 + 3]))
        return queues

    queue_ids, cost = measured(meter, register_all)
    line("register", len(queue_ids), cost)
    owners = dict(zip(queue_ids, users))
    _, cost = measured(meter, lambda: [registry.touch(q, owners[q]) for q in queue_ids])
    line("heartbeat", len(queue_ids), cost)

    async def poll_server_side():
        redis_async = connections.async_client(redis_url, max_connections=32, pool_timeout=5)
        # The samples block the loop for a moment: nothing else runs on it here.
        for batch in (1, LOOKUP_BATCH):
            cache = QueueCache(redis_async, DEFAULTS.queue_ttl, RENEW_INTERVAL)
            before = meter.sample()
            for start in range(0, len(queue_ids), batch):
                await asyncio.gather(*map(cache.owner, queue_ids[start : start + batch]))
            line("queue_lookup", len(queue_ids), Meter.cost(before, meter.sample()), batch=batch)
        # Every queue now cached and confirmed by the lookups: each poll below only marks
        # it, and the renewal sends one EXPIRE per marked queue, all in one pipeline.
        rounds = 10
        before = meter.sample()
        for _ in range(rounds):
            for queue_id in queue_ids:
                await cache.owner(queue_id)
            await cache.renew_touched()
        cost = Meter.cost(before, meter.sample())
        line("queue_renewal", rounds * len(queue_ids), cost, batch=len(queue_ids))
        for batch in (1, LOOKUP_BATCH):
            memberships = Memberships(redis_async)
            before = meter.sample()
            for start in range(0, len(users), batch):
                await asyncio.gather(*map(memberships.load, users[start : start + batch]))
            line("membership_load", len(users), Meter.cost(before, meter.sample()), batch=batch)
        await redis_async.aclose()

    asyncio.run(poll_server_side())
    return lines


# --- what one Redis carries ---------------------------------------------------------


def ceiling(args, appends: list[dict], readers: list[dict], ops: list[dict]) -> dict:
    """The usable core shared among appends and poll servers: computed, not measured.
    `appends` starts with the one publisher's line."""
    op_us = {(op["op"], op.get("batch")): op["redis_cpu_us_per_op"] for op in ops}
    # Per client and second: a heartbeat a minute through the API, and from the poll
    # server either one lookup a minute (a quiet client: one poll per poll timeout, its
    # cached record too old to trust) or a renewal every RENEW_INTERVAL (a busy client,
    # polling at least that often).
    heartbeat = op_us[("heartbeat", None)] / HEARTBEAT_SECONDS
    client_us = {
        "quiet": heartbeat + op_us[("queue_lookup", 1)] / DEFAULTS.poll_timeout,
        "busy": heartbeat + op_us[("queue_renewal", args.clients)] / RENEW_INTERVAL,
    }
    by_rate = {}
    for line in readers:
        # Appending at this rate, as measured (idle Redis included): at low rates an
        # event costs Redis more than in a stream of them, its caches cold.
        append_cores = sum(line["redis_cores_without_readers"]) / 2
        reader_cores = max(line["redis_cores_per_reader"], 0.0)
        by_rate[str(line["rate"])] = {"append_cores": round(append_cores, 5)}
        for clients, us in client_us.items():
            process_cores = reader_cores + args.clients * us / 1e6
            by_rate[str(line["rate"])] |= {
                f"cores_per_poll_server_{clients}_clients": round(process_cores, 5),
                f"poll_servers_{clients}_clients": int(
                    (USABLE_SHARE - append_cores) / process_cores
                ),
            }
    idle = next(line for line in readers if line["rate"] == 0)
    fastest = max(readers, key=lambda line: line["rate"])
    # Redis CPU a reader adds per event, averaged from idle to the fastest rate measured:
    # above it XREADs return more events each, so this overstates the cost there.
    read_us = max(
        0.0,
        (fastest["redis_cores_per_reader"] - idle["redis_cores_per_reader"])
        * 1e6
        / fastest["rate"],
    )
    # One publisher at a time, one call per event: the publishers take turns under a
    # database lock. A stream of such calls costs Redis less than the same calls spread
    # out, so past the rates measured this overstates the cost of appending too.
    append_us = appends[0]["redis_cpu_us_per_event"]
    fixed_us = max(idle["redis_cores_per_reader"], 0.0) * 1e6 + args.clients * client_us["busy"]
    saturating = {
        str(servers): round(
            max(0.0, USABLE_SHARE * 1e6 - servers * fixed_us) / (append_us + servers * read_us)
        )
        for servers in POLL_SERVERS_FOR_SATURATION
    }
    memory_per_event = sum(
        line["memory_bytes_per_event"] * line["events"] for line in appends
    ) / sum(line["events"] for line in appends)
    return {
        "measure": "ceiling",
        "usable_share": USABLE_SHARE,
        "clients_per_poll_server": args.clients,
        "append_cpu_us_per_event": append_us,
        "read_cpu_us_per_event_per_poll_server": round(read_us, 2),
        # None: the readers' cost was lost in the noise (phases too short to tell).
        "usable_log_reads_per_s": round(USABLE_SHARE * 1e6 / read_us) if read_us else None,
        "client_cpu_us_per_s": {clients: round(us, 3) for clients, us in client_us.items()},
        "by_rate": by_rate,
        "saturating_events_per_s_by_poll_servers_busy_clients": saturating,
        "all_clients_register_ms": round(args.clients * op_us[("register", None)] / 1000, 1),
        "all_clients_load_memberships_ms": round(
            args.clients * op_us[("membership_load", LOOKUP_BATCH)] / 1000, 1
        ),
        # Each event's idempotency key stays REALTIME_DEDUPE_TTL: memory grows with the rate.
        "memory_bytes_per_event": round(memory_per_event, 1),
        "idempotency_keys_gb_by_rate": {
            str(line["rate"]): round(line["rate"] * DEFAULTS.dedupe_ttl * memory_per_event / 1e9, 2)
            for line in readers
            if line["rate"]
        },
        **common_fields(args),
    }


def reported(args, lines: list[dict]) -> list[dict]:
    """Each measurement is written as soon as it is taken: a later failure keeps it."""
    for line in lines:
        report(args.results, line)
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8, help="length of each timed phase")
    parser.add_argument("--publishers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument(
        "--rates", default="20,100,500", help="events/s appended while the readers follow"
    )
    parser.add_argument("--clients", type=int, default=5000, help="clients of one poll server")
    parser.add_argument("--log-maxlen", type=int, default=DEFAULTS.log_maxlen)
    parser.add_argument("--benchmark-connections", type=int, default=32)
    parser.add_argument("--benchmark-calls", type=int, default=200_000)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)
    args.rates = [int(rate) for rate in args.rates.split(",") if rate]

    with tempfile.TemporaryDirectory(prefix="redis-ceiling-") as directory:
        server = RedisServer(Path(directory), appendfsync="everysec").start()
        try:
            redis_url = server.url
            meter = Meter(server.client())
            append_pipelined(server.client(), args.log_maxlen, count=args.log_maxlen)  # full
            appends = reported(args, measure_appends(args, meter, redis_url))
            saturated = measure_saturation(args, meter, server)
            appends += reported(args, [saturated] if saturated else [])
            readers = reported(args, measure_readers(args, meter, redis_url))
            ops = reported(args, measure_client_ops(args, meter, redis_url))
            report(args.results, ceiling(args, appends, readers, ops))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
