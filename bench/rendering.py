"""Where KaTeX runs, measured: crashes under the hostile posts, latency, memory.

Three places, the same posts (tests/support/hostile_posts.py and ordinary ones):

- `in-process`: the former design, V8 (mini-racer) inside the API process, a stopped
  formula answered by closing the isolate and starting another. Each run is a process of
  its own, so its crashes are counted, not suffered.
- `python-v8-processes`: what the API runs (richtext.katex_pool): V8 in killable Python
  processes, at the lowest CPU priority.
- `node-processes`: KaTeX on Node.js in killable processes (bench/katex_node_worker.cjs)
  behind the same pool, as Zulip runs it.

    .venv/bin/python bench/rendering.py [--runs 3]

Appends one JSON line per place to bench/rendering.jsonl and prints a Markdown table
(copied by hand into bench/RENDERING.md).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from richtext import katex_pool, markdown  # noqa: E402
from tests.support.hostile_posts import CORPUS  # noqa: E402

RESULTS = ROOT / "bench" / "rendering.jsonl"
# How many formulas a post gets rendered within its 1 s budget (no two alike).
DISTINCT = {"2,000 distinct formulas": " ".join(f"$x_{{{n}}}$" for n in range(2000))}
# An ordinary maths post: ten formulas of the kinds people write.
ORDINARY = (
    "Let $f(x) = \\int_0^x e^{-t^2}\\,dt$ and $g_n = \\sum_{k=1}^n \\frac{1}{k^2}$, so that\n\n"
    "$$\\lim_{n\\to\\infty} g_n = \\frac{\\pi^2}{6}$$\n\nwith $A = \\begin{pmatrix}a & b\\\\ c & d"
    "\\end{pmatrix}$, $\\det A = ad - bc$, $\\hat{\\theta}_{\\mathrm{MLE}}$, $\\mathbb{E}[X]$, "
    "$\\sqrt[3]{y}$, $\\binom{n}{k}$ and $\\left(\\frac{a}{b}\\right)^{{{n}}}$."
)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class NodeKatexProcess(katex_pool.KatexProcess):
    command = ("node", str(ROOT / "bench" / "katex_node_worker.cjs"))


def measure_pool(name: str, process_class) -> dict:
    pool = katex_pool.KatexPool(2, 4, 10, process_class=process_class)
    katex_pool.pool = lambda: pool
    api_before = rss_mb(os.getpid())
    markdown.render("$x$")  # started
    ordinary = []
    for n in range(50):
        started = time.monotonic()
        markdown.render(ORDINARY.replace("{n}", str(n)))
        ordinary.append(time.monotonic() - started)
    restarts_before = sum(_restarts())
    hostile = {}
    for item, content in {**CORPUS, **DISTINCT}.items():
        started = time.monotonic()
        html = markdown.render(content, lane=item)
        hostile[item] = {
            "seconds": round(time.monotonic() - started, 3),
            "formulas_rendered": html.count("<math"),
        }
    result = {
        "place": name,
        "api_process_died": 0,
        "runs": 1,
        "ordinary_post_ms_p50": round(statistics.median(ordinary) * 1000, 1),
        "ordinary_post_ms_max": round(max(ordinary) * 1000, 1),
        "hostile": hostile,
        "restarts": sum(_restarts()) - restarts_before,
        "api_rss_added_mb": round(rss_mb(os.getpid()) - api_before, 1),
        "renderer_rss_mb": [round(rss_mb(pid), 1) for pid in pool.pids()],
    }
    pool.close()
    return result


def _restarts():
    from prometheus_client import REGISTRY

    for reason in ("timeout", "memory", "crash"):
        yield (
            REGISTRY.get_sample_value(
                "marginalia_render_process_restarts_total", {"reason": reason}
            )
            or 0
        )


# The former renderer, as it ran inside the API process (for the comparison only).
_IN_PROCESS = r"""
import json, os, sys, time, threading
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/src"]
from py_mini_racer import JSEvalException, JSOOMException, JSTimeoutException, MiniRacer
from richtext import maths, markdown
from richtext.katex_engine import KATEX_OPTIONS, KATEX_SCRIPT
from tests.support.hostile_posts import CORPUS
DISTINCT = {"2,000 distinct formulas": " ".join(f"$x_{{{n}}}$" for n in range(2000))}

