"""The renderer's settings, read from the environment once, when richtext is imported
(in every API process and in management commands), with defaults that work locally."""

import os

# KaTeX processes per API process. Each holds about 80 MB and renders one post's
# formulas at a time.
PROCESSES = int(os.environ.get("RENDER_PROCESSES") or 2)
# Posts with maths that may wait for a KaTeX process at once, per API process. Each
# waits on an API thread (gunicorn runs 8 a process): fewer places than threads leave
# threads free for everything else while maths is slow.
MAX_WAITING = int(os.environ.get("RENDER_MAX_WAITING") or 4)
# The longest a post waits for its turn before the render is refused (429).
MAX_WAIT_SECONDS = float(os.environ.get("RENDER_MAX_WAIT_SECONDS") or 3)
# V8 heap of a KaTeX process: a formula needing more ends its process and shows as its
# source (KaTeX needs a few MiB; the longest formula a post holds, up to about 30).
HEAP_BYTES = int(os.environ.get("RENDER_HEAP_BYTES") or 64 * 1024 * 1024)
# How much lower than the API's the KaTeX processes' CPU priority is (nice(2) steps): at
# 10 they get about a tenth of a core the API wants too. Deadlines count their CPU time,
# so a busy API slows maths down without failing it; at 19 (about 1.5 %) a saturated
# machine starved ordinary formulas past their 5 s cap.
NICENESS = int(os.environ.get("RENDER_NICENESS") or 10)
