"""What rendering maths costs and how it fails, counted for Prometheus.

In the process's default registry: under gunicorn the API serves them from every
worker at once through prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR,
set up by gunicorn.conf.py), elsewhere from the one process.
"""

from prometheus_client import Counter, Histogram

FORMULAS = Counter(
    "marginalia_render_formulas",
    "Formulas sent to KaTeX, by outcome: rendered, unreadable "
    "(shown as source), geometry (would move things outside its box), timeout, memory, crash "
    "(its process ended), unavailable (no KaTeX process could start)",
    ["outcome"],
)
OVER_BUDGET = Counter(
    "marginalia_render_formulas_over_budget",
    "Formulas shown as their source because their post's maths budget was spent",
)
RESTARTS = Counter(
    "marginalia_render_process_restarts",
    "KaTeX processes ended by a formula (timeout, memory, crash) and replaced",
    ["reason"],
)
QUEUE_WAIT = Histogram(
    "marginalia_render_queue_wait_seconds",
    "How long a post waited for a KaTeX process",
    buckets=(0.001, 0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5),
)
BUSY = Counter(
    "marginalia_render_busy_refusals",
    "Renders refused because every KaTeX process was taken and the wait was full",
)
