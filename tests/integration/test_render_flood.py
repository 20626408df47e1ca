"""Six accounts flood maths-heavy and hostile comments and previews for 30 s
(FLOOD_SECONDS; CI floods for 15) through the real API (gunicorn, 2 workers x 8 threads
as bin/run runs it) while another user posts one-line comments: that user's writes never
stall and none fails, on PostgreSQL and on SQLite (bin/run's default, where one writer at
a time holds the whole database), no API worker dies, and their memory comes back within
a bound afterwards."""

import multiprocessing
import os
import statistics
import threading
import time
from pathlib import Path

import pytest

from tests.support.api import Api
from tests.support.stack import Stack

pytestmark = pytest.mark.solo  # floods both cores and times the other writers

FLOOD_SECONDS = float(os.environ.get("FLOOD_SECONDS", 30))
FLOODERS = 6
# 40 display formulas, each a few milliseconds of KaTeX: about 100 ms of maths a post.
HEAVY = "\n\n".join(
    f"$$\\sum_{{i={n}}}^{{\\infty}} \\frac{{\\Gamma(i+\\alpha)}}{{i!\\,\\Gamma(\\alpha)}} x^i"
    f" = (1-x)^{{-\\alpha}} \\quad \\begin{{pmatrix}}a_{n} & b\\\\ c & d\\end{{pmatrix}}$$"
    for n in range(40))
# A formula that runs until its process is killed, behind ordinary ones.
HOSTILE = HEAVY[:2000] + "\n\n$\\def\\a{" + "x" * 3000 + "}" + "\\a" * 1000 + "$"
# What the API's processes may keep after the flood, over what they held before it.
RSS_GROWTH_BOUND_MB = 40
# A one-line comment slower than this waited on someone else's maths.
STALL_SECONDS = 1.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def flood_from_another_process(api_url: str, flooders: list, comments: str, until: float,
                                answers) -> None:
    """Each flooder posts maths-heavy comments and hostile previews, two requests in flight
    at all times, each sent again as soon as it is answered, or as soon as a 429's
    Retry-After allows, until `until`; puts the statuses of all the answers in `answers`.

    Clients that ignore Retry-After make a plain request flood, maths or not, which a
    proxy's per-address limit stops in front of the API (docs/deployment.md); this one
    keeps every KaTeX process busy, which is what is tested here."""
    # It stands for clients on other machines: on this one it must not take the two cores
    # from the server it measures.
    os.nice(10)
    statuses: list[int] = []

    def flood(flooder, path, base, who):
        api = Api(api_url)
        n = 0
        while time.time() < until:
            n += 1
            answer = api.call("POST", path, flooder,
                              json={"content": f"{base}\n\n$x_{{{who}, {n}}}$"})
            statuses.append(answer.status_code)
            if answer.status_code == 429:
                time.sleep(float(answer.headers["Retry-After"]))

    threads = [threading.Thread(target=flood, args=(flooder, path, base, who))
               for who, flooder in enumerate(flooders)
               for path, base in ((comments, HEAVY), ("/api/render", HOSTILE))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    answers.put(statuses)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return sorted(found)


DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL", "").startswith(
    "postgres") else [])


@pytest.fixture(params=DATABASES)
def flood_stack(request, tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp(f"flood-{request.param}"), f"flood_{request.param}",
                  redis_db=12, sqlite=request.param == "sqlite", api_threads=8)
    stack.start()
    yield stack
    stack.stop()


def test_a_maths_flood_leaves_other_writers_fast_and_the_api_whole(flood_stack):
    setup = Api(flood_stack.api_url)
    lab = setup.lab()
    flooders = [setup.signup("flooder") for _ in range(FLOODERS)]
    for flooder in flooders:
        setup.add_member(lab["admin"], lab["community"]["id"], flooder)
    discussion = setup.discussion(lab["admin"], lab["community"]["id"], lab["article"]["id"])
    comments = f"/api/discussions/{discussion['id']}/comments"
    for _ in range(4):  # every worker has started its KaTeX processes
        setup.call("POST", "/api/render", lab["admin"], json={"content": "$x$"}, expect=200)
    workers = children(flood_stack.processes["api"].pid)
    workers_before = {pid: rss_mb(pid) for pid in workers}

    # The flood comes from a process of its own, as it would from other machines: its
    # dozen busy threads would otherwise hold this process's GIL while it times the
    # quiet writer.
    context = multiprocessing.get_context("spawn")
    answers = context.Queue()
    flood = context.Process(target=flood_from_another_process, args=(
        flood_stack.api_url, flooders, comments, time.time() + FLOOD_SECONDS, answers))
    flood.start()
    stop = time.monotonic() + FLOOD_SECONDS

    quiet, latencies, quiet_statuses = Api(flood_stack.api_url), [], []
    while time.monotonic() < stop:
        started = time.monotonic()
        answer = quiet.call("POST", comments, lab["member"], json={"content": "Agreed."})
        latencies.append(time.monotonic() - started)
        quiet_statuses.append(answer.status_code)
        time.sleep(0.05)
    statuses = answers.get(timeout=60)
    flood.join(10)

    latencies.sort()
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99)]
    print(f"\n{flood_stack.name}: {len(latencies)} one-line comments, p50 {p50 * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; flood answers "
          f"{ {s: statuses.count(s) for s in sorted(set(statuses))} }")
    assert set(quiet_statuses) == {201}
    # A stall, not a speed target (bench/comment_write.py measures that): a writer held
    # behind maths waits seconds (the 3 s turn, the 10 s post cap), a free one milliseconds.
    assert p99 < STALL_SECONDS, (p50, p99)
    assert statuses and all(s in (200, 201, 429) for s in statuses), sorted(set(statuses))
    assert statuses.count(201) > 0 and statuses.count(200) > 0  # the flood was served

    assert children(flood_stack.processes["api"].pid) == workers  # no worker died
    # the hostile formulas were stopped, and counted across the workers
    metrics = setup.call("GET", "/api/metrics", expect=200).text
    timeouts = next(line for line in metrics.splitlines() if line.startswith(
        'marginalia_render_process_restarts_total{reason="timeout"}'))
    assert float(timeouts.split()[-1]) >= 2, timeouts
    time.sleep(2)  # the last KaTeX restarts settle
    for pid, before in workers_before.items():
        after = rss_mb(pid)
        print(f"worker {pid}: {before:.0f} MB before, {after:.0f} MB after; KaTeX processes "
              f"{[round(rss_mb(child)) for child in children(pid)]} MB")
        assert after < before + RSS_GROWTH_BOUND_MB, (before, after)
        for child in children(pid):
            assert rss_mb(child) < 250