def rss():
    return int([l for l in open("/proc/self/status") if l.startswith("VmRSS")][0].split()[1]) / 1024

before = rss()
racer = None
def start():
    # as the former code did: made on a thread without an asyncio loop
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=1) as starter:
        r = starter.submit(MiniRacer).result()
    r.eval(KATEX_SCRIPT.read_text()); r.set_hard_memory_limit(64 << 20)
    return r

def render_formulas(formulas, turn):
    global racer
    out, left = {}, 1.0
    for tex, display in formulas:
        if left < 0.005:
            out[tex, display] = None; continue
        racer = racer or start()
        t = time.monotonic()
        try:
            out[tex, display] = racer.call("katex.renderToString", tex,
                {**KATEX_OPTIONS, "displayMode": display}, timeout_sec=min(0.5, left))
        except (JSTimeoutException, JSOOMException):
            racer.close(); racer = None; out[tex, display] = None
        except JSEvalException:
            out[tex, display] = None
        left -= time.monotonic() - t
    return out

maths.render_formulas = render_formulas
markdown.katex_pool.pool = lambda: type("P", (), {"turn": lambda self, lane: __import__("contextlib").nullcontext()})()
ordinary = []
for n in range(50):
    t = time.monotonic(); markdown.render(sys.argv[2].replace("{n}", str(n))); ordinary.append(time.monotonic() - t)
print(json.dumps({"ordinary": ordinary}), flush=True)
for item, content in {**CORPUS, **DISTINCT}.items():
    t = time.monotonic(); html = markdown.render(content)
    print(json.dumps({"item": item, "seconds": time.monotonic() - t,
                      "formulas_rendered": html.count("<math")}), flush=True)
print(json.dumps({"rss_added": rss() - before}), flush=True)
"""


def measure_in_process(runs: int) -> dict:
    died, hostile, ordinary, rss_added = 0, {}, [], []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", _IN_PROCESS, str(ROOT), ORDINARY],
            capture_output=True,
            text=True,
            timeout=600,
        )
        for line in done.stdout.splitlines():
            record = json.loads(line)
            if "ordinary" in record:
                ordinary += record["ordinary"]
            elif "item" in record:
                hostile[record["item"]] = {
                    "seconds": round(record["seconds"], 3),
                    "formulas_rendered": record["formulas_rendered"],
                }
            else:
                rss_added.append(record["rss_added"])
        if done.returncode != 0:
            died += 1
            reached = [line for line in done.stdout.splitlines() if '"item"' in line]
            items = [*CORPUS, *DISTINCT]
            crashed_at = items[len(reached)] if len(reached) < len(items) else "exit"
            hostile.setdefault(crashed_at, {})["died_with"] = done.returncode
    return {
        "place": "in-process",
        "api_process_died": died,
        "runs": runs,
        "ordinary_post_ms_p50": round(statistics.median(ordinary) * 1000, 1),
        "ordinary_post_ms_max": round(max(ordinary) * 1000, 1),
        "hostile": hostile,
        "restarts": None,
        "api_rss_added_mb": round(max(rss_added), 1) if rss_added else None,
        "renderer_rss_mb": [],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of the in-process place")
    args = parser.parse_args()
    results = [
        measure_in_process(args.runs),
        measure_pool("python-v8-processes", katex_pool.KatexProcess),
        measure_pool("node-processes", NodeKatexProcess),
    ]
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    with RESULTS.open("a") as out:
        for result in results:
            out.write(json.dumps({"at": stamp, **result}) + "\n")
    print(
        "| place | API process died | ordinary post p50 / max ms | macro bomb s | distinct formulas in a post's 1 s | restarts | API RSS added MB | renderer RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        bomb = r["hostile"].get("macro bomb", {})
        many = r["hostile"].get("2,000 distinct formulas", {})
        print(
            f"| {r['place']} | {r['api_process_died']} of {r['runs']} runs | "
            f"{r['ordinary_post_ms_p50']} / {r['ordinary_post_ms_max']} | "
            f"{bomb.get('seconds', bomb.get('died_with', '-'))} | "
            f"{many.get('formulas_rendered', '-')} | {r['restarts']} | "
            f"{r['api_rss_added_mb']} | {r['renderer_rss_mb']} |"
        )


if __name__ == "__main__":
    main()
