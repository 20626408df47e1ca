"""Compare HTTP layers of the poll server in one run (bench/EDGE.md has the results).

  .venv/bin/python bench/edge_compare.py [--duration 20] [--cells 1000x20,5000x20] [--idle 8000]
      [--layers httptools,hand-written,tornado]   # in this order

Layers, each run as `python -m pollserver` from a copy of src/pollserver that
differs from the working tree only in its HTTP layer:

- `httptools`: the working tree (httptools parses heads under Tornado's IOStream).
- `hand-written`: http.py, routes.py, app.py and metrics.py as they were before
  httptools (commit PREVIOUS_LAYER), with their hand-written head parser.
- `tornado`: the working tree with `HttpServer` replaced by Tornado's own
  HTTP/1.1 server (bench/tornado_edge.py).

For each layer, the direct-mode cells (events straight into the Redis log, so
only the poll server differs) and RSS per idle queue; the bare-Tornado floor
is measured once, in the same run. Lines go to bench/results.jsonl with
`layer`; a Markdown table is printed.
"""

import argparse
import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadgen import ROOT, Bench, record  # noqa: E402

SRC = ROOT / "src"
PREVIOUS_LAYER = "3d12861"  # the last commit with the hand-written parser
LAYER_FILES = ("http.py", "routes.py", "app.py", "metrics.py")


def layer_sources(workdir: Path) -> dict[str, str]:
    """PYTHONPATH for each layer: its copy of pollserver first, then src."""
    layers = {"httptools": str(SRC)}
    for name in ("hand-written", "tornado"):
        package = workdir / name / "pollserver"
        shutil.rmtree(package.parent, ignore_errors=True)
        shutil.copytree(SRC / "pollserver", package, ignore=shutil.ignore_patterns("__pycache__"))
        layers[name] = f"{package.parent}:{SRC}"
    for file in LAYER_FILES:
        previous = subprocess.run(
            ["git", "show", f"{PREVIOUS_LAYER}:src/pollserver/{file}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (workdir / "hand-written" / "pollserver" / file).write_text(previous)
    tornado_http = workdir / "tornado" / "pollserver" / "http.py"
    tornado_http.write_text(
        tornado_http.read_text() + "\n\n" + (ROOT / "bench" / "tornado_edge.py").read_text()
    )
    return layers


async def main(args) -> None:
    cells = [tuple(int(n) for n in cell.split("x")) for cell in args.cells.split(",")]
    bench = Bench(ROOT / "bench" / ".work", max(max(c for c, _ in cells), args.idle))
    layers = layer_sources(ROOT / "bench" / ".work" / "edge")
    bench.start()
    rows = []
    try:
        floor = record(await bench.run_floor())
        for name in args.layers.split(","):
            bench.stack.env["PYTHONPATH"] = layers[name]
            for clients, rate in cells:
                bench.restart_poll_server()
                rows.append(
                    record(
                        {"layer": name, **await bench.run_cell(clients, rate, args.duration, True)}
                    )
                )
            if args.idle:
                rows.append(record({"layer": name, **await bench.run_idle(args.idle)}))
    finally:
        bench.stop()
    floor_us = floor["server_cpu_us_per_request"]
    print(f"\nfloor: {floor_us} us per request\n")
    print(
        "| layer | cell | lost | dup | p50 ms | p99 ms | us/answered poll | x floor |"
        " RSS MB | KB per idle queue |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        if row["mode"] == "idle":
            print(
                f"| {row['layer']} | {row['idle_queues']:,} idle | | | | | | |"
                f" {row['server_rss_mb']} | {row['rss_per_idle_queue_kb']} |"
            )
        else:
            per_poll = row["server_cpu_us_per_answered_poll"]
            print(
                f"| {row['layer']} | direct {row['clients']:,} x {row['rate']:g} |"
                f" {row['lost']} | {row['duplicates']} | {row['p50_ms']} | {row['p99_ms']} |"
                f" {per_poll} | {per_poll / floor_us:.2f} | {row['server_rss_mb']} | |"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--cells", default="1000x20,5000x20")
    parser.add_argument("--idle", type=int, default=8000)
    parser.add_argument(
        "--layers",
        default="httptools,hand-written,tornado",
        help="which layers, in which order (run twice in opposite orders "
        "to see what the order and the machine's load do)",
    )
    asyncio.run(main(parser.parse_args()))
