"""KaTeX in child processes, each formula under a deadline enforced by killing.

Every API process keeps a few KaTeX processes (`katex_worker`), started on first use.
A post takes one of them for its formulas; its turn comes fairly: the posts waiting
are served one lane (one user) at a time in turn, so one user flooding maths waits
behind their own posts, not in front of everyone else's. The wait is bounded too, in
places and in time: past them the render is refused (`RendererBusy`, a 429 with
Retry-After to the client), never left to tie up the API's threads.

A formula that takes longer than its deadline gets its process killed; one that runs
V8 out of memory ends its process; one that crashes V8 takes only its process down.
Each costs only that formula, which then shows as its source; the next formula gets a
fresh process. Outcomes, restarts and waits are counted (Prometheus, `metrics`).
"""

import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from collections import OrderedDict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from richtext import config, metrics

logger = logging.getLogger(__name__)

# The folder holding the richtext package: the child starts there, and `python -m` puts
# it first on the import path, whatever the parent's (an installed package, PYTHONPATH).
_IMPORT_ROOT = Path(__file__).resolve().parents[1]
# A KaTeX process starts in 0.2-0.3 s (Python, V8, KaTeX's 270 KB of script); under load
# it may take longer, but one that has not said it is ready by then is killed.
START_SECONDS = 10.0
# How far past its own deadline a formula is waited for before its process is killed:
# the answer's trip through the pipe, and the child being scheduled at all.
KILL_GRACE_SECONDS = 0.1
# A formula's deadline counts the CPU time its process spends on it: KaTeX processes run
# at a low priority, and a busy API must not turn ordinary formulas into timeouts. A
# formula starved of CPU this long in all shows as its source all the same.
MAX_STARVED_SECONDS = 5.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class RendererBusy(Exception):
    """Every KaTeX process is taken and the wait for one is full or took too long."""

    def __init__(self, retry_after: float):
        super().__init__("the maths renderer is busy")
        self.retry_after = retry_after


