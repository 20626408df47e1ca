"""Run the standard matrix (issue 5) and write bench/RESULTS.md.

  .venv/bin/python bench/run_matrix.py                 # full matrix
  .venv/bin/python bench/run_matrix.py --duration 10 --clients 1000 --rates 5

Cells: {1000, 5000} clients x {5, 20} events/s, for each --modes (http: comments
POSTed through the API; direct: appended straight into the Redis log), then 8,000
idle queues (memory), the bare-Tornado floor, and a py-spy profile of the poll
server during the largest direct cell, then (when nginx is installed) the same cells
against two poll-server processes behind nginx. Each line is appended to
bench/results.jsonl.
"""

import argparse
import asyncio
import collections
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import ROOT, Bench, record  # noqa: E402

PY_SPY = Path(sys.executable).parent / "py-spy"


def _area(frame: str) -> str:
    for needle, area in (
        ("(pollserver/", "poll-server logic (src/pollserver)"),
        ("(realtime_core/", "realtime_core"),
        ("(tornado/", "Tornado HTTP server / RequestHandler layer"),
        ("(redis/", "redis-py client"),
        ("(json/", "json"),
        ("(asyncio/", "asyncio event loop"),
        ("(selectors", "selectors (epoll registration)"),
        ("(email/", "email.utils (Date header)"),
        ("(http/", "http.cookies / http stdlib"),
        ("(urllib/", "urllib"),
    ):
        if needle in frame:
            return area
    return "other: " + frame.split(" (")[-1].rstrip(")")


def summarize_profile(raw: Path, top: int = 22) -> tuple[str, int]:
    """Self and inclusive sample shares per function from py-spy's raw (collapsed) output."""
    own, incl, areas, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack:
            continue
        n = int(n)
        total += n
        frames = [re.sub(r":\d+\)$", ")", f.strip()) for f in stack.split(";") if f.strip()]
        frames = [re.sub(r"\(/[^ ]*/(site-packages|src|lib/python3\.\d+)/", "(", f) for f in frames]
        if frames:
            own[frames[-1]] += n
            areas[_area(frames[-1])] += n
        for f in set(frames):
            incl[f] += n
    lines = [
        f"{total} busy samples (idle time in epoll excluded).",
        "",
        "| self % | function |",
        "|---:|---|",
    ]
    lines += [f"| {100 * n / total:.1f} | `{f}` |" for f, n in own.most_common(top)]
    lines += ["", "Leaf frame by area:", "", "| % | area |", "|---:|---|"]
    lines += [f"| {100 * n / total:.1f} | {a} |" for a, n in areas.most_common()]
    lines += [
        "",
        "Inclusive, poll-server code and Tornado entry points only:",
        "",
        "| inclusive % | function |",
        "|---:|---|",
    ]
    shown = [
        (f, n)
        for f, n in incl.most_common()
        if "(pollserver/" in f
        and "main (" not in f
        and "__main__" not in f
        or re.match(
            r"(RequestHandler\.(finish|flush|_execute)|"
            r"HTTP1Connection\.(write_headers|finish|_read_message)|"
            r"IOStream\.write_to_fd|BaseSelector|_PollLikeSelector)",
            f,
        )
    ]
    lines += [f"| {100 * n / total:.1f} | `{f}` |" for f, n in shown[: top + 8]]
    return "\n".join(lines), total


def table(rows, floor_us):
    out = [
        "| mode | clients x ev/s | events | expected | delivered | lost | dup | p50 ms | p95 ms | p99 ms | max ms"
        " | deliv/s | server CPU us/delivery | us/answered poll | x floor | server cores | RSS MB"
        " | write p50/p99 ms | loadgen cores |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        ratio = (
            f"{r['server_cpu_us_per_answered_poll'] / floor_us:.2f}"
            if floor_us and r["server_cpu_us_per_answered_poll"]
            else "-"
        )
        out.append(
            f"| {r['mode']} | {r['clients']:,} x {r['rate']:g} | {r['events']} | {r['expected']:,} | {r['delivered']:,}"
            f" | {r['lost']} | {r['duplicates']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']}"
            f" | {r['deliveries_per_s']:,} | {r['server_cpu_us_per_delivery']} | {r['server_cpu_us_per_answered_poll']}"
            f" | {ratio} | {r['server_cpu_cores']} | {r['server_rss_mb']} | {r['write_p50_ms']}/{r['write_p99_ms']}"
            f" | {r['loadgen_cores']} |"
        )
    return "\n".join(out)