class _ProcessEnded(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "timeout", "memory" or "crash"


@dataclass
class Formula:
    """What became of one formula: its MathML, or None and why."""

    mathml: str | None
    # "rendered", "unreadable", "geometry", "timeout", "memory", "crash", "unavailable"
    outcome: str
    seconds: float  # the CPU time its process spent on it


class KatexProcess:
    """One running `katex_worker`, used by one thread at a time."""

    # What runs it: anything that speaks katex_worker's lines (bench/rendering.py compares
    # KaTeX on Node.js this way).
    command = (sys.executable, "-m", "richtext.katex_worker")

    def __init__(self):
        self._process = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=_IMPORT_ROOT,
            close_fds=True,
        )
        self._pending = b""
        # Read twice a formula: kept open, as opening it by path each time cost more of the
        # API's CPU than the rest of a formula's round trip (3,000 formulas: 0.19 s of 0.32).
        try:
            self._stat = os.open(f"/proc/{self._process.pid}/stat", os.O_RDONLY)
        except OSError:
            self._stat = None
        try:
            self._answer(time.monotonic() + START_SECONDS)
        except _ProcessEnded:
            self.kill()
            raise

    def render(
        self, tex: str, display: bool, seconds: float, latest: float = float("inf")
    ) -> Formula:
        """KaTeX's answer for one formula within `seconds` of its process's CPU time and
        by the monotonic time `latest`; raises _ProcessEnded (the process is then gone)
        when it took longer, ran out of memory or crashed."""
        started, cpu_before = time.monotonic(), self._cpu_seconds()
        latest = min(latest, started + MAX_STARVED_SECONDS)
        request = json.dumps({"tex": tex, "display": display}).encode() + b"\n"
        try:
            self._process.stdin.write(request)
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.kill()
            raise _ProcessEnded("crash") from None
        answer = self._answer(
            min(started + seconds + KILL_GRACE_SECONDS, latest),
            cpu_limit=(cpu_before, seconds, latest),
        )
        took = self._cpu_seconds() - cpu_before
        if "stopped" in answer:
            self.kill()
            raise _ProcessEnded("memory")
        if answer["mathml"] is None:
            return Formula(None, answer.get("reason", "unreadable"), took)
        return Formula(answer["mathml"], "rendered", took)

    def _answer(self, deadline: float, cpu_limit: tuple[float, float, float] | None = None) -> dict:
        """The next answer line, waited for until `deadline`; with `cpu_limit` (the CPU
        time at the start, the CPU seconds allowed, the latest wall time), a process that
        has not had its CPU seconds yet gets the rest of them, up to the latest time."""
        stdout = self._process.stdout.fileno()
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            if left <= 0 and cpu_limit is not None:
                cpu_before, allowed, latest = cpu_limit
                unused = allowed - (self._cpu_seconds() - cpu_before)
                if unused > 0 and time.monotonic() < latest:
                    deadline = min(time.monotonic() + unused + KILL_GRACE_SECONDS, latest)
                    continue
            if left <= 0:
                self.kill()
                raise _ProcessEnded("timeout")
            ready, _, _ = select.select([stdout], [], [], left)
            if ready:
                chunk = os.read(stdout, 1 << 16)
                if not chunk:
                    self.kill()
                    raise _ProcessEnded("crash")
                self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return json.loads(line)

    def _cpu_seconds(self) -> float:
        """The CPU time the process has used (user and system), from /proc; where there
        is none, the wall time, which is what the deadline then counts."""
        try:
            fields = os.pread(self._stat, 4096, 0).rsplit(b")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        except (OSError, TypeError, IndexError, ValueError):  # TypeError: no /proc
            return time.monotonic()

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if self._stat is not None:
            os.close(self._stat)
            self._stat = None
        for pipe in (self._process.stdin, self._process.stdout):
            try:
                pipe.close()
            except OSError:
                pass

    @property
    def pid(self) -> int:
        return self._process.pid


class FairTurns:
    """`slots` things to lend, lent to the waiters one lane at a time in turn (round
    robin), first come first served within a lane. At most `max_waiting` wait at once,
    `max_waiting_per_lane` of one lane; past that, or after `max_wait` seconds, the
    borrower is refused with RendererBusy."""

    def __init__(self, slots: int, max_waiting: int, max_waiting_per_lane: int, max_wait: float):
        self._lock = threading.Lock()
        self._free = list(range(slots))
        self._lanes: OrderedDict[object, deque] = OrderedDict()
        self._waiting = 0
        self.max_waiting = max_waiting
        self.max_waiting_per_lane = max_waiting_per_lane
        self.max_wait = max_wait

    def acquire(self, lane) -> int:
        with self._lock:
            if self._free and not self._lanes:
                return self._free.pop()
            queue = self._lanes.get(lane)
            if self._waiting >= self.max_waiting or (
                queue is not None and len(queue) >= self.max_waiting_per_lane
            ):
                raise RendererBusy(retry_after=1)
            waiter = _Waiter()
            self._lanes.setdefault(lane, deque()).append(waiter)
            self._waiting += 1
        if waiter.granted.wait(self.max_wait):
            return waiter.slot
        with self._lock:
            if waiter.slot is not None:  # granted just as the wait ended
                return waiter.slot
            queue = self._lanes[lane]
            queue.remove(waiter)
            if not queue:
                del self._lanes[lane]
            self._waiting -= 1
        raise RendererBusy(retry_after=self.max_wait)

    def release(self, slot: int) -> None:
        with self._lock:
            if not self._lanes:
                self._free.append(slot)
                return
            lane, queue = next(iter(self._lanes.items()))
            waiter = queue.popleft()
            if queue:
                self._lanes.move_to_end(lane)  # the next turn goes to the next lane
            else:
                del self._lanes[lane]
            self._waiting -= 1
            waiter.slot = slot
            waiter.granted.set()

    @property
    def waiting(self) -> int:
        return self._waiting


class _Waiter:
    __slots__ = ("granted", "slot")

    def __init__(self):
        self.granted = threading.Event()
        self.slot: int | None = None


class KatexPool:
    """A process's KaTeX processes and the turns to use them."""

    def __init__(
        self,
        processes: int,
        max_waiting: int,
        max_wait: float,
        process_class: type[KatexProcess] = KatexProcess,
    ):
        # Processes are started on this one long-lived thread: a child is killed when the
        # thread that started it ends (katex_worker asks for that, so that it never
        # outlives the API process), and request threads may end any time. Each slot's
        # process is started ahead, and started again as soon as a formula ended it, so
        # the next formula rarely waits the 0.25 s a start takes.
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="katex-starter")
        self._process_class = process_class
        self._processes: list[Future] = [
            self._starter.submit(process_class) for _ in range(processes)
        ]
        # A lane waits with one post at a time: its next post is refused until then, so
        # one user's burst cannot fill the places everyone shares.
        self._turns = FairTurns(processes, max_waiting, max_waiting_per_lane=1, max_wait=max_wait)

    @contextmanager
    def turn(self, lane):
        """One KaTeX process for the formulas of one post (`_Turn.render`)."""
        waited = time.monotonic()
        try:
            slot = self._turns.acquire(lane)
        except RendererBusy:
            metrics.BUSY.inc()
            raise
        metrics.QUEUE_WAIT.observe(time.monotonic() - waited)
        try:
            yield _Turn(self, slot)
        finally:
            self._turns.release(slot)

    def _process(self, slot: int) -> KatexProcess:
        try:
            return self._processes[slot].result()
        except Exception:
            self._processes[slot] = self._starter.submit(self._process_class)  # try again
            raise

    def _retire(self, slot: int, reason: str) -> None:
        self._processes[slot] = self._starter.submit(self._process_class)
        metrics.RESTARTS.labels(reason).inc()

    def pids(self) -> list[int]:
        """The process ids of the KaTeX processes running now (for operators' tools)."""
        return [
            started.result().pid
            for started in self._processes
            if started.done() and started.exception() is None
        ]

    def close(self) -> None:
        self._starter.shutdown(wait=True)  # every start has ended, one way or the other
        for started in self._processes:
            if started.exception() is None:
                started.result().kill()


class _Turn:
    def __init__(self, pool: KatexPool, slot: int):
        self._pool = pool
        self._slot = slot

    def render(
        self, tex: str, display: bool, seconds: float, latest: float = float("inf")
    ) -> Formula:
        """The formula rendered within `seconds` (KatexProcess.render), or None and why;
        a process that ended is replaced for the next formula."""
        try:
            process = self._pool._process(self._slot)
        except Exception as error:  # whatever kept it from starting: no maths, not a 500
            logger.error("event=render_process_not_started error=%s", type(error).__name__)
            metrics.FORMULAS.labels("unavailable").inc()
            return Formula(None, "unavailable", 0.0)
        try:
            formula = process.render(tex, display, seconds, latest)
        except _ProcessEnded as ended:
            self._pool._retire(self._slot, ended.reason)
            logger.warning("event=render_process_ended reason=%s pid=%d", ended.reason, process.pid)
            formula = Formula(None, ended.reason, seconds)
        metrics.FORMULAS.labels(formula.outcome).inc()
        return formula


_pool: KatexPool | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def pool() -> KatexPool:
    """This process's pool. A forked child (a gunicorn worker) gets its own: the
    parent's KaTeX processes answer the parent only."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = KatexPool(config.PROCESSES, config.MAX_WAITING, config.MAX_WAIT_SECONDS)
            _pool_pid = os.getpid()
        return _pool