async def main(args):
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    bench = Bench(ROOT / "bench" / ".work", max(max(args.clients), args.idle))
    bench.start()
    rows, idle, floor, profile = [], None, None, None
    try:
        if args.profile_only:
            args.modes, args.idle = "", 0
        else:
            floor = record(await bench.run_floor())
        for mode in filter(None, args.modes.split(",")):
            for clients in args.clients:
                for rate in args.rates:
                    bench.restart_poll_server()
                    rows.append(
                        record(await bench.run_cell(clients, rate, args.duration, mode == "direct"))
                    )
        if args.idle:
            idle = record(await bench.run_idle(args.idle))
        if args.profile:
            clients, rate = max(args.clients), max(args.rates)
            bench.restart_poll_server()
            raw = ROOT / "bench" / "profile.raw.txt"
            spy = []

            def attach():  # record the publishing window only, not registration and first polls
                spy.append(
                    subprocess.Popen(
                        [
                            str(PY_SPY),
                            "record",
                            "--pid",
                            str(bench.poll_pids[0]),
                            "--format",
                            "raw",
                            "--rate",
                            "200",
                            "--nonblocking",
                            "--output",
                            str(raw),
                            "--duration",
                            str(int(args.duration)),
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )

            cell = await bench.run_cell(clients, rate, args.duration, True, on_start=attach)
            spy = spy[0]
            spy.wait(60)
            cell["profiled"] = "py-spy --nonblocking --rate 200"
            record(cell)
            profile = (cell, *summarize_profile(raw))
        if args.scale_out:
            bench.scale_out()
            for mode in filter(None, args.modes.split(",")):
                for clients in args.clients:
                    for rate in args.rates:
                        bench.restart_poll_server()
                        rows.append(
                            record(
                                await bench.run_cell(clients, rate, args.duration, mode == "direct")
                            )
                        )
    finally:
        bench.stop()

    md = [
        f"# Benchmark results\n\nLatest run: {started}, `{' '.join(sys.argv)}`; "
        f"{args.duration:g} s of publishing per cell, private communities of {bench.size} members "
        f"(every event goes to one community, round robin, so each event has {bench.size} recipients); "
        f"set-up (stack, bulk seeding, articles/discussions) took {bench.setup_seconds} s.\n",
        "Machine: `nproc` = 2, load generator and all servers on the same machine; one poll-server process, "
        "except the `+2 processes` rows: two poll-server processes behind nginx (one worker), round robin "
        "per request, so a client's consecutive polls land on either process; their CPU and RSS are the sum "
        "of both processes.\n",
        "What the numbers mean against the targets, what each profile showed and what was changed "
        "because of it: bench/ANALYSIS.md (written by hand; this file is rewritten by every run).\n",
    ]
    if floor:
        md.append(
            f"**Floor** (bare Tornado `RequestHandler`, fixed 30-byte body, same lean client, "
            f"{floor['connections']} keep-alive connections): {floor['server_cpu_us_per_request']} us of server "
            f"CPU per request, {floor['requests_per_s']:,} requests/s at {floor['server_cpu_cores']} server cores "
            f"(load generator {floor['loadgen_cores']} cores, {floor['loadgen_cpu_us_per_request']} us/request).\n"
        )
    md.append(table(rows, floor and floor["server_cpu_us_per_request"]))
    md.append(
        "\n`x floor` = server CPU per answered poll / floor CPU per request (the issue's target: <= 1.25). "
        "With one recipient per answered poll these equal the per-delivery figure.\n"
    )
    if idle:
        md.append(
            f"**Idle queues:** {idle['idle_queues']:,} queues ({idle['distinct_users']:,} distinct users), one poll "
            f"waiting on each: poll-server RSS {idle['server_rss_idle_process_mb']} MB idle process -> "
            f"{idle['server_rss_mb']} MB, **{idle['rss_per_idle_queue_kb']} KB per idle queue** "
            f"(target <= 8 KB).\n"
        )
    if profile:
        cell, text, _ = profile
        md.append(
            f"## Profile (py-spy) of the poll server, {cell['clients']:,} clients x {cell['rate']:g} ev/s direct\n\n"
            f"During the profiled cell: p50 {cell['p50_ms']} ms, p99 {cell['p99_ms']} ms, "
            f"{cell['server_cpu_us_per_delivery']} us CPU per delivery, {cell['server_cpu_cores']} cores.\n\n"
            + text
            + "\n"
        )
    results = ROOT / "bench" / "RESULTS.md"
    if args.profile_only and results.exists():
        kept = results.read_text().split("## Profile")[0].rstrip()
        md = [kept, ""] + md[-1:]
    results.write_text("\n".join(md))
    print("wrote bench/RESULTS.md")


if __name__ == "__main__":
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[1000, 5000])
    p.add_argument("--rates", type=lambda s: [float(x) for x in s.split(",")], default=[5, 20])
    p.add_argument("--modes", default="http,direct")
    p.add_argument("--duration", type=float, default=20)
    p.add_argument("--idle", type=int, default=8000)
    p.add_argument("--no-profile", dest="profile", action="store_false")
    p.add_argument(
        "--no-scale-out",
        dest="scale_out",
        action="store_false",
        help="skip the cells against two poll-server processes behind nginx",
    )
    p.add_argument(
        "--profile-only",
        action="store_true",
        help="only the profiled cell; replaces the profile section of RESULTS.md",
    )
    arguments = p.parse_args()
    if arguments.profile and not PY_SPY.exists():
        print(
            "py-spy is not installed (pip install -e '.[bench]'): skipping the profile",
            file=sys.stderr,
        )
        arguments.profile = False
    if arguments.scale_out and shutil.which("nginx") is None:
        print("nginx is not installed: skipping the scale-out cells", file=sys.stderr)
        arguments.scale_out = False
    asyncio.run(main(arguments))
